/// `backline`: the top of the command tree. Each group of commands lives in its own file.
public struct RootCommand: Command {
    public init() {}
    public let name = "backline"
    public let abstract = "Federated audience learning for live-music promoters"
    public var discussion: String {
        "Promoters keep their audience data encrypted on their own node; only clipped, noised model\nupdates leave it, over mutual TLS, to the federation's aggregator. See README.md."
    }
    public var subcommands: [any Command] {
        [
            VersionCommand(),
            DataCommand(),
            PKICommand(),
            AuditCommand(),
            PolicyCommand(),
            PrivacyCommand(),
            AggregatorCommand(),
            SimulateCommand(),
            ModelTrainCommand(), ModelEvaluateCommand(), ModelSimilarCommand(), ModelRecommendCommand(),
            NodeModelCommand(), MatchCommand(), ForecastCommand(),
            NodeCommand(), FederationCommand(),
            AnalyticsCommand(),
        ]
    }
}

/// `backline version`: the program's version.
struct VersionCommand: Command {
    static let version = "0.1.0"
    let name = "version"
    let abstract = "Print Backline's version"
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        struct Version: Encodable { let version: String }
        try context.report(Version(version: Self.version)) { "backline \(Self.version)" }
        return 0
    }
}
