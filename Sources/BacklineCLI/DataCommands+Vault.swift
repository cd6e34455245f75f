internal import BacklineCore
internal import BacklineCrypto
internal import BacklineVault
import Foundation

/// Options every command that opens a vault declares.
let vaultOptions: [OptionSpec] = [
    .value("vault", "DIR", "Vault directory"),
    .value("key-file", "PATH", "Key-encryption key file of the vault (32 bytes, mode 0600; see 'data keygen')"),
    .value("passphrase-env", "VAR", "Environment variable holding the vault passphrase (Argon2id-derived key)"),
    .value("passphrase-file", "PATH", "File holding the vault passphrase (mode 0600)"),
]

/// The key-encryption key named by `--key-file`, `--passphrase-env` or `--passphrase-file`
/// (exactly one), with option names prefixed by `prefix` (`"new-"` for rotation targets).
func kekProvider(_ arguments: ParsedArguments, prefix: String = "") throws -> KEKProvider {
    let keyFile = arguments.value(prefix + "key-file")
    let passphraseVariable = arguments.value(prefix + "passphrase-env")
    let passphraseFile = arguments.value(prefix + "passphrase-file")
    let given = [keyFile, passphraseVariable, passphraseFile].compactMap { $0 }
    guard given.count == 1 else {
        throw UsageError(
            "give exactly one of --\(prefix)key-file, --\(prefix)passphrase-env or --\(prefix)passphrase-file"
        )
    }
    if let keyFile { return .keyFile(keyFile) }
    if let passphraseVariable { return .passphrase(try Passphrase.read(environmentVariable: passphraseVariable)) }
    return .passphrase(try Passphrase.read(file: passphraseFile!))
}

/// Opens the encrypted vault named by `--vault` with its key-encryption key, creating it when
/// `create` is set. Core dumps are disabled first: the process is about to hold vault keys.
func openVaultStreams(_ arguments: ParsedArguments, create: Bool) throws -> any VaultStreamFactory {
    try openEncryptedVault(arguments, create: create)
}

/// ``openVaultStreams(_:create:)`` with the concrete type, for key management commands.
func openEncryptedVault(_ arguments: ParsedArguments, create: Bool) throws -> EncryptedVault {
    let directory = try arguments.required("vault")
    let provider = try kekProvider(arguments)
    try ProcessHardening.disableCoreDumps()
    if create { return try EncryptedVault.openOrCreate(at: directory, kek: provider) }
    guard FileAccess.exists(directory + "/keys.manifest") else {
        throw UsageError("\(directory) is not a vault (no keys.manifest); create one with 'backline data import'")
    }
    return try EncryptedVault.open(at: directory, kek: provider)
}

/// The whole decrypted stream `name` of `factory`, or nil when the vault has no such stream.
/// - Throws: `UsageError` when it is larger than `maximumBytes`; the vault's errors (tampering, wrong key).
func readVaultStream(_ factory: any VaultStreamFactory, name: String, maximumBytes: Int) throws -> [UInt8]? {
    guard try factory.fileNames().contains(name) else { return nil }
    let reader = try factory.makeReader(name: name)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = try chunk.withUnsafeMutableBytes { try reader.read(into: $0) }
        if count == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<count])
        guard bytes.count <= maximumBytes else { throw UsageError("vault stream \(name) is larger than \(maximumBytes) bytes") }
    }
}

/// Replaces stream `name` of `factory` with `bytes` (visible only once complete).
func writeVaultStream(_ factory: any VaultStreamFactory, name: String, bytes: some Foundation.ContiguousBytes) throws {
    let writer = try factory.makeWriter(name: name)
    try bytes.withUnsafeBytes { try writer.write($0) }
    try writer.finish()
}
