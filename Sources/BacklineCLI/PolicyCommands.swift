internal import BacklineCore
internal import BacklinePolicy
internal import Foundation

/// `backline policy`: check, test and explain RBAC policies.
struct PolicyCommand: Command {
    let name = "policy"
    let abstract = "Check, test and explain access policies"
    var subcommands: [any Command] { [PolicyCheckCommand(), PolicyTestCommand(), PolicyExplainCommand()] }

    /// The default policy, relative to the working directory.
    static let defaultPolicy = "Policies/federation.policy"
    /// Where `policy test` looks for tables by default.
    static let defaultTables = "Policies/tests"
}

/// `backline policy check FILE`.
struct PolicyCheckCommand: Command {
    let name = "check"
    let abstract = "Validate a policy file; errors name the line"
    var positionals: [String] { ["FILE"] }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        guard let path = arguments.positionals.first else { throw UsageError("missing FILE") }
        let policy = try CompiledPolicy(contentsOf: path)
        struct Report: Encodable {
            let file: String, sha256: String, roles: [String], actions: [String], resource_types: [String], rules: Int
        }
        try context.report(
            Report(
                file: path,
                sha256: policy.sha256,
                roles: policy.roles,
                actions: policy.actions,
                resource_types: policy.resourceTypes,
                rules: policy.ruleIDs.count
            )
        ) {
            "ok: \(path): \(policy.ruleIDs.count) rules, \(policy.roles.count) roles, \(policy.actions.count) actions, "
                + "\(policy.resourceTypes.count) resource types; sha256 \(policy.sha256)"
        }
        return 0
    }
}

/// `backline policy test [--policy FILE] [TABLE...]`.
struct PolicyTestCommand: Command {
    let name = "test"
    let abstract = "Run decision tables (default: Policies/tests/*.table) against their policy"
    var options: [OptionSpec] { [.value("policy", "FILE", "Test this policy instead of the one each table names")] }
    var positionals: [String] { ["TABLE..."] }
    var discussion: String {
        "Every cell of role x action x resource type x owner (self, other) x round (open, closed)\nmust match the table. Exit status 1 when any cell differs."
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        var tables = arguments.positionals
        if tables.isEmpty {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: PolicyCommand.defaultTables)) ?? []
            tables = names.filter { $0.hasSuffix(".table") }.sorted().map { PolicyCommand.defaultTables + "/" + $0 }
            guard !tables.isEmpty else { throw UsageError("no tables given and none in \(PolicyCommand.defaultTables)/") }
        }
        var results: [DecisionTableResult] = []
        for path in tables {
            let table = try DecisionTable(contentsOf: path)
            guard let policyPath = arguments.value("policy") ?? table.policyPath else {
                throw UsageError("\(path) names no policy; pass --policy FILE")
            }
            results.append(try table.run(against: try CompiledPolicy(contentsOf: policyPath)))
        }
        struct Report: Encodable {
            let passed: Bool
            let tables: [DecisionTableResult]
        }
        let passed = results.allSatisfy(\.passed)
        try context.report(Report(passed: passed, tables: results)) {
            results.map { result in
                ([(result.passed ? "PASS " : "FAIL ") + "\(result.table): \(result.cases) cases, \(result.failures.count) failures"]
                    + result.failures.map { "  " + $0 }).joined(separator: "\n")
            }.joined(separator: "\n")
        }
        return passed ? 0 : 1
    }
}

/// `backline policy explain --as ID --action A --resource TYPE[:owner[:state]]`.
struct PolicyExplainCommand: Command {
    let name = "explain"
    let abstract = "Show the decision and deciding rule for one request"
    var options: [OptionSpec] {
        [
            .value("policy", "FILE", "Policy file (default \(PolicyCommand.defaultPolicy))"),
            .value("as", "SPIFFE_ID", "Caller, e.g. spiffe://fed/promoter/p1"),
            .value("action", "ACTION", "Action, e.g. submit_update"),
            .value("resource", "TYPE[:OWNER[:open|closed]]", "Resource, e.g. update:p1:open"),
        ]
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let policy = try CompiledPolicy(contentsOf: arguments.value("policy") ?? PolicyCommand.defaultPolicy)
        let identity = try SpiffeID(parsing: try arguments.required("as"))
        let resource = try arguments.required("resource")
        let request = try PolicyRequest(identity: identity, action: try arguments.required("action"), resource: resource)
        let decision = policy.evaluate(request)
        try context.report(decision) {
            "\(decision.decision) \(identity) \(request.action) \(resource)\n  rule: \(decision.ruleID)\n  reason: \(decision.reason)\n  policy sha256: \(decision.policySHA256)"
        }
        return 0
    }
}
