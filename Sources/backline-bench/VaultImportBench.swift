import BacklineCore
import BacklineVault
import Foundation

/// `vault` group, import half: streams 2 M and then 10 M listening rows from CSV into a plain
/// vault (through the same importer and commit path as `backline data import`), reporting
/// rows/s, the peak resident memory after each, and the extra peak memory per extra row, which
/// must be the columnar data (3 × 8 bytes per listening row) plus the duplicate check's
/// transient 4 bytes per row of 32-bit key hashes (+ 2 for the sort's buffer), not the file.
func runVaultImportBench(_ reporter: BenchReporter) throws {
    let scratch = "/tmp/backline-bench-vault-import-\(getpid())"
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    var peaks: [Int: Double] = [:]
    for rows in [2_000_000, 10_000_000] {
        let csv = scratch + "/listening-\(rows).csv"
        reporter.progress("writing \(rows) rows to \(csv)")
        let bytes = try writeListeningCSV(rows: rows, to: csv)
        let vault = scratch + "/vault-\(rows)"
        try FileManager.default.createDirectory(atPath: vault, withIntermediateDirectories: true)
        let factory = BenchPlainStreamFactory(directory: vault)
        let sources = try ImportPlan.make(files: [csv], preset: nil, table: "listening")
        var options = ImportOptions()
        options.progress = { progress in reporter.progress("\(progress.rows) rows, \(Int(progress.rowsPerSecond)) rows/s") }
        var summary = ImportSummary()
        let seconds = try measureSeconds { summary = try VaultImporter.run(sources, into: factory, options: options) }
        guard summary.imported["listening"] == rows else {
            throw VaultError.invalidParameter("bench imported \(summary.imported["listening"] ?? 0) of \(rows) rows")
        }
        let peak = peakResidentBytes()
        peaks[rows] = peak
        let label = "\(rows / 1_000_000)M"
        reporter.emit("import_rows_per_second_\(label)", Double(rows) / seconds, "rows/s")
        reporter.emit("import_csv_megabytes_\(label)", Double(bytes) / 1e6, "MB")
        reporter.emit("import_peak_resident_\(label)", peak, "bytes")
        try? FileManager.default.removeItem(atPath: csv)
        try? FileManager.default.removeItem(atPath: vault)
    }
    let extraPerRow = (peaks[10_000_000]! - peaks[2_000_000]!) / 8_000_000
    reporter.emit("import_columnar_bytes_per_row", 24, "bytes/row")
    reporter.emit("import_extra_peak_bytes_per_row", extraPerRow, "bytes/row", goal: "<= 36")
    try benchGeneratedPromoterImport(reporter, scratch: scratch)
    reporter.progress("timings taken while other agents were compiling on the same 2 cores")
}

/// Generates one promoter of 100 000 members as `backline` CSV and imports all its tables
/// (text interning, references, duplicate keys on every table).
private func benchGeneratedPromoterImport(_ reporter: BenchReporter, scratch: String) throws {
    let directory = scratch + "/generated"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let federation = try SyntheticFederation(SyntheticConfiguration(seed: 3, promoters: 1, membersPerPromoter: 100_000))
    let files = CSVSyntheticSink(directory: directory)
    var sink = files
    reporter.progress("generating 100000 members")
    let generateSeconds = try measureSeconds {
        try federation.generate(promoter: 0, into: &sink)
        try files.finish()
    }
    reporter.emit("generate_members_per_second", 100_000 / generateSeconds, "members/s")
    let vault = scratch + "/generated-vault"
    try FileManager.default.createDirectory(atPath: vault, withIntermediateDirectories: true)
    let paths = try FileManager.default.contentsOfDirectory(atPath: directory).map { directory + "/" + $0 }
    let sources = try ImportPlan.make(files: paths, preset: "backline", table: nil)
    var summary = ImportSummary()
    let seconds = try measureSeconds { summary = try VaultImporter.run(sources, into: BenchPlainStreamFactory(directory: vault)) }
    reporter.emit("import_generated_promoter_rows_per_second", Double(summary.rowsRead) / seconds, "rows/s")
    reporter.emit("import_generated_promoter_rows", Double(summary.rowsRead), "rows")
}

/// Writes a `member,artist,plays` CSV of `rows` unique (member, artist) pairs; returns its size.
private func writeListeningCSV(rows: Int, to path: String) throws -> Int {
    let file = try AtomicFileWriter(path: path)
    var random = SeededGenerator(seed: 2026)
    var buffer: [UInt8] = Array("member,artist,plays\n".utf8)
    buffer.reserveCapacity(1 << 20 + 64)
    var total = 0
    for row in 0..<rows {
        let member = row / 50 + 1
        let artist = (row % 50) * 1000 + member % 1000 + 1
        buffer.append(contentsOf: "\(member),\(artist),\(1 + random.next() % 5000)\n".utf8)
        if buffer.count >= 1 << 20 {
            total += buffer.count
            try file.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
    total += buffer.count
    try file.write(buffer)
    try file.commit()
    return total
}

/// Plain files in a directory (the benchmark measures import, not encryption).
private final class BenchPlainStreamFactory: VaultStreamFactory {
    let directory: String
    init(directory: String) { self.directory = directory }
    func makeWriter(name: String) throws -> any ByteStreamWriter { try BenchFileWriter(path: directory + "/" + name) }
    func makeReader(name: String) throws -> any ByteStreamReader { try BenchFileReader(path: directory + "/" + name) }
    func fileNames() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.contains(".tmp-") } }
}

private final class BenchFileWriter: ByteStreamWriter {
    let file: AtomicFileWriter
    init(path: String) throws { file = try AtomicFileWriter(path: path) }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }
    func finish() throws { try file.commit() }
}

private final class BenchFileReader: ByteStreamReader {
    let handle: FileHandle
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CoreError(code: .systemCall, reason: "cannot open \(path)") }
        self.handle = handle
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let data = try handle.read(upToCount: buffer.count), !data.isEmpty else { return 0 }
        data.copyBytes(to: buffer)
        return data.count
    }
}
