/// What ``EncryptedVault/status()`` reports: the current KEK and, per file, the KEK version its
/// data key is wrapped under. Public facts only (names, ids, versions, sizes).
public struct VaultStatus: Sendable, Hashable, Encodable {
    /// One data file.
    public struct File: Sendable, Hashable, Encodable {
        /// Stream name.
        public let name: String
        /// File id, hex.
        public let fileID: String
        /// DEK generation in the file's header.
        public let dekGeneration: UInt32
        /// KEK version the file's data key is wrapped under, or nil when the manifest has no key for
        /// it or its header cannot be read (then `fileID` is empty and `dekGeneration` 0).
        public let kekVersion: UInt32?
        /// Size of the encrypted file in bytes.
        public let byteCount: Int

        enum CodingKeys: String, CodingKey {
            case name
            case fileID = "file_id"
            case dekGeneration = "dek_generation"
            case kekVersion = "kek_version"
            case byteCount = "bytes"
        }
    }

    /// The vault's current KEK version.
    public let kekVersion: UInt32
    /// `key_file` or `passphrase`.
    public let kekSource: String
    /// Whether the passphrase KEK's stored Argon2id costs are below the policy target.
    public let kekNeedsRehash: Bool
    /// Every data file, by name.
    public let files: [File]

    /// Files whose data key is still wrapped under an older KEK version.
    public var filesOnOlderKEK: [String] {
        files.filter { ($0.kekVersion ?? kekVersion) < kekVersion }.map(\.name)
    }

    /// Files without a usable data key (no manifest entry, or an unreadable header).
    public var filesWithoutKey: [String] {
        files.filter { $0.kekVersion == nil }.map(\.name)
    }

    enum CodingKeys: String, CodingKey {
        case kekVersion = "kek_version"
        case kekSource = "kek_source"
        case kekNeedsRehash = "kek_needs_rehash"
        case files
        case filesOnOlderKEK = "files_on_older_kek"
        case filesWithoutKey = "files_without_key"
    }

    /// Encodes the status as JSON-friendly keys, including the derived lists.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kekVersion, forKey: .kekVersion)
        try container.encode(kekSource, forKey: .kekSource)
        try container.encode(kekNeedsRehash, forKey: .kekNeedsRehash)
        try container.encode(files, forKey: .files)
        try container.encode(filesOnOlderKEK, forKey: .filesOnOlderKEK)
        try container.encode(filesWithoutKey, forKey: .filesWithoutKey)
    }
}
