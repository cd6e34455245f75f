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
        let writer = try factory.makeWriter(name: Self.streamName)
        try encoded.withUnsafeBytes { try writer.write($0) }
        try writer.finish()
    }

    /// The stored ledger, or nil when the vault has none yet.
    func load() throws -> PrivacyLedger? {
        guard try factory.fileNames().contains(Self.streamName) else { return nil }
        let reader = try factory.makeReader(name: Self.streamName)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= Self.maximumBytes else {
                throw PrivacyError.invalidLedger("stream \(Self.streamName) is larger than \(Self.maximumBytes) bytes")
            }
        }
        return try PrivacyLedger.decode(Data(bytes))
    }
}
