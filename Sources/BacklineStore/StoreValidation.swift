import BacklineCore
import Foundation

/// The checks every backend applies at its boundary, before anything is written.
public enum StoreValidation {
    /// Longest identifier-like text (promoter id, actor, action, serial…), in UTF-8 bytes.
    public static let maxIdentifierBytes = 1024
    /// Longest JSON parameter text, in UTF-8 bytes.
    public static let maxJSONBytes = 64 * 1024
    /// Largest update payload, in bytes.
    public static let maxPayloadBytes = 64 * 1024 * 1024
    /// Largest model version kept in a SQLite store's spool file, in bytes.
    public static let maxModelBytes = 1024 * 1024 * 1024
    /// SHA-256 length.
    public static let digestBytes = 32

    static func identifier(_ field: String, _ value: String) throws {
        let count = value.utf8.count
        guard count > 0, count <= maxIdentifierBytes else {
            throw StoreError.invalidInput(field, "length \(count) outside 1...\(maxIdentifierBytes)")
        }
        guard !value.utf8.contains(0) else { throw StoreError.invalidInput(field, "contains a NUL byte") }
    }

    static func json(_ field: String, _ value: String) throws {
        let count = value.utf8.count
        guard count <= maxJSONBytes else { throw StoreError.invalidInput(field, "\(count) bytes exceeds \(maxJSONBytes)") }
        guard (try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])) != nil else {
            throw StoreError.invalidInput(field, "is not valid JSON")
        }
    }

    static func positive(_ field: String, _ value: Int64) throws {
        guard value > 0 else { throw StoreError.invalidInput(field, "must be positive, got \(value)") }
    }

    static func nonNegative(_ field: String, _ value: Int64) throws {
        guard value >= 0 else { throw StoreError.invalidInput(field, "must not be negative, got \(value)") }
    }

    static func finiteNonNegative(_ field: String, _ value: Double) throws {
        guard value.isFinite else { throw StoreError.invalidInput(field, "must be finite") }
        guard value >= 0 else { throw StoreError.invalidInput(field, "must not be negative") }
    }

    static func digest(_ field: String, _ value: [UInt8]) throws {
        guard value.count == digestBytes else {
            throw StoreError.invalidInput(field, "must be \(digestBytes) bytes, got \(value.count)")
        }
    }

    static func time(_ field: String, _ value: Date) throws {
        let millis = value.timeIntervalSince1970 * 1000
        guard millis.isFinite, abs(millis) < 9.0e15 else { throw StoreError.invalidInput(field, "time out of range") }
    }

    static func check(_ round: RoundRecord) throws {
        try positive("round.id", round.id)
        try positive("round.minClients", round.minClients)
        try json("round.parametersJSON", round.parametersJSON)
        try time("round.deadline", round.deadline)
        try time("round.createdAt", round.createdAt)
        try time("round.updatedAt", round.updatedAt)
    }

    static func check(_ submission: UpdateSubmission) throws {
        try positive("update.round", submission.round)
        try identifier("update.promoterID", submission.promoterID)
        guard submission.payload.count <= maxPayloadBytes else {
            throw StoreError.invalidInput("update.payload", "\(submission.payload.count) bytes exceeds \(maxPayloadBytes)")
        }
        try digest("update.digest", submission.digest)
        try finiteNonNegative("update.norm", submission.norm)
        try nonNegative("update.sampleCount", submission.sampleCount)
        try time("update.receivedAt", submission.receivedAt)
    }

    static func check(_ model: ModelVersionRecord) throws {
        try positive("model.version", model.version)
        guard model.bytes != nil || model.path != nil else {
            throw StoreError.invalidInput("model", "needs bytes or a path")
        }
        if let path = model.path { try identifier("model.path", path) }
        try digest("model.checksum", model.checksum)
        if let round = model.round { try positive("model.round", round) }
        try time("model.createdAt", model.createdAt)
    }

    static func check(_ entry: LedgerEntryRecord) throws {
        try identifier("ledger.promoterID", entry.promoterID)
        if let round = entry.round { try positive("ledger.round", round) }
        if let query = entry.query { try identifier("ledger.query", query) }
        guard entry.round != nil || entry.query != nil else {
            throw StoreError.invalidInput("ledger", "needs a round or a query")
        }
        try identifier("ledger.mechanism", entry.mechanism)
        try json("ledger.parametersJSON", entry.parametersJSON)
        try finiteNonNegative("ledger.epsilon", entry.epsilon)
        try finiteNonNegative("ledger.delta", entry.delta)
        guard entry.delta < 1 else { throw StoreError.invalidInput("ledger.delta", "must be below 1") }
        try time("ledger.recordedAt", entry.recordedAt)
    }

    static func check(_ entries: [AuditEntryRecord], startingAt size: Int64) throws {
        for (offset, entry) in entries.enumerated() {
            let expected = size + Int64(offset)
            guard entry.index == expected else {
                throw StoreError.invalidInput("audit[\(offset)].index", "must be \(expected) (no gaps), got \(entry.index)")
            }
            try digest("audit[\(entry.index)].leafHash", entry.leafHash)
            guard !entry.entry.isEmpty, entry.entry.count <= maxJSONBytes else {
                throw StoreError.invalidInput("audit[\(entry.index)].entry", "length \(entry.entry.count) outside 1...\(maxJSONBytes)")
            }
            try identifier("audit[\(entry.index)].actor", entry.actor)
            try identifier("audit[\(entry.index)].action", entry.action)
            try identifier("audit[\(entry.index)].decision", entry.decision)
            if let round = entry.round { try positive("audit[\(entry.index)].round", round) }
            try time("audit[\(entry.index)].loggedAt", entry.loggedAt)
        }
    }

    static func check(_ checkpoint: CheckpointRecord) throws {
        try nonNegative("checkpoint.size", checkpoint.size)
        guard !checkpoint.signedNote.isEmpty, checkpoint.signedNote.utf8.count <= maxJSONBytes else {
            throw StoreError.invalidInput("checkpoint.signedNote", "length outside 1...\(maxJSONBytes)")
        }
        try time("checkpoint.createdAt", checkpoint.createdAt)
    }

    static func check(_ identity: IdentityRecord) throws {
        try identifier("identity.serial", identity.serial)
        try identifier("identity.spiffeID", identity.spiffeID)
        try identifier("identity.role", identity.role)
        try time("identity.registeredAt", identity.registeredAt)
    }

    static func check(_ revocation: RevocationRecord) throws {
        try identifier("revocation.serial", revocation.serial)
        try identifier("revocation.spiffeID", revocation.spiffeID)
        guard revocation.reason.utf8.count <= maxIdentifierBytes else {
            throw StoreError.invalidInput("revocation.reason", "longer than \(maxIdentifierBytes) bytes")
        }
        try time("revocation.revokedAt", revocation.revokedAt)
    }
}

extension Date {
    /// Milliseconds since 1970, as stored.
    var storedMillis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    /// The date for stored milliseconds.
    init(storedMillis: Int64) { self.init(timeIntervalSince1970: Double(storedMillis) / 1000) }
}
