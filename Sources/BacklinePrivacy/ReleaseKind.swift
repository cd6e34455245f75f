/// What a ledger entry paid for, as a stable string (`training_round`, `analytics_query`, …).
public struct ReleaseKind: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The stable identifier stored in the ledger.
    public let identifier: String
    /// A kind named `identifier` (lowercase letters, digits and `_`, 1–64 characters).
    public init(_ identifier: String) { self.identifier = identifier }
    public var description: String { identifier }

    /// A federated training round's noised update.
    public static let trainingRound = Self("training_round")
    /// A noised analytics answer (histogram, count).
    public static let analyticsQuery = Self("analytics_query")

    var isWellFormed: Bool {
        (1...64).contains(identifier.utf8.count)
            && identifier.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(identifier)
    }
}
