internal import BacklineCore
internal import BacklineCrypto
internal import BacklineVault

/// `backline data keygen`: writes a new random key-encryption key file (mode 0600).
struct DataKeygenCommand: Command {
    let name = "keygen"
    let abstract = "Write a new random 32-byte key-encryption key file (mode 0600)"
    var options: [OptionSpec] { [.value("out", "PATH", "Key file to create (must not exist)")] }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let path = try arguments.required("out")
        guard !FileAccess.exists(path) else { throw UsageError("\(path) exists; refusing to overwrite a key") }
        var key = try KeyFile.generate(at: path)
        key.wipe()
        struct Created: Encodable {
            let key_file: String
            let bytes: Int
        }
        try context.report(Created(key_file: path, bytes: 32)) { "wrote key-encryption key \(path) (32 bytes, mode 0600)" }
        return 0
    }
}

/// `backline data rotate-key`: rewraps every data key under a new KEK (data files untouched),
/// or with `--reencrypt` rewrites the data under fresh data keys too.
struct DataRotateKeyCommand: Command {
    let name = "rotate-key"
    let abstract = "Rewrap the vault's data keys under a new key-encryption key (--reencrypt: rewrite data too)"
    var options: [OptionSpec] {
        vaultOptions + [
            .value("new-key-file", "PATH", "New key-encryption key file"),
            .value("new-passphrase-env", "VAR", "Environment variable holding the new passphrase"),
            .value("new-passphrase-file", "PATH", "File holding the new passphrase"),
            .flag("reencrypt", "Also re-encrypt every data file under fresh data keys"),
        ]
    }
    var discussion: String {
        "Rotation rewrites only keys.manifest, atomically: data files stay byte-identical. Afterwards\nthe old key no longer opens the vault; destroy it once backups are rotated too."
    }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let vault = try openEncryptedVault(arguments, create: false)
        let newProvider = try kekProvider(arguments, prefix: "new-")
        let before = vault.kekVersion
        try vault.rotateKEK(to: newProvider)
        if arguments.flag("reencrypt") { try vault.reencrypt() }
        let status = try vault.status()
        struct Rotated: Encodable {
            let from_kek_version: UInt32
            let to_kek_version: UInt32
            let reencrypted: Bool
            let files: Int
            let files_on_older_kek: [String]
        }
        let report = Rotated(
            from_kek_version: before,
            to_kek_version: status.kekVersion,
            reencrypted: arguments.flag("reencrypt"),
            files: status.files.count,
            files_on_older_kek: status.filesOnOlderKEK
        )
        try context.report(report) {
            "rotated KEK v\(before) → v\(status.kekVersion): \(status.files.count) data keys rewrapped"
                + (report.reencrypted ? ", data re-encrypted" : ", data files unchanged")
                + (report.files_on_older_kek.isEmpty ? "" : "\nstill on an older KEK: \(report.files_on_older_kek.joined(separator: ", "))")
        }
        return report.files_on_older_kek.isEmpty ? 0 : 1
    }
}

/// `backline data status`: key versions of every encrypted file, and a full decrypt check.
struct DataStatusCommand: Command {
    let name = "status"
    let abstract = "List the vault's encrypted files with their key versions, and verify every chunk"
    var options: [OptionSpec] { vaultOptions }

    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let vault = try openEncryptedVault(arguments, create: false)
        let status = try vault.status()
        var failure: String?
        var verified = (files: 0, plaintextBytes: 0)
        do { verified = try vault.verifyAll() } catch { failure = String(describing: error) }
        struct Report: Encodable {
            let status: VaultStatus
            let files_on_older_kek: [String]
            let verified_files: Int
            let plaintext_bytes: Int
            let failure: String?
        }
        let report = Report(
            status: status,
            files_on_older_kek: status.filesOnOlderKEK,
            verified_files: verified.files,
            plaintext_bytes: verified.plaintextBytes,
            failure: failure
        )
        try context.report(report) {
            var lines = [
                "KEK v\(status.kekVersion) (\(status.kekSource))" + (status.kekNeedsRehash ? ", passphrase parameters need rehash" : "")
            ]
            for file in status.files {
                lines.append(
                    "  \(file.name): \(file.byteCount) bytes, data key generation \(file.dekGeneration), KEK v\(file.kekVersion.map(String.init) ?? "none")"
                )
            }
            lines.append(
                failure.map { "verification FAILED: \($0)" }
                    ?? "all \(verified.files) files verified (\(verified.plaintextBytes) plaintext bytes)"
            )
            return lines.joined(separator: "\n")
        }
        return failure == nil && status.filesOnOlderKEK.isEmpty ? 0 : 1
    }
}
