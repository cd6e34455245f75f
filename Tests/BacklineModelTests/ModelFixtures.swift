import BacklineCore
import BacklineModel

/// Small deterministic datasets for the model tests.
enum ModelFixtures {
    /// Two taste groups: members 0..<m/2 play artists 0..<a/2, the others artists a/2..<a; each
    /// member plays all but one artist of its group (member i skips artist i mod group size).
    static func twoGroups(members: Int = 12, artists: Int = 8) throws -> SparseMatrix {
        var triples: [(row: Int, column: Int, value: Float)] = []
        let half = artists / 2
        for member in 0..<members {
            let base = member < members / 2 ? 0 : half
            for offset in 0..<half where offset != member % half {
                triples.append((member, base + offset, Float(1 + (member * 7 + offset * 3) % 20)))
            }
        }
        return try SparseMatrix(rowCount: members, columnCount: artists, triples: triples)
    }

    /// A random sparse matrix with about `density` of entries set, strengths 1…100.
    static func random(members: Int, artists: Int, density: Double, seed: UInt64) throws -> SparseMatrix {
        var generator = SeededGenerator(seed: seed)
        var triples: [(row: Int, column: Int, value: Float)] = []
        for member in 0..<members {
            for artist in 0..<artists where generator.nextUnitDouble() < density {
                triples.append((member, artist, Float(1 + generator.next() % 100)))
            }
        }
        return try SparseMatrix(rowCount: members, columnCount: artists, triples: triples)
    }

    /// Random binary feature table, each row with 1…3 features, weights in (0, 1].
    static func features(rows: Int, features: Int, seed: UInt64) throws -> SparseMatrix {
        var generator = SeededGenerator(seed: seed)
        var triples: [(row: Int, column: Int, value: Float)] = []
        for row in 0..<rows {
            var chosen = Set<Int>()
            for _ in 0..<(1 + Int(generator.next() % 3)) { chosen.insert(Int(generator.next() % UInt64(features))) }
            for feature in chosen { triples.append((row, feature, Float(0.25 + 0.75 * generator.nextUnitDouble()))) }
        }
        return try SparseMatrix(rowCount: rows, columnCount: features, triples: triples)
    }

    static func configuration(factors: Int = 4, iterations: Int = 10, threads: Int = 1) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.factors = factors
        configuration.regularization = 0.5
        configuration.featureRegularization = 0.5
        configuration.iterations = iterations
        configuration.threads = threads
        configuration.initialScale = 0.1
        return configuration
    }
}
