internal import BacklineCore

/// The 29-byte plaintext header of a vault data file (see ``VaultFileFormat``).
public struct VaultFileHeader: Sendable, Hashable {
    /// Format version (1).
    public let version: UInt8
    /// 16 bytes naming the file across rewrites.
    public let fileID: [UInt8]
    /// Which data key (DEK) encrypted this file; +1 on every rewrite.
    public let dekGeneration: UInt32
    /// Plaintext bytes per chunk.
    public let chunkSize: UInt32

    /// A header with the given fields.
    public init(version: UInt8 = VaultFileFormat.currentVersion, fileID: [UInt8], dekGeneration: UInt32, chunkSize: UInt32) {
        precondition(fileID.count == VaultFileFormat.fileIDCount, "file id must be 16 bytes")
        self.version = version
        self.fileID = fileID
        self.dekGeneration = dekGeneration
        self.chunkSize = chunkSize
    }

    /// The 29 bytes as stored, and the additional data of every chunk.
    public var encoded: [UInt8] {
        var bytes = VaultFileFormat.magic
        bytes.reserveCapacity(VaultFileFormat.headerCount)
        bytes.append(version)
        bytes += fileID
        bytes += littleEndianBytes(dekGeneration)
        bytes += littleEndianBytes(chunkSize)
        return bytes
    }

    /// Parses and checks a stored header: magic, then version (before any decryption), then chunk size.
    /// - Throws: ``VaultAtRestError`` `truncated`, `notVaultFile`, `unsupportedVersion` or `invalidHeader`,
    ///   naming `path` and the field.
    public static func parse(
        _ bytes: [UInt8],
        path: String,
        supportedVersions: Set<UInt8> = VaultFileFormat.supportedVersions
    ) throws -> VaultFileHeader {
        guard bytes.count >= VaultFileFormat.headerCount else {
            throw VaultAtRestError.at(.truncated, path, "file header is \(bytes.count) bytes, needs \(VaultFileFormat.headerCount)")
        }
        guard Array(bytes[0..<4]) == VaultFileFormat.magic else {
            throw VaultAtRestError.at(.notVaultFile, path, "does not start with the vault magic BKLV")
        }
        let version = bytes[4]
        guard supportedVersions.contains(version) else {
            throw VaultAtRestError.at(
                .unsupportedVersion,
                path,
                "format version \(version) is not supported (this build reads \(supportedVersions.sorted()))"
            )
        }
        let generation = readLittleEndian(bytes, at: 21)
        let chunkSize = readLittleEndian(bytes, at: 25)
        guard VaultFileFormat.chunkSizeRange.contains(Int(chunkSize)) else {
            throw VaultAtRestError.at(.invalidHeader, path, "chunk size \(chunkSize) is outside \(VaultFileFormat.chunkSizeRange)")
        }
        return VaultFileHeader(version: version, fileID: Array(bytes[5..<21]), dekGeneration: generation, chunkSize: chunkSize)
    }
}

/// The 4 little-endian bytes of `value`.
func littleEndianBytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff), UInt8(value >> 24)]
}

/// The UInt32 stored little-endian at `offset`.
func readLittleEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}
