public import BacklineCore
internal import BacklineCrypto
internal import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An encrypted vault directory (layout in ``VaultFileFormat``): opens named streams for the data
/// layer, and rotates, re-encrypts, reports on and verifies its files.
///
/// Thread-safe. Manifest updates are serialised with a `flock` on `<vault>/keys.lock`, so several
/// processes may share a vault; a KEK rotated by another process makes this instance's later
/// writes fail with `staleKEK` (reopen with the new KEK).
public final class EncryptedVault: VaultStreamFactory, Sendable {
    private struct State: Sendable {
        var kek: SymmetricKey
        var kekVersion: UInt32
        var kekSource: String
        var needsRehash: Bool
        var inFlight: Set<String> = []
    }

    /// The vault directory.
    public let directory: String
    private let lock: VaultLock
    private let state: Mutex<State>

    private var manifestPath: String { directory + "/" + VaultFileFormat.manifestName }

    private init(directory: String, kek: SymmetricKey, record: KEKRecord, needsRehash: Bool) {
        self.directory = directory
        lock = VaultLock(path: directory + "/" + VaultFileFormat.lockName)
        state = Mutex(State(kek: kek, kekVersion: record.version, kekSource: record.source.rawValue, needsRehash: needsRehash))
    }

    /// Creates an empty vault in `directory` (made with mode 0700 if missing) with KEK version 1.
    /// - Throws: ``VaultAtRestError`` `vaultExists` if it already holds a manifest; key file,
    ///   passphrase or file-system errors.
    public static func create(
        at directory: String,
        kek provider: KEKProvider,
        chunkSize: Int = VaultFileFormat.defaultChunkSize
    ) throws -> EncryptedVault {
        guard VaultFileFormat.chunkSizeRange.contains(chunkSize) else {
            throw VaultAtRestError(code: .invalidHeader, reason: "chunk size \(chunkSize) is outside \(VaultFileFormat.chunkSizeRange)")
        }
        if !FileAccess.exists(directory) {
            try SystemCall.retrying("mkdir", path: directory) { mkdir(directory, 0o700) }
        }
        let manifestPath = directory + "/" + VaultFileFormat.manifestName
        let (key, record) = try provider.makeKEK(version: 1)
        let vault = EncryptedVault(directory: directory, kek: key, record: record, needsRehash: false)
        try vault.lock.withLock {
            guard !FileAccess.exists(manifestPath) else {
                throw VaultAtRestError.at(.vaultExists, manifestPath, "a vault already exists here")
            }
            try KeyManifest(format: 1, chunkSize: UInt32(chunkSize), kek: record, files: []).save(to: manifestPath)
        }
        return vault
    }

    /// Opens the vault in `directory` with its current KEK.
    /// - Throws: ``VaultAtRestError`` `notFound`, `manifest`, `wrongKEK`, `keyFile` or
    ///   `passphraseParameters` (stored Argon2id costs below the policy floor).
    public static func open(at directory: String, kek provider: KEKProvider) throws -> EncryptedVault {
        let manifestPath = directory + "/" + VaultFileFormat.manifestName
        let manifest = try KeyManifest.load(from: manifestPath)
        let (key, needsRehash) = try provider.openKEK(manifest.kek, manifestPath: manifestPath)
        return EncryptedVault(directory: directory, kek: key, record: manifest.kek, needsRehash: needsRehash)
    }

    /// Opens the vault in `directory`, or creates it (KEK version 1) if it holds no manifest yet.
    public static func openOrCreate(at directory: String, kek provider: KEKProvider) throws -> EncryptedVault {
        if FileAccess.exists(directory + "/" + VaultFileFormat.manifestName) { return try open(at: directory, kek: provider) }
        return try create(at: directory, kek: provider)
    }

    /// The KEK version this instance encrypts under.
    public var kekVersion: UInt32 { state.withLock { $0.kekVersion } }

    /// Whether the passphrase KEK's stored Argon2id costs are below the policy target (rotate to
    /// the same passphrase to rehash).
    public var kekNeedsRehash: Bool { state.withLock { $0.needsRehash } }

    // MARK: VaultStreamFactory

    /// A writer for `name` (see ``makeEncryptedWriter(name:)``).
    public func makeWriter(name: String) throws -> any ByteStreamWriter { try makeEncryptedWriter(name: name) }

    /// A reader for `name` (see ``makeEncryptedReader(name:)``).
    public func makeReader(name: String) throws -> any ByteStreamReader { try makeEncryptedReader(name: name) }

    /// Names of the data files that exist and have a data key in the manifest, sorted.
    public func fileNames() throws -> [String] {
        let manifest = try KeyManifest.load(from: manifestPath)
        return Set(manifest.files.map(\.name)).filter { FileAccess.exists(dataPath($0)) }.sorted()
    }

    // MARK: Streams

