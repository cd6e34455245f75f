internal import BacklineCore
internal import BacklinePrivacy
internal import BacklineVault
import Foundation

/// Keeps the promoter's privacy ledger as the encrypted vault stream `privacy_ledger`, replaced
/// atomically on every charge (the writer makes the new ledger visible only on `finish`).
struct VaultLedgerPersistence: PrivacyLedgerPersistence {
    /// The stream name.
    static let streamName = "privacy_ledger"
    /// Largest ledger read back.
    static let maximumBytes = 16 << 20

    let factory: any VaultStreamFactory

    func storeLedger(_ encoded: Data, promoter: String) throws {
        try writeVaultStream(factory, name: Self.streamName, bytes: encoded)
    }

    /// The stored ledger, or nil when the vault has none yet.
    func load() throws -> PrivacyLedger? {
        guard let bytes = try readVaultStream(factory, name: Self.streamName, maximumBytes: Self.maximumBytes) else { return nil }
        return try PrivacyLedger.decode(Data(bytes))
    }
}
