public import BacklineAudit
import BacklineCore
import BacklineCrypto
import Foundation

/// The audit-checkpoint signing key file: the 32-byte Ed25519 seed in base64 on one line,
/// readable by its owner only (mode 0600).
public enum AuditSigningKey {
    /// Loads the key at `path` as a signer named `origin`.
    /// - Throws: ``AggregatorError`` `invalid_configuration` naming the file (never its content).
    public static func load(path: String, origin: String) throws -> NoteSigner {
        do { try FileAccess.requireOwnerOnly(path) } catch {
            throw AggregatorError.invalidConfiguration(
                "audit_signing_key",
                "file '\(path)' must be readable by its owner only (mode 0600)",
                underlying: error
            )
        }
        var text = SecureBytes(try readKeyFile(path))
        defer { text.wipe() }
        let trimmed = text.withUnsafeBytes { Array($0).filter { $0 != 0x0a && $0 != 0x0d && $0 != 0x20 } }
        guard var seed = Data(base64Encoded: Data(trimmed)).map({ SecureBytes($0) }), seed.count == 32 else {
            throw AggregatorError.invalidConfiguration("audit_signing_key", "file '\(path)' must hold a base64 32-byte Ed25519 seed")
        }
        defer { seed.wipe() }
        do { return try NoteSigner(name: origin, privateKey: try Ed25519.PrivateKey(seed: seed)) } catch {
            throw AggregatorError.invalidConfiguration("audit_signing_key", "file '\(path)' is not a usable key", underlying: error)
        }
    }

    /// Writes a new random key to `path` (mode 0600, atomically) and returns its verifier key
    /// text (`<origin>+<id>+<key>`) for auditors. Refuses to overwrite an existing file.
    public static func generate(path: String, origin: String) throws -> String {
        guard !FileAccess.exists(path) else {
            throw AggregatorError.invalidConfiguration("audit_signing_key", "file '\(path)' exists; refusing to overwrite a signing key")
        }
        var seed = SecureRandom.secureBytes(32)
        defer { seed.wipe() }
        let line = seed.withUnsafeBytes { Data($0).base64EncodedString() + "\n" }
        try AtomicFileWriter.write(Array(line.utf8), to: path, mode: 0o600)
        return try NoteSigner(name: origin, privateKey: try Ed25519.PrivateKey(seed: seed)).verifierKey.text
    }

    private static func readKeyFile(_ path: String) throws -> [UInt8] {
        do { return try FileAccess.readAll(path) } catch {
            throw AggregatorError.invalidConfiguration("audit_signing_key", "file '\(path)' cannot be read", underlying: error)
        }
    }
}