    /// A writer that replaces `<name>.bkv` on ``EncryptedFileWriter/finish()`` with a fresh data
    /// key (same file id, next DEK generation).
    /// - Throws: ``VaultAtRestError`` `invalidName`, `concurrentWrite` if a writer for `name` is
    ///   open in this process, manifest or file errors.
    public func makeEncryptedWriter(name: String) throws -> EncryptedFileWriter {
        try VaultFileName.validate(name)
        let claimed = state.withLock { $0.inFlight.insert(name).inserted }
        guard claimed else { throw VaultAtRestError.at(.concurrentWrite, dataPath(name), "another writer for \(name) is still open") }
        let release = { [self] in _ = state.withLock { $0.inFlight.remove(name) } }
        do {
            let manifest = try KeyManifest.load(from: manifestPath)
            let existing = manifest.files.filter { $0.name == name }
            let fileID =
                try existing.first.map {
                    try Hex.decode($0.fileID, count: VaultFileFormat.fileIDCount, field: "file_id", path: manifestPath)
                }
                ?? SecureRandom.bytes(VaultFileFormat.fileIDCount)
            let (generation, overflow) = (existing.map(\.dekGeneration).max() ?? 0).addingReportingOverflow(1)
            guard !overflow else { throw VaultAtRestError.at(.manifest, manifestPath, "DEK generation of \(name) is exhausted") }
            var dek = SymmetricKey()
            defer { dek.wipe() }
            let (kek, kekVersion) = state.withLock { ($0.kek, $0.kekVersion) }
            let entry = try WrappedDataKey.wrap(
                dek,
                name: name,
                fileID: fileID,
                dekGeneration: generation,
                kek: kek,
                kekVersion: kekVersion
            )
            let header = VaultFileHeader(fileID: fileID, dekGeneration: generation, chunkSize: manifest.chunkSize)
            let hooks = EncryptedFileWriter.Hooks(
                register: { [self] in try register(entry) },
                committed: { [self] in try? updateManifest { $0.files.removeAll { $0.name == name && $0.dekGeneration != generation } } },
                rollback: { [self] in
                    // If the rename already happened (a later fsync failed), the new file is in place: keep its key.
                    guard (try? EncryptedFileReader.readHeader(dataPath(name))) != header else { return }
                    try? updateManifest { $0.files.removeAll { $0 == entry } }
                },
                released: release
            )
            return try EncryptedFileWriter(path: dataPath(name), header: header, dek: dek, hooks: hooks)
        } catch {
            release()
            throw error
        }
    }

    /// A streaming reader for `<name>.bkv`.
    /// - Throws: ``VaultAtRestError`` `notFound`, `unsupportedVersion`, `missingKey`, `staleKEK`,
    ///   `keyUnwrapFailed` and, while reading, the chunk errors of ``EncryptedFileReader``.
    public func makeEncryptedReader(name: String) throws -> EncryptedFileReader {
        try makeEncryptedReader(name: name, supportedVersions: VaultFileFormat.supportedVersions)
    }

    /// As ``makeEncryptedReader(name:)`` with another set of accepted format versions (tests use
    /// it to show that a swapped version byte fails authentication).
    package func makeEncryptedReader(name: String, supportedVersions: Set<UInt8>) throws -> EncryptedFileReader {
        try VaultFileName.validate(name)
        return try EncryptedFileReader(path: dataPath(name), supportedVersions: supportedVersions) { header in
            try dataKey(name: name, header: header)
        }
    }

    /// Decrypts `name` into a new file at `path` (mode 0600), which appears only if every chunk
    /// verified; on any failure nothing is left at `path`.
    public func export(name: String, to path: String) throws {
        let reader = try makeEncryptedReader(name: name)
        let output = try AtomicFileWriter(path: path, mode: 0o600)
        do {
            try pump(from: reader) { try output.write($0) }
            try output.commit()
        } catch {
            output.abandon()
            throw error
        }
    }

    // MARK: Maintenance

    /// Rewraps every data key under a new KEK (version + 1) from `provider`, in one atomic manifest
    /// write; data files are not touched. Afterwards the old KEK is no longer needed.
    /// - Throws: ``VaultAtRestError`` `staleKEK` if the manifest moved on (another process
    ///   rotated) or an entry is on an older version; unwrap errors naming the file.
    public func rotateKEK(to provider: KEKProvider) throws {
        try lock.withLock {
            var manifest = try KeyManifest.load(from: manifestPath)
            let (oldKEK, oldVersion) = state.withLock { ($0.kek, $0.kekVersion) }
            guard manifest.kek.version == oldVersion else {
                throw VaultAtRestError.at(
                    .staleKEK,
                    manifestPath,
                    "the manifest is at KEK version \(manifest.kek.version) but this vault was opened at \(oldVersion); reopen it"
                )
            }
            let newVersion = oldVersion + 1
            let (newKEK, record) = try provider.makeKEK(version: newVersion)
            manifest.files = try manifest.files.map { entry in
                var dek = try entry.unwrap(kek: oldKEK, kekVersion: oldVersion, manifestPath: manifestPath)
                defer { dek.wipe() }
                let fileID = try Hex.decode(entry.fileID, count: VaultFileFormat.fileIDCount, field: "file_id", path: manifestPath)
                return try WrappedDataKey.wrap(
                    dek,
                    name: entry.name,
                    fileID: fileID,
                    dekGeneration: entry.dekGeneration,
                    kek: newKEK,
                    kekVersion: newVersion
                )
            }
            manifest.kek = record
            try manifest.save(to: manifestPath)
            state.withLock { current in
                current.kek.wipe()
                current.kek = newKEK
                current.kekVersion = newVersion
                current.kekSource = record.source.rawValue
                current.needsRehash = false
            }
        }
    }

