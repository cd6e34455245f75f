/// `backline data`: a promoter's audience data (import, synthetic generation, inspection).
struct DataCommand: Command {
    let name = "data"
    let abstract = "Import, generate and inspect a promoter's audience data"
    var discussion: String {
        """
        Vault data is stored as one compact binary stream per table plus a MANIFEST naming the
        committed streams; an import writes new table streams and then replaces the manifest, so
        it becomes visible whole or not at all.
        """
    }
    var subcommands: [any Command] {
        [
            DataImportCommand(), DataGenerateCommand(), DataInspectCommand(), DataKeygenCommand(), DataRotateKeyCommand(),
            DataStatusCommand(),
        ]
    }
}
