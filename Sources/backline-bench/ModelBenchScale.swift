import BacklineCore
import BacklineModel
import Foundation

/// A synthetic 1 M members × 50 M interactions matrix (100 000 artists, Zipf-like popularity),
/// trained for 15 sweeps at 64 factors on 2 threads: time and peak resident memory.
enum ModelBenchScale {
    static func run(_ reporter: BenchReporter) throws {
        let environment = ProcessInfo.processInfo.environment
        let members = Int(environment["MODEL_BENCH_SCALE_MEMBERS"] ?? "") ?? 1_000_000
        let perMember = 50
        let artists = 100_000
        reporter.progress("generating \(members) x \(artists) with \(perMember) interactions per member")
        var matrix: SparseMatrix?
        let generation = try measureSeconds {
            matrix = try generate(members: members, artists: artists, perMember: perMember, reporter: reporter)
        }
        reporter.emit("scale_generation_seconds", generation, "s")
        var configuration = TrainingConfiguration()
        configuration.factors = 64
        configuration.regularization = 50
        configuration.iterations = 15
        configuration.threads = 2
        let train = matrix!
        let seconds = try measureSeconds {
            _ = try ALSTrainer(configuration: configuration).train(
                interactions: train,
                features: .none(memberCount: train.rowCount, artistCount: train.columnCount)
            ) { progress in reporter.progress(String(format: "scale sweep %d: %.1f s", progress.iteration, progress.seconds)) }
        }
        reporter.emit("scale_interactions", Double(train.entryCount), "count")
        reporter.emit("scale_15_sweeps_seconds_2threads", seconds, "s")
        reporter.emit("scale_peak_resident_gib", peakResidentBytes() / 1_073_741_824, "GiB", goal: "<= 24")
    }

    static func generate(members: Int, artists: Int, perMember: Int, reporter: BenchReporter) throws -> SparseMatrix {
        var generator = SeededGenerator(seed: 2024)
        var offsets = [Int](repeating: 0, count: members + 1)
        var columns = [Int32]()
        var values = [Float]()
        columns.reserveCapacity(members * perMember)
        values.reserveCapacity(members * perMember)
        var row = Set<Int32>()
        for member in 0..<members {
            row.removeAll(keepingCapacity: true)
            while row.count < perMember {
                let u = generator.nextUnitDouble()
                row.insert(Int32(Double(artists) * pow(u, 2.5)) % Int32(artists))
            }
            for column in row.sorted() {
                columns.append(column)
                values.append(Float(1 + Int(generator.next() % 200)))
            }
            offsets[member + 1] = columns.count
            if member % 200_000 == 0 { reporter.progress("generated \(member) members") }
        }
        return try SparseMatrix(rowCount: members, columnCount: artists, rowOffsets: offsets, columns: columns, values: values)
    }
}