    /// Re-encrypts every file with a fresh data key (next DEK generation), one file at a time;
    /// each file is replaced atomically.
    public func reencrypt() throws {
        for name in try fileNames() {
            let reader = try makeEncryptedReader(name: name)
            let writer = try makeEncryptedWriter(name: name)
            do {
                try pump(from: reader) { try writer.write($0) }
                try writer.finish()
            } catch {
                writer.abandon()
                throw error
            }
        }
    }

    /// Every data file with the KEK version its data key is wrapped under.
    public func status() throws -> VaultStatus {
        let manifest = try KeyManifest.load(from: manifestPath)
        let (needsRehash, source) = state.withLock { ($0.needsRehash, $0.kekSource) }
        var files: [VaultStatus.File] = []
        for name in Set(manifest.files.map(\.name)).sorted() where FileAccess.exists(dataPath(name)) {
            var info = stat()
            try SystemCall.retrying("stat", path: dataPath(name)) { stat(dataPath(name), &info) }
            guard let header = try? EncryptedFileReader.readHeader(dataPath(name)) else {
                // An unreadable header is reported as a file without a usable key; verifyAll() says why.
                files.append(VaultStatus.File(name: name, fileID: "", dekGeneration: 0, kekVersion: nil, byteCount: Int(info.st_size)))
                continue
            }
            let fileID = Hex.encode(header.fileID)
            let entry = manifest.files.first { $0.name == name && $0.fileID == fileID && $0.dekGeneration == header.dekGeneration }
            files.append(
                VaultStatus.File(
                    name: name,
                    fileID: fileID,
                    dekGeneration: header.dekGeneration,
                    kekVersion: entry?.kekVersion,
                    byteCount: Int(info.st_size)
                )
            )
        }
        return VaultStatus(kekVersion: manifest.kek.version, kekSource: source, kekNeedsRehash: needsRehash, files: files)
    }

    /// Decrypts every chunk of every file; throws the first failure (its reason names the file
    /// and chunk).
    /// - Returns: how many files and plaintext bytes verified.
    @discardableResult
    public func verifyAll() throws -> (files: Int, plaintextBytes: Int) {
        var files = 0
        var total = 0
        for name in try fileNames() {
            let reader = try makeEncryptedReader(name: name)
            try pump(from: reader) { total += $0.count }
            files += 1
        }
        return (files, total)
    }

    // MARK: Internals

    private func dataPath(_ name: String) -> String { directory + "/" + name + VaultFileFormat.fileExtension }

    private func dataKey(name: String, header: VaultFileHeader) throws -> SymmetricKey {
        let manifest = try KeyManifest.load(from: manifestPath)
        let fileID = Hex.encode(header.fileID)
        guard
            let entry = manifest.files.first(where: { $0.name == name && $0.fileID == fileID && $0.dekGeneration == header.dekGeneration })
        else {
            throw VaultAtRestError.at(
                .missingKey,
                dataPath(name),
                "the manifest holds no data key for file id \(fileID) generation \(header.dekGeneration)"
            )
        }
        let (kek, kekVersion) = state.withLock { ($0.kek, $0.kekVersion) }
        return try entry.unwrap(kek: kek, kekVersion: kekVersion, manifestPath: manifestPath)
    }

    private func register(_ entry: WrappedDataKey) throws {
        try updateManifest { manifest in
            guard manifest.kek.version == entry.kekVersion else {
                throw VaultAtRestError.at(
                    .staleKEK,
                    manifestPath,
                    "the KEK was rotated to version \(manifest.kek.version) while \(entry.name) was being written; reopen and write again"
                )
            }
            guard !manifest.files.contains(where: { $0.fileID == entry.fileID && $0.dekGeneration == entry.dekGeneration }) else {
                throw VaultAtRestError.at(
                    .concurrentWrite,
                    manifestPath,
                    "another writer registered \(entry.name) generation \(entry.dekGeneration) first"
                )
            }
            manifest.files.append(entry)
        }
    }

    private func updateManifest(_ change: (inout KeyManifest) throws -> Void) throws {
        try lock.withLock {
            var manifest = try KeyManifest.load(from: manifestPath)
            try change(&manifest)
            try manifest.save(to: manifestPath)
        }
    }

    /// Reads `reader` to its verified end in 64 KiB pieces, handing each piece to `body`; the
    /// buffer is wiped afterwards.
    private func pump(from reader: EncryptedFileReader, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        defer { buffer.zeroize() }
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }
}
