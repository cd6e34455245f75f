import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

@Suite struct TableSerializationTests {
    /// A small vault with every table filled, committed through the plain factory.
    static func committedFixture() throws -> ImportFixture {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let artists = try fixture.write("artists.csv", "id,name,genres\n100,\"A, B\",rock;pop\n101,C,jazz\n102,D,\n")
        let tags = try fixture.write("artist_tags.csv", "artist,tag,count\n100,loud,3\n")
        let tickets = try fixture.write("tickets.csv", "member,show,purchased,quantity,price\n1,10,2025-04-01,2,45.5\n")
        let attendance = try fixture.write("attendance.csv", "member,show,scan_in,scan_out,merch_spend\n1,10,2025-05-01T19:30,,12.25\n")
        let listening = try fixture.write("listening.csv", "member,artist,plays\n1,100,5\n2,101,7\n")
        try fixture.importBackline([artists, tags, tickets, attendance, listening])
        return fixture
    }

    @Test func everyTableRoundTrips() throws {
        let fixture = try Self.committedFixture()
        let data = try VaultData.load(from: fixture.factory)
        for schema in VaultSchema.tables {
            let table = data[schema]
            #expect(table.rowCount > 0, "table \(schema.name) is empty in the fixture")
            let stream = fixture.directory.file("copy-" + schema.name)
            let writer = try AtomicFileWriter(path: stream)
            final class Sink: ByteStreamWriter {
                let file: AtomicFileWriter
                init(_ file: AtomicFileWriter) { self.file = file }
                func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }
                func finish() throws { try file.commit() }
            }
            try table.write(to: Sink(writer))
            let again = try ColumnarTable.read(
                schema: schema,
                from: try PlainStreamFactory(directory: fixture.directory.path).makeReader(name: "copy-" + schema.name),
                name: schema.name
            )
            #expect(again.rowCount == table.rowCount)
            #expect(again.strings.strings == table.strings.strings)
            for field in schema.fields {
                switch field.kind {
                case .integer, .timestamp: #expect(again.integers(field.name) == table.integers(field.name))
                case .real: #expect(again.reals(field.name) == table.reals(field.name))
                case .text: #expect(again.textIndices(field.name) == table.textIndices(field.name))
                case .integerList, .textList:
                    #expect(again.list(field.name).offsets == table.list(field.name).offsets)
                    #expect(again.list(field.name).values == table.list(field.name).values)
                }
            }
        }
    }

    /// Loads the vault after replacing the members stream with `bytes`; returns the error code.
    static func loadError(after mutate: ([UInt8]) -> [UInt8]) throws -> String? {
        let fixture = try committedFixture()
        let manifest = try #require(try VaultData.readManifest(from: fixture.factory))
        let stream = try #require(manifest.entry(for: "members")).stream
        try fixture.factory.overwrite(stream, with: mutate(try fixture.factory.bytes(of: stream)))
        do {
            _ = try VaultData.load(from: fixture.factory)
            return nil
        } catch let error as VaultError {
            return error.code.identifier
        }
    }

    @Test(arguments: [0, 3, 4, 9, 40, 100])
    func truncatedStreamIsRefused(keep: Int) throws {
        #expect(try Self.loadError { Array($0.prefix(keep)) } == "truncated")
    }

    @Test func streamMissingItsLastByteIsTruncated() throws {
        #expect(try Self.loadError { Array($0.dropLast()) } == "truncated")
    }

    @Test func appendedBytesAreCorrupt() throws {
        #expect(try Self.loadError { $0 + [0] } == "corrupt")
    }

    @Test func everyFlippedByteIsDetected() throws {
        let fixture = try Self.committedFixture()
        let manifest = try #require(try VaultData.readManifest(from: fixture.factory))
        let stream = try #require(manifest.entry(for: "listening")).stream
        let original = try fixture.factory.bytes(of: stream)
        for position in original.indices {
            var bytes = original
            bytes[position] ^= 0x01
            try fixture.factory.overwrite(stream, with: bytes)
            #expect(throws: VaultError.self, "flip at byte \(position) went unnoticed") { try VaultData.load(from: fixture.factory) }
        }
    }

    @Test func badMagicAndFutureVersionAreNamed() throws {
        #expect(
            try Self.loadError { bytes in
                var b = bytes
                b[0] = UInt8(ascii: "X")
                return b
            } == "corrupt"
        )
        #expect(
            try Self.loadError { bytes in
                var b = bytes
                b[4] = 9
                return b
            } == "unsupported_version"
        )
    }

    @Test func corruptManifestIsRefused() throws {
        let fixture = try Self.committedFixture()
        try fixture.factory.overwrite(VaultManifest.streamName, with: Array("{\"format\":\"other\"}".utf8))
        #expect(throws: VaultError.self) { try VaultData.load(from: fixture.factory) }
        try fixture.factory.overwrite(
            VaultManifest.streamName,
            with: Array(
                "{\"format\":\"backline-vault\",\"schemaVersion\":1,\"generation\":1,\"tables\":[{\"table\":\"members\",\"stream\":\"../etc/passwd\",\"rows\":1}]}"
                    .utf8
            )
        )
        do {
            _ = try VaultData.load(from: fixture.factory)
            Issue.record("a manifest naming a foreign stream was accepted")
        } catch let error as VaultError {
            #expect(error.code == .corrupt)
        }
    }

    @Test func commitAlternatesStreamsAndLeavesOldOnesUnreferenced() throws {
        let fixture = try ImportFixture()
        let first = try fixture.write("members.csv", "id\n1\n")
        try fixture.importBackline([first])
        #expect(try VaultData.readManifest(from: fixture.factory)?.entry(for: "members")?.stream == "members.a")
        let second = try fixture.write("members.csv", "id\n2\n")
        try fixture.importBackline([second])
        let manifest = try #require(try VaultData.readManifest(from: fixture.factory))
        #expect(manifest.entry(for: "members")?.stream == "members.b")
        #expect(manifest.generation == 2)
        let inspection = try VaultInspection.inspect(fixture.factory)
        #expect(inspection.ok)
        #expect(inspection.otherStreams == ["members.a"])
        #expect(inspection.tables.first?.rows == 2)
    }

    @Test func inspectionReportsCountsDatesAndFailures() throws {
        let fixture = try Self.committedFixture()
        var inspection = try VaultInspection.inspect(fixture.factory)
        #expect(inspection.ok)
        #expect(inspection.schemaVersion == VaultSchema.version)
        #expect(inspection.tables.first { $0.table == "shows" }?.firstDate == "2025-05-01T20:00:00Z")
        #expect(inspection.tables.first { $0.table == "shows" }?.lastDate == "2025-06-01T21:00:00Z")
        #expect(inspection.tables.first { $0.table == "listening" }?.rows == 2)
        let stream = try #require(try VaultData.readManifest(from: fixture.factory)?.entry(for: "tickets")).stream
        try fixture.factory.overwrite(stream, with: Array(try fixture.factory.bytes(of: stream).dropLast(5)))
        inspection = try VaultInspection.inspect(fixture.factory)
        #expect(!inspection.ok)
        #expect(inspection.failures.count == 1)
        #expect(inspection.failures[0].contains("truncated"))
        let encoded = String(decoding: try JSONEncoder().encode(inspection), as: UTF8.self)
        #expect(!encoded.contains("A, B"), "inspection leaked artist names")
    }
}
