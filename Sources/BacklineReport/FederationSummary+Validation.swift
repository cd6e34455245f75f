import Foundation

extension FederationSummary {
    /// The most rounds, promoters, members or behaviour rows a summary may list.
    static let maximumRows = 10_000

    /// Checks the ranges documented on ``FederationSummary``; throws ``ReportError`` `invalid_value`
    /// naming the first field at fault.
    public func validate(document: String) throws {
        let check = InputCheck(document: document)
        try check.text(title, "title")
        try check.text(federation, "federation")
        guard Self.parseTimestamp(generatedAt) != nil else {
            throw ReportError.invalidValue(
                document,
                field: "generated_at",
                "must be an ISO 8601 date and time such as 2026-12-03T16:00:00Z"
            )
        }
        try check.size(rounds.count, "rounds", maximum: Self.maximumRows)
        var seen = Set<Int>()
        for (index, round) in rounds.enumerated() {
            let field = "rounds[\(index)]"
            try check.count(round.round, field + ".round")
            guard seen.insert(round.round).inserted else {
                throw ReportError.invalidValue(document, field: field + ".round", "round \(round.round) is listed twice")
            }
            try check.count(round.contributions, field + ".contributions")
            if let ndcg = round.validationNDCGAt10 { try check.number(ndcg, field + ".validation_ndcg_at_10", in: 0...1) }
            try check.size(round.epsilonSpent.count, field + ".epsilon_spent", maximum: 1000)
            for (promoter, epsilon) in round.epsilonSpent {
                try check.text(promoter, field + ".epsilon_spent key")
                try check.number(epsilon, field + ".epsilon_spent.\(promoter)", in: 0...Double.greatestFiniteMagnitude)
            }
        }
        try check.size(quality.count, "quality", maximum: Self.maximumRows)
        for (index, row) in quality.enumerated() {
            let field = "quality[\(index)]"
            try check.text(row.promoter, field + ".promoter")
            try check.number(row.alone, field + ".alone", in: 0...1)
            try check.number(row.federated, field + ".federated", in: 0...1)
            if let pooled = row.pooled { try check.number(pooled, field + ".pooled", in: 0...1) }
        }
        try check.size(budgets.count, "budgets", maximum: Self.maximumRows)
        for (index, row) in budgets.enumerated() {
            let field = "budgets[\(index)]"
            try check.text(row.promoter, field + ".promoter")
            try check.number(row.epsilonSpent, field + ".epsilon_spent", in: 0...Double.greatestFiniteMagnitude)
            try check.number(
                row.epsilonBudget,
                field + ".epsilon_budget",
                in: Double.leastNonzeroMagnitude...Double.greatestFiniteMagnitude
            )
            try check.delta(row.delta, field + ".delta")
        }
        try check.count(audit.entries, "audit.entries")
        if let treeSize = audit.treeSize { try check.count(treeSize, "audit.tree_size") }
        if let denials = audit.denials { try check.count(denials, "audit.denials") }
        if let rootHash = audit.rootHash { try check.text(rootHash, "audit.root_hash", maximum: 128) }
        try check.text(audit.message, "audit.message", maximum: 2000, allowEmpty: true)
        if let match = matchExample {
            try check.text(match.show, "match_example.show")
            try check.size(match.members.count, "match_example.members", maximum: 1000)
            for (index, member) in match.members.enumerated() {
                try check.text(member.member, "match_example.members[\(index)].member")
                try check.number(member.score, "match_example.members[\(index)].score")
            }
        }
        if let behaviour {
            try check.size(behaviour.count, "behaviour", maximum: Self.maximumRows)
            for (index, row) in behaviour.enumerated() {
                let field = "behaviour[\(index)]"
                try check.text(row.measure, field + ".measure")
                try check.text(row.segment, field + ".segment")
                try check.number(row.local, field + ".local")
                if let value = row.federation { try check.number(value, field + ".federation") }
            }
        }
    }

    /// `text` as a date if it is ISO 8601 with a time zone, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
