import BacklineCore
import BacklineVault
import Foundation
import Testing

@Suite struct VaultImporterTests {
    @Test func validFilesImportIntoColumns() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let tickets = try fixture.write(
            "tickets.csv",
            "member,show,purchased,quantity,price\n1,10,2025-04-01,2,45.5\n2,11,2025-05-02T10:00:00Z,1,20\n"
        )
        let summary = try fixture.importBackline([tickets])
        #expect(summary.imported["tickets"] == 2)
        let data = try VaultData.load(from: fixture.factory)
        #expect(data[VaultSchema.members].rowCount == 3)
        #expect(data[VaultSchema.tickets].integers("quantity") == [2, 1])
        #expect(data[VaultSchema.tickets].reals("price") == [45.5, 20])
        #expect(data[VaultSchema.members].integers("birth_year")[2] == ColumnarTable.missingInteger)
        let shows = data[VaultSchema.shows]
        #expect(shows.list("artists").values == [100, 101, 102])
        #expect(shows.integers("start")[0] == 1_746_129_600)
        let members = data[VaultSchema.members]
        let interests = members.list("interests")
        #expect(interests.offsets == [0, 2, 3, 3])
        #expect(interests.values.map { members.strings[Int32($0)] } == ["rock", "pop", "jazz"])
    }

    @Test(arguments: [
        ("members.csv", "id,birth_year\n1,1990\n2,1991,extra\n", "members.csv:3", "column_count"),
        ("listening.csv", "member,artist,plays\n1,2,10\n1,3,-5\n", "listening.csv:3:3 (plays)", "out_of_range"),
        ("listening.csv", "member,artist,plays\n1,2,ten\n", "listening.csv:2:3 (plays)", "not_a_number"),
        ("members.csv", "id,birth_year\n1,1899\n", "members.csv:2:2 (birth_year)", "out_of_range"),
        ("shows.csv", "id,artists,start\n1,5,2101-01-01\n", "shows.csv:2:3 (start)", "year 2101"),
        ("shows.csv", "id,artists,start\n1,5,1899-12-31T23:59:59Z\n", "shows.csv:2:3 (start)", "year 1899"),
        ("shows.csv", "id,artists,start\n1,5,2025-02-30\n", "shows.csv:2:3 (start)", "bad_timestamp"),
        ("artists.csv", "id,name\n1,\n", "artists.csv:2:2 (name)", "missing"),
        ("listening.csv", "member,artist,plays\n1,2,3\n4,5,6\n1,2,7\n", "listening.csv:4", "same member, artist as line 2"),
    ])
    func invalidRowIsRefusedWithLocation(file: String, content: String, location: String, reason: String) throws {
        let fixture = try ImportFixture()
        let path = try fixture.write(file, content)
        #expect {
            try fixture.importBackline([path])
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: location, reason) ?? false
        }
        #expect(try fixture.factory.fileNames().isEmpty)
    }

    @Test func ticketForUnknownMemberIsRefused() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let tickets = try fixture.write(
            "tickets.csv",
            "member,show,purchased,quantity,price\n1,10,2025-04-01,1,10\n99,10,2025-04-01,1,10\n"
        )
        #expect {
            try fixture.importBackline([tickets])
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "tickets.csv:3:1 (member)", "unknown_reference", "members") ?? false
        }
    }

    @Test func ticketMayReferToMemberOfTheSameImport() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let tickets = try fixture.write("tickets.csv", "member,show,purchased,quantity,price\n7,11,2025-04-01,1,10\n")
        let members = try fixture.write("members.csv", "id\n7\n")
        let summary = try fixture.importBackline([tickets, members])
        #expect(summary.imported["tickets"] == 1)
        #expect(summary.imported["members"] == 1)
    }

    @Test func scanOutBeforeScanInIsRefused() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let attendance = try fixture.write(
            "attendance.csv",
            "member,show,scan_in,scan_out,merch_spend\n1,10,2025-05-01T19:30,2025-05-01T19:00,5\n"
        )
        #expect {
            try fixture.importBackline([attendance])
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "attendance.csv:2:4 (scan_out)", "order") ?? false
        }
    }

    @Test func invalidUTF8NamesLineAndColumnUnlessLatin1() throws {
        let fixture = try ImportFixture()
        let bytes = Array("id,name\n1,Ok\n2,Caf".utf8) + [0xE9] + Array("\n".utf8)
        let path = try fixture.write("artists.csv", bytes)
        #expect {
            try fixture.importBackline([path])
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "artists.csv:3:2 (name)", "encoding") ?? false
        }
        let sources = try ImportPlan.make(files: [path], preset: "backline", table: nil, encoding: "latin1")
        try VaultImporter.run(sources, into: fixture.factory)
        let artists = try VaultData.load(from: fixture.factory)[VaultSchema.artists]
        #expect(artists.text("name", row: 1) == "Café")
    }

    @Test func emptyFileAndHeaderOnlyFileAreClearErrors() throws {
        let fixture = try ImportFixture()
        let empty = try fixture.write("members.csv", "")
        #expect(throws: VaultError.self) { try fixture.importBackline([empty]) }
        do {
            try fixture.importBackline([empty])
        } catch let error as VaultError {
            #expect(error.code == .emptyInput)
            #expect(error.reason.contains("members.csv"))
        }
        let headerOnly = try fixture.write("artists.csv", "id,name\n")
        do {
            try fixture.importBackline([headerOnly])
            Issue.record("a header-only file was accepted")
        } catch let error as VaultError {
            #expect(error.code == .emptyInput)
            #expect(error.reason.contains("no data rows"))
        }
    }

    @Test func quotedFieldsKeepDelimitersNewlinesAndQuotes() throws {
        let fixture = try ImportFixture()
        let text = "id,name,genres\r\n1,\"Earth, Wind & Fire\",funk;soul\r\n2,\"Two\nLines\",rock\r\n3,\"Say \"\"Hi\"\"\",\r\n4,,pop\r\n"
        let path = try fixture.write("artists.csv", text)
        #expect {
            try fixture.importBackline([path])
        } throws: { error in
            // Row 4 starts on line 6 because row 2 spans two lines.
            (error as? VaultError)?.rejects(mentioning: "artists.csv:6:2 (name)", "missing") ?? false
        }
        let fixed = try fixture.write("artists.csv", text.replacingOccurrences(of: "4,,pop", with: "4,Plain,pop"))
        try fixture.importBackline([fixed])
        let artists = try VaultData.load(from: fixture.factory)[VaultSchema.artists]
        #expect((0..<4).map { artists.text("name", row: $0) } == ["Earth, Wind & Fire", "Two\nLines", "Say \"Hi\"", "Plain"])
    }

    @Test func unterminatedQuoteIsMalformed() throws {
        let fixture = try ImportFixture()
        let path = try fixture.write("artists.csv", "id,name\n1,\"never closed\n2,x\n")
        do {
            try fixture.importBackline([path])
            Issue.record("an unterminated quote was accepted")
        } catch let error as VaultError {
            #expect(error.code == .malformedInput)
            #expect(error.reason.contains("artists.csv:2"))
        }
    }

    @Test func failingImportChangesNothing() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let before = try fixture.factory.fileNames().map { try fixture.factory.bytes(of: $0) }
        let members = try fixture.write("members.csv", "id\n50\n51\n")
        let listening = try fixture.write("listening.csv", "member,artist,plays\n1,1,1\n1,2,-1\n")
        #expect(throws: VaultError.self) { try fixture.importBackline([members, listening]) }
        let after = try fixture.factory.fileNames().map { try fixture.factory.bytes(of: $0) }
        #expect(before == after)
        #expect(try VaultData.load(from: fixture.factory)[VaultSchema.members].rowCount == 3)
    }

    @Test func duplicateOfARowAlreadyInTheVaultIsRefused() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let members = try fixture.write("members.csv", "id\n60\n2\n")
        #expect {
            try fixture.importBackline([members])
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "members.csv:3", "duplicate", "a row already in the vault") ?? false
        }
    }

    @Test func skipInvalidImportsTheRestAndCountsByReason() throws {
        let fixture = try ImportFixture()
        try fixture.seedMembersAndShows()
        let tickets = try fixture.write(
            "tickets.csv",
            """
            member,show,purchased,quantity,price
            1,10,2025-04-01,1,10
            99,10,2025-04-01,1,10
            2,10,2025-04-01,-3,10
            2,11,1850-01-01,1,10
            1,10,2025-04-01,1,12
            3,11,2025-04-02,1,15,extra
            3,11,2025-04-02,2,15

            """
        )
        let summary = try fixture.importBackline([tickets], skipInvalid: true)
        #expect(summary.imported["tickets"] == 2)
        #expect(summary.skipped == ["unknown_reference": 1, "out_of_range": 2, "duplicate": 1, "column_count": 1])
        #expect(summary.skippedTotal == 5)
        let stored = try VaultData.load(from: fixture.factory)[VaultSchema.tickets]
        #expect(stored.integers("member") == [1, 3])
        #expect(stored.integers("quantity") == [1, 2])
    }

    @Test func issuesNeverQuoteTextValues() throws {
        let fixture = try ImportFixture()
        let members = try fixture.write(
            "members.csv",
            "id,birth_year,region,interests\n1,1850,Secretville,hidden-taste\n2,1990,\"Quiet, Lane\",x;y;z\nabc,1990,Nowhere,\n"
        )
        let artists = try fixture.write("artists.csv", "id,name\n1,Private Name\n1,Private Name\n")
        do {
            try fixture.importBackline([members, artists])
            Issue.record("invalid rows were accepted")
        } catch let error as VaultError {
            let text = error.description + error.debugDescription
            #expect(text.contains("members.csv:2:2 (birth_year)"))
            #expect(text.contains("members.csv:4:1 (id)"))
            #expect(text.contains("artists.csv:3"))
            for secret in ["Secretville", "hidden-taste", "Quiet", "Private Name", "abc", "Nowhere"] {
                #expect(!text.contains(secret), "error text quotes '\(secret)'")
            }
        }
    }

    @Test func mappingOptionsRenameColumns() throws {
        let fixture = try ImportFixture()
        let path = try fixture.write("plays.tsv", "user\tband\tcount\n5\t6\t7\n")
        let sources = try ImportPlan.make(
            files: [path],
            preset: nil,
            table: "listening",
            mapOptions: ["member=user", "artist=#2", "plays=count"]
        )
        #expect(try VaultImporter.run(sources, into: fixture.factory).imported["listening"] == 1)
        #expect(throws: VaultError.self) {
            try ImportPlan.make(files: [path], preset: nil, table: "listening", mapOptions: ["colour=user"])
        }
        #expect(throws: VaultError.self) { try ImportPlan.make(files: [path], preset: nil, table: "nope") }
        let missing = try ImportPlan.make(files: [path], preset: nil, table: "listening")
        #expect(throws: VaultError.self) { try VaultImporter.run(missing, into: fixture.factory) }
    }
}
