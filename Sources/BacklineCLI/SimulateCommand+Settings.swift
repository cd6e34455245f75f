internal import BacklineCore
internal import BacklineFederation
internal import BacklineModel
import Foundation

/// The parsed options of `backline simulate` and how they turn into a federation.
struct SimulationSettings {
    let lastfm: String?
    let partition: String?
    let promoterCount: Int
    let members: Int
    let artists: Int
    let seed: UInt64
    let rounds: Int
    let samplingRate: Double
    let learningRate: Double
    let factors: Int
    let lambda: Float?
    let baselineIterations: Int
    let threads: Int

    init(_ arguments: ParsedArguments) throws {
        lastfm = arguments.value("lastfm")
        guard (lastfm != nil) != arguments.flag("synthetic") else { throw UsageError("give exactly one of --lastfm DIR or --synthetic") }
        partition = arguments.value("partition")
        promoterCount = try arguments.integer("promoters", default: 5, in: 1...64)
        members = try arguments.integer("members", default: 2000, in: 1...10_000_000)
        artists = try arguments.integer("artists", default: 500, in: 20...1_000_000)
        seed = UInt64(try arguments.integer("seed", default: 42, in: 0...Int.max))
        rounds = try arguments.integer("rounds", in: 1...100_000)
        samplingRate = try arguments.double("q", default: 1, in: 1e-9...1)
        learningRate = try arguments.double("learning-rate", default: 0.2, in: 1e-9...10)
        factors = try arguments.integer("factors", default: 32, in: 1...1024)
        lambda = try arguments.value("lambda").map { _ in Float(try arguments.double("lambda", in: 1e-9...1e9)) }
        baselineIterations = try arguments.integer("baseline-iterations", default: 15, in: 1...1000)
        threads = try arguments.integer("threads", default: 2, in: 1...256)
    }

    /// The promoters' data, test tables and model specification.
    func loadSetup() throws -> FederationSetup {
        if let lastfm {
            return try FederationSetup.lastfm(
                directory: lastfm,
                partition: partition ?? lastfm + "/promoters5.tsv",
                factors: factors,
                regularization: lambda ?? 50
            )
        }
        let federation = try SyntheticFederation(
            shape: .init(members: Array(repeating: members, count: promoterCount), artists: artists),
            seed: seed
        )
        return FederationSetup(
            specification: try federation.specification(factors: factors, regularization: lambda ?? 3, featureRegularization: lambda ?? 3),
            promoters: federation.promoters,
            tests: federation.tests
        )
    }
}
