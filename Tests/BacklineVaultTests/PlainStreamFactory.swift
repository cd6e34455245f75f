import BacklineCore
import BacklineVault
import Foundation

/// Test-only ``VaultStreamFactory``: plaintext files in a directory, written atomically with
/// ``AtomicFileWriter`` (visible only after `finish()`).
final class PlainStreamFactory: VaultStreamFactory {
    let directory: String

    init(directory: String) { self.directory = directory }

    func makeWriter(name: String) throws -> any ByteStreamWriter { try PlainWriter(path: directory + "/" + name) }

    func makeReader(name: String) throws -> any ByteStreamReader { try PlainReader(path: directory + "/" + name) }

    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.contains(".tmp-") }.sorted()
    }

    /// Raw bytes of stream `name` (for corruption tests).
    func bytes(of name: String) throws -> [UInt8] { try FileAccess.readAll(directory + "/" + name) }

    /// Replaces stream `name` with `bytes` directly (for corruption tests).
    func overwrite(_ name: String, with bytes: [UInt8]) throws { try AtomicFileWriter.write(bytes, to: directory + "/" + name) }
}

private final class PlainWriter: ByteStreamWriter {
    let file: AtomicFileWriter
    init(path: String) throws { file = try AtomicFileWriter(path: path) }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }
    func finish() throws { try file.commit() }
}

private final class PlainReader: ByteStreamReader {
    let handle: FileHandle
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CoreError(code: .systemCall, reason: "cannot open \(path)")
        }
        self.handle = handle
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let data = try handle.read(upToCount: buffer.count), !data.isEmpty else { return 0 }
        data.copyBytes(to: buffer)
        return data.count
    }
    deinit { try? handle.close() }
}
