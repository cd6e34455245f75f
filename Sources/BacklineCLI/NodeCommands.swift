internal import BacklineCore
internal import BacklineNode
internal import BacklinePrivacy
internal import Dispatch
import Foundation

/// `backline node`: a promoter's node taking part in the federation.
struct NodeCommand: Command {
    let name = "node"
    let abstract = "Run a promoter's node: join rounds over mutual TLS, train locally, release noised updates"
    var subcommands: [any Command] { [NodeRunCommand(), NodeStatusCommand(), NodeInitConfigCommand()] }
}

/// `backline node run --config FILE`.
struct NodeRunCommand: Command {
    let name = "run"
    let abstract = "Take part in the aggregator's rounds until the budget is spent, a round is reached, or SIGINT/SIGTERM"
    var discussion: String {
        """
        Each round: download the global model, solve member factors locally, charge the privacy ledger
        (in the vault) before touching member data, release the clipped, noised gradient sum, record it
        in the vault's journal, submit it (the same bytes again after a crash or a lost answer get the
        same receipt), then take in the published model: validation NDCG@10 on held-out interactions,
        member factors (encrypted, in the vault) and state/model-latest.safetensors for the query
        commands (match, forecast, similar, recommend with --model).
        Progress goes to standard error and to state/status.json.
        Example: backline node run --config node.json --until-round 5
        """
    }
    var options: [OptionSpec] {
        [
            .value("config", "FILE", "The node configuration (see `node init-config`)"),
            .value("until-round", "N", "Stop once round N is over"),
            .value("idle-timeout", "SECONDS", "Stop when nothing happens for this long (default 600)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let configuration = try NodeConfiguration.load(path: try arguments.required("config"))
        let untilRound = try arguments.value("until-round").map { _ in Int64(try arguments.integer("until-round", in: 1...Int(Int32.max))) }
        let idleTimeout = try arguments.double("idle-timeout", default: 600, in: 1...86_400)
        AllocatorTuning.forLargeBuffers()  // models and updates of several MB each round
        let session = try NodeSession(configuration: configuration)
        let logger = Logger(label: "node \(configuration.name)", minimumLevel: .warning)
        let runner = NodeRunner(session: session, context: context, untilRound: untilRound, idleTimeout: idleTimeout, logger: logger)
        let task = Task { try await runner.run() }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { for source in signals { source.cancel() } }
        let (ending, progress): (NodeRunner.Ending, NodeProgress)
        do { (ending, progress) = try await task.value } catch is CancellationError {
            context.note("\(configuration.name): stopped")
            return 0
        }
        struct Summary: Encodable {
            let ending: NodeRunner.Ending
            let progress: NodeProgress
        }
        try context.report(Summary(ending: ending, progress: progress)) {
            String(
                format: "%@: stopped (%@): %d rounds submitted, model version %@, ε spent %.3f of %.3f",
                configuration.name,
                ending.rawValue,
                progress.roundsSubmitted,
                progress.modelVersion.map(String.init) ?? "none",
                progress.epsilonSpent,
                progress.epsilonBudget
            )
        }
        return 0
    }
}

/// `backline node status --config FILE`.
struct NodeStatusCommand: Command {
    let name = "status"
    let abstract = "Show the node's rounds, model version and privacy spending (from its vault)"
    var options: [OptionSpec] { [.value("config", "FILE", "The node configuration")] }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let session = try NodeSession(configuration: try NodeConfiguration.load(path: try arguments.required("config")))
        let journal = session.journal.snapshot
        let ledger = try session.ledger()
        struct Status: Encodable {
            let node: String
            let modelVersion: Int64?
            let epsilonSpent: Double
            let epsilonBudget: Double
            let delta: Double
            let releases: Int
            let roundsSubmitted: Int
            let preparedRound: Int64?
            let rounds: [NodeJournalState.RoundLine]
            enum CodingKeys: String, CodingKey {
                case node, delta, releases, rounds
                case modelVersion = "model_version"
                case epsilonSpent = "epsilon_spent"
                case epsilonBudget = "epsilon_budget"
                case roundsSubmitted = "rounds_submitted"
                case preparedRound = "prepared_round"
            }
        }
        let status = Status(
            node: session.configuration.name,
            modelVersion: journal.modelVersion,
            epsilonSpent: ledger.spent.epsilon,
            epsilonBudget: ledger.budget.epsilon,
            delta: ledger.budget.delta,
            releases: ledger.entries.count,
            roundsSubmitted: journal.receipts.count,
            preparedRound: journal.prepared?.round,
            rounds: journal.rounds.sorted { $0.round < $1.round }
        )
        if context.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            context.print(String(decoding: try encoder.encode(status), as: UTF8.self))
            return 0
        }
        context.print(
            "node \(status.node): model version \(status.modelVersion.map(String.init) ?? "none"), \(status.roundsSubmitted) rounds submitted"
        )
        context.print(
            String(
                format: "privacy: ε spent %.4f of %.4f (δ %g) over %d releases",
                status.epsilonSpent,
                status.epsilonBudget,
                status.delta,
                status.releases
            )
        )
        if let prepared = status.preparedRound {
            context.print("update for round \(prepared) prepared, not yet acknowledged (sent again on the next run)")
        }
        if !status.rounds.isEmpty {
            context.print("round  outcome    model  ε spent  NDCG@10")
            for line in status.rounds {
                context.print(
                    String(
                        format: "%5lld  %-9@  %5@  %7.4f  %@",
                        line.round,
                        line.outcome as NSString,
                        (line.modelVersion.map(String.init) ?? "-") as NSString,
                        line.epsilonSpent,
                        (line.validationNDCG.map { String(format: "%.4f", $0) } ?? "-") as NSString
                    )
                )
            }
        }
        return 0
    }
}

/// `backline node init-config`.
struct NodeInitConfigCommand: Command {
    let name = "init-config"
    let abstract = "Print a commented example node configuration"
    var reportsJSON: Bool { false }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        context.output(NodeConfiguration.exampleText)
        return 0
    }
}
