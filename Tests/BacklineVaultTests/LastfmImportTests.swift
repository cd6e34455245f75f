import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// Files in the exact layout of the Last.fm HetRec 2011 set (tab-separated, one header line, LF,
/// Latin-1 bytes in tags.dat) import unedited with the presets. The files are written here, so
/// the test needs nothing outside the repository; the real set is imported by the vault bench.
@Suite struct LastfmImportTests {
    /// Writes Last.fm-format files into a temporary directory: `users` users, each listening to
    /// `artistsPerUser` artists, and tag assignments whose tag 2 has a Latin-1 name.
    struct LastfmFiles {
        let directory: TemporaryDirectory
        let users = 7, artistsPerUser = 5, artistCount = 20
        var listeningRows: Int { users * artistsPerUser }

        init() throws {
            directory = try TemporaryDirectory(prefix: "backline-lastfm")
            var userArtists = "userID\tartistID\tweight\n"
            for user in 0..<users {
                for slot in 0..<artistsPerUser {
                    userArtists += "\(user + 2)\t\((user * 3 + slot) % artistCount + 1)\t\(100 * (slot + 1) + user)\n"
                }
            }
            try write("user_artists.dat", Array(userArtists.utf8))
            var artists = "id\tname\turl\tpictureURL\n"
            for id in 1...artistCount {
                artists += "\(id)\tArtist \"No. \(id)\"\thttp://www.last.fm/music/a\(id)\thttp://img/\(id).jpg\n"
            }
            try write("artists.dat", Array(artists.utf8))
            // Tag 2's name is "café" in Latin-1 (0xE9), as in the real tags.dat.
            try write("tags.dat", Array("tagID\ttagValue\n1\tmetal\n2\tcaf".utf8) + [0xE9] + Array("\n3\tjazz\n".utf8))
            var tagged = "userID\tartistID\ttagID\tday\tmonth\tyear\n"
            for (user, artist, tag) in [(2, 1, 1), (3, 1, 1), (4, 1, 2), (2, 5, 3), (5, 5, 3), (6, 7, 2)] {
                tagged += "\(user)\t\(artist)\t\(tag)\t1\t4\t2009\n"
            }
            try write("user_taggedartists.dat", Array(tagged.utf8))
        }

        func path(_ name: String) -> String { directory.path + "/" + name }
        private func write(_ name: String, _ bytes: [UInt8]) throws { try AtomicFileWriter.write(bytes, to: path(name)) }
    }

    @Test func userArtistsAndArtistsImportUnedited() throws {
        let files = try LastfmFiles()
        let fixture = try ImportFixture()
        let listening = try ImportPlan.make(files: [files.path("user_artists.dat")], preset: "lastfm-user-artists", table: nil)
        let artists = try ImportPlan.make(files: [files.path("artists.dat")], preset: "lastfm-artists", table: nil)
        let summary = try VaultImporter.run(listening + artists, into: fixture.factory)
        #expect(summary.imported["listening"] == files.listeningRows)
        #expect(summary.imported["artists"] == files.artistCount)
        let view = try VaultData.load(from: fixture.factory).trainingView()
        #expect(view.memberIDs.count == files.users)
        #expect(view.interactions.nonZeroCount == files.listeningRows)
    }

    @Test func tagsNeedLatin1AndThenImport() throws {
        let files = try LastfmFiles()
        let fixture = try ImportFixture()
        let paths = [files.path("user_taggedartists.dat"), files.path("tags.dat")]
        let strict = try ImportPlan.make(files: paths, preset: "lastfm-tags", table: nil)
        #expect {
            try VaultImporter.run(strict, into: fixture.factory)
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "tags.dat:", ":3 (tag)", "encoding", "--encoding latin1") ?? false
        }
        #expect(try fixture.factory.fileNames().isEmpty)
        let latin1 = try ImportPlan.make(files: paths, preset: "lastfm-tags", table: nil, encoding: "latin1")
        let summary = try VaultImporter.run(latin1, into: fixture.factory)
        let tags = try VaultData.load(from: fixture.factory)[VaultSchema.artistTags]
        #expect(summary.imported["artist_tags"] == tags.rowCount)
        // (artist, tag) pairs: (1, metal), (1, café), (5, jazz), (7, café); counts sum to 6 assignments.
        #expect(tags.rowCount == 4)
        #expect(tags.integers("count").reduce(0, +) == 6)
    }
}
