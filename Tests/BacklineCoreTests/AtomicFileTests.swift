import BacklineCore
import BacklineTestSupport
import Foundation
import Testing

@Suite struct AtomicFileTests {
    @Test func commitReplacesTheFileWhole() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state.bin")
        try AtomicFileWriter.write([1, 2, 3], to: path)
        try AtomicFileWriter.write([4, 5], to: path)
        #expect(try FileAccess.readAll(path) == [4, 5])
    }

    @Test func abandonedWriteLeavesThePreviousFileAndNoTemporary() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state.bin")
        try AtomicFileWriter.write([1, 2, 3], to: path)
        let writer = try AtomicFileWriter(path: path)
        try writer.write([9, 9, 9, 9])
        writer.abandon()
        #expect(try FileAccess.readAll(path) == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.bin"])
    }

    @Test func newFilesAreOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("key")
        try AtomicFileWriter.write([1], to: path)
        try FileAccess.requireOwnerOnly(path)
    }

    @Test func worldReadableFileIsRefusedWithItsPathAndMode() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("key")
        try AtomicFileWriter.write([1], to: path, mode: 0o644)
        let error = #expect(throws: CoreError.self) { try FileAccess.requireOwnerOnly(path) }
        #expect(error?.code == .insecurePermissions)
        #expect(error?.reason.contains(path) == true)
        #expect(error?.reason.contains("644") == true)
    }

    @Test func readingAMissingFileNamesIt() throws {
        let error = #expect(throws: CoreError.self) { try FileAccess.readAll("/nonexistent/backline-file") }
        #expect(error?.reason.contains("/nonexistent/backline-file") == true)
    }
}
