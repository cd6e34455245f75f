internal import BacklineAggregator
internal import BacklineCore
internal import Dispatch
internal import Foundation

/// `backline aggregator`: run the federation's aggregator.
struct AggregatorCommand: Command {
    let name = "aggregator"
    let abstract = "Run the federation's aggregator (mTLS API, rounds, audit log)"
    var subcommands: [any Command] { [AggregatorServeCommand(), AggregatorInitConfigCommand(), AggregatorKeygenCommand()] }
}

/// `backline aggregator serve --config FILE`.
struct AggregatorServeCommand: Command {
    let name = "serve"
    let abstract = "Serve the aggregator API until SIGINT or SIGTERM (graceful shutdown)"
    var options: [OptionSpec] { [.value("config", "FILE", "The configuration file (see `aggregator init-config`)")] }
    var reportsJSON: Bool { false }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let configuration = try AggregatorConfiguration.load(path: try arguments.required("config"))
        AllocatorTuning.forLargeBuffers()  // 4.5 MB updates and models per request
        let logger = Logger(label: "aggregator")
        let service = try AggregatorService.make(configuration: configuration, logger: logger)
        let port = try await service.start()
        context.note("aggregator \(configuration.name) of \(configuration.federation) listening on \(configuration.host):\(port)")
        let task = Task { try await service.run() }
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("signal received: shutting down", ["signal": .public(String(number))])
                task.cancel()
            }
            source.resume()
            return source
        }
        _ = try? await task.value
        for source in signals { source.cancel() }
        context.note("aggregator stopped")
        return 0
    }
}

/// `backline aggregator init-config`.
struct AggregatorInitConfigCommand: Command {
    let name = "init-config"
    let abstract = "Print a commented example configuration"
    var reportsJSON: Bool { false }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        context.output(AggregatorConfiguration.exampleText)
        return 0
    }
}

/// `backline aggregator keygen --out FILE [--origin NAME]`.
struct AggregatorKeygenCommand: Command {
    let name = "keygen"
    let abstract = "Create the audit checkpoint signing key (mode 0600) and print the auditors' verifier key"
    var options: [OptionSpec] {
        [
            .value("out", "FILE", "Where to write the key (must not exist)"),
            .value("origin", "NAME", "The audit log origin, e.g. fed.example/audit (as in the configuration)"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let path = try arguments.required("out")
        let verifier = try AuditSigningKey.generate(path: path, origin: try arguments.required("origin"))
        struct Report: Encodable {
            let key_file: String
            let verifier_key: String
        }
        try context.report(Report(key_file: path, verifier_key: verifier)) { "wrote \(path)\nverifier key: \(verifier)" }
        return 0
    }
}
