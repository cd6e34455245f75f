internal import BacklineVault

/// Options every command that opens a vault declares.
let vaultOptions: [OptionSpec] = [
    .value("vault", "DIR", "Vault directory"),
    .value("key-file", "PATH", "Key file of the vault (0600)"),
    .value("passphrase-env", "VAR", "Environment variable holding the vault passphrase"),
]

/// Opens the vault named by `--vault` with `--key-file` or `--passphrase-env`, creating it when
/// `create` is set. Encrypted vaults arrive with the at-rest layer; this function is replaced
/// then.
func openVaultStreams(_ arguments: ParsedArguments, create: Bool) throws -> any VaultStreamFactory {
    _ = try arguments.required("vault")
    throw UsageError("encrypted vaults arrive with the at-rest layer")
}
