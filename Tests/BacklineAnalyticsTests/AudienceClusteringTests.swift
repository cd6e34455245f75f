import BacklineAnalytics
import BacklineCore
import Testing

@Suite struct AudienceClusteringTests {
    /// `perCluster` points around each of `centres`, with N(0, spread²) noise per coordinate.
    static func blobs(_ centres: [[Float]], perCluster: Int, spread: Double, seed: UInt64) -> (vectors: [[Float]], truth: [Int]) {
        var random = SeededGenerator(seed: seed)
        var vectors: [[Float]] = []
        var truth: [Int] = []
        for (cluster, centre) in centres.enumerated() {
            for _ in 0..<perCluster {
                vectors.append(centre.map { $0 + Float(spread * random.nextGaussian()) })
                truth.append(cluster)
            }
        }
        return (vectors, truth)
    }

    @Test(arguments: [2, 3, 5])
    func silhouettePicksTheNumberOfPlantedClusters(planted: Int) throws {
        let centres: [[Float]] = (0..<planted).map { cluster in (0..<6).map { $0 == cluster ? 8 : 0 } }
        let (vectors, truth) = Self.blobs(centres, perCluster: 150, spread: 1, seed: UInt64(planted))
        let clustering = try AudienceClustering(vectors, kRange: 2...7, seed: 9, sampleSize: 400)
        #expect(clustering.k == planted, "silhouettes \(clustering.silhouettes)")
        // Every planted cluster maps onto one found cluster.
        for cluster in 0..<planted {
            let found = Set(zip(truth, clustering.assignments).filter { $0.0 == cluster }.map(\.1))
            #expect(found.count == 1)
        }
        #expect(Set(clustering.assignments).count == planted)
    }

    @Test func badVectorsAreRejected() {
        #expect(throws: AnalyticsError.self) { try AudienceClustering([]) }
        #expect(throws: AnalyticsError.self) { try AudienceClustering([[1, 2], [1]], kRange: 2...2) }
        #expect(throws: AnalyticsError.self) { try AudienceClustering([[1, 2], [.nan, 1], [0, 0]], kRange: 2...2) }
        #expect(throws: AnalyticsError.self) { try AudienceClustering([[1, 2], [.infinity, 1], [0, 0]], kRange: 2...2) }
        #expect(throws: AnalyticsError.self) { try AudienceClustering([[1, 2], [3, 1]], kRange: 2...5) }
    }

    @Test func segmentsAreDescribedByDemographicsAndGenres() throws {
        let engine = try AnalyticsEngine(VaultBuilder.tiny())
        let profiles = try engine.describe(memberIDs: [1, 2, 3, 77], assignments: [0, 0, 1, 1])
        #expect(profiles.count == 2)
        #expect(profiles[0].members == 2 && profiles[1].members == 1)  // id 77 is not in the vault
        #expect(profiles[0].topGenres.first?.genre == "rock" && profiles[0].topGenres.first?.share == 1)
        #expect(profiles[0].genders == ["f": 0.5, "m": 0.5])
        // Ages in 2026, the year of the last show: 36 and 21.
        #expect(profiles[0].ageBands == ["35-44": 0.5, "<25": 0.5])
        #expect(profiles[1].ageBands == ["65+": 1] && profiles[1].topGenres.isEmpty)
        #expect(throws: AnalyticsError.self) { try engine.describe(memberIDs: [1], assignments: [0, 1]) }
    }
}
