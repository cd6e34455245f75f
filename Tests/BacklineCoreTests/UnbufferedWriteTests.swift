import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct UnbufferedWriteTests {
    /// Sizes around the 4 KiB alignment and one above the 4 MiB zero chunk.
    static let sizes = [0, 1, 4095, 4096, 4097, 3 * 4096 + 17, (5 << 20) + 3]

    @Test(arguments: sizes) func everyByteArrivesWhateverTheSize(size: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("payload")
        var generator = SeededGenerator(seed: UInt64(size) + 1)
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try AtomicFileWriter.write(bytes, to: path, unbuffered: true)
        #expect(try FileAccess.readAll(path) == bytes)
    }

    @Test func anUnalignedOffsetFallsBackToThePageCacheAndKeepsTheFlags() throws {
        let directory = try TemporaryDirectory()
        let head: [UInt8] = [7, 7, 7]
        let body = [UInt8](repeating: 9, count: 3 * 4096)
        let written = try Self.writeIntoNewFile(head: head, body: body, in: directory)
        #expect(!written.direct)
        #expect(written.flagsKept)
        #expect(try FileAccess.readAll(written.path) == head + body)
    }

    @Test func largeWritesBypassThePageCacheOnExt4() throws {
        let directory = try TemporaryDirectory()
        let body = [UInt8](repeating: 5, count: 64 * 4096 + 100)
        let (path, direct, flagsKept) = try Self.writeIntoNewFile(head: [], body: body, in: directory)
        #expect(flagsKept)
        if try Self.fileSystemType(directory.path) == "ext2/ext3" { #expect(direct, "ext4 takes O_DIRECT") }
        if direct {
            // The aligned prefix went straight to the disk: none of its pages is in the page cache.
            #expect(try Self.residentPages(path, pages: 64) == 0)
        }
        #expect(try FileAccess.readAll(path) == body)
    }

    @Test func zerosOverwriteTheWholeFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("payload")
        try AtomicFileWriter.write([UInt8](repeating: 0xAB, count: (4 << 20) + 4096 + 5), to: path)
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        #expect(fd >= 0)
        try UnbufferedWrite.writeZeros(count: (4 << 20) + 4096 + 5, to: fd, path: path)
        close(fd)
        let read = try FileAccess.readAll(path)
        #expect(read.count == (4 << 20) + 4096 + 5)
        #expect(read.allSatisfy { $0 == 0 })
    }

    /// Writes `head` plainly, then `body` with ``UnbufferedWrite``, into a new file in `directory`:
    /// the file, whether `O_DIRECT` was used, and whether the descriptor's flags came back unchanged.
    static func writeIntoNewFile(
        head: [UInt8],
        body: [UInt8],
        in directory: TemporaryDirectory
    ) throws -> (path: String, direct: Bool, flagsKept: Bool) {
        let path = directory.file("payload")
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CoreError.systemCall("open", path: path, errno: errno) }
        defer { close(fd) }
        #expect(write(fd, head, head.count) == head.count)
        let flagsBefore = fcntl(fd, F_GETFL)
        let direct = try body.withUnsafeBytes { try UnbufferedWrite.write($0, to: fd, path: path) }
        return (path, direct, fcntl(fd, F_GETFL) == flagsBefore)
    }

    /// The file system type of `path` as `stat -f -c %T` names it (ext4 is "ext2/ext3").
    static func fileSystemType(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stat")
        process.arguments = ["-f", "-c", "%T", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many of the first `pages` pages of `path` are in the page cache (`mincore`).
    static func residentPages(_ path: String, pages: Int) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CoreError.systemCall("open", path: path, errno: errno) }
        defer { close(fd) }
        let length = pages * 4096
        guard let mapping = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), mapping != MAP_FAILED else {
            throw CoreError.systemCall("mmap", path: path, errno: errno)
        }
        defer { munmap(mapping, length) }
        var vector = [UInt8](repeating: 0, count: pages)
        guard mincore(mapping, length, &vector) == 0 else { throw CoreError.systemCall("mincore", path: path, errno: errno) }
        return vector.filter { $0 & 1 != 0 }.count
    }
}
