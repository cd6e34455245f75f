internal import BacklineCore
internal import BacklineVault
import Foundation
import Synchronization

/// A journal kept as one encrypted vault stream of JSON: loaded once, and rewritten atomically on
/// every change (the vault's writer makes the new stream visible only when complete), so a crash
/// leaves either the old or the new state. ``VaultNodeJournal`` and ``VaultAnalyticsJournal`` keep
/// their state in one each.
final class VaultJournalStream<State: Codable & Sendable>: Sendable {
    /// The vault holding the stream.
    let vault: EncryptedVault
    /// The stream name.
    let name: String
    private let state: Mutex<State>

    /// The journal in stream `name` of `vault`, loaded now (`empty` when the vault has no such stream).
    /// - Throws: `UsageError` when the stream is larger than `maximumBytes` or is not a `State`; the
    ///   vault's errors (tampering, wrong key).
    init(vault: EncryptedVault, name: String, maximumBytes: Int, empty: State) throws {
        self.vault = vault
        self.name = name
        if let bytes = try readVaultStream(vault, name: name, maximumBytes: maximumBytes) {
            do { state = Mutex(try Self.decoder.decode(State.self, from: Data(bytes))) } catch {
                throw UsageError("the vault's stream \(name) cannot be decoded: \(error)")
            }
        } else {
            state = Mutex(empty)
        }
    }

    /// A copy of the state.
    var snapshot: State { state.withLock { $0 } }

    /// Applies `body` to a copy of the state, writes the copy, and only then makes it the state.
    func change(_ body: (inout State) -> Void) throws {
        try state.withLock { current in
            var next = current
            body(&next)
            try writeVaultStream(vault, name: name, bytes: try Self.encoder.encode(next))
            current = next
        }
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
