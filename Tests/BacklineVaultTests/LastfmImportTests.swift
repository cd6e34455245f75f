import BacklineCore
import BacklineVault
import Foundation
import Testing

/// The Last.fm 2k files from ../shared/data import unedited with the presets.
@Suite struct LastfmImportTests {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/data/lastfm-2k").path
    }()

    static func file(_ name: String) -> String { directory + "/" + name }

    @Test func userArtistsAndArtistsImportUnedited() throws {
        let fixture = try ImportFixture()
        let listening = try ImportPlan.make(files: [Self.file("user_artists.dat")], preset: "lastfm-user-artists", table: nil)
        let artists = try ImportPlan.make(files: [Self.file("artists.dat")], preset: "lastfm-artists", table: nil)
        let summary = try VaultImporter.run(listening + artists, into: fixture.factory)
        #expect(summary.imported["listening"] == 92_834)
        #expect(summary.imported["artists"] == 17_632)
        let view = try VaultData.load(from: fixture.factory).trainingView()
        #expect(view.memberIDs.count == 1_892)
        #expect(view.interactions.nonZeroCount == 92_834)
    }

    @Test func tagsNeedLatin1AndThenImport() throws {
        let fixture = try ImportFixture()
        let files = [Self.file("user_taggedartists.dat"), Self.file("tags.dat")]
        let strict = try ImportPlan.make(files: files, preset: "lastfm-tags", table: nil)
        #expect {
            try VaultImporter.run(strict, into: fixture.factory)
        } throws: { error in
            (error as? VaultError)?.rejects(mentioning: "tags.dat:", ":2 (tag)", "encoding", "--encoding latin1") ?? false
        }
        #expect(try fixture.factory.fileNames().isEmpty)
        let latin1 = try ImportPlan.make(files: files, preset: "lastfm-tags", table: nil, encoding: "latin1")
        let summary = try VaultImporter.run(latin1, into: fixture.factory)
        let tags = try VaultData.load(from: fixture.factory)[VaultSchema.artistTags]
        #expect(summary.imported["artist_tags"] == tags.rowCount)
        #expect(tags.rowCount > 10_000)
        #expect(tags.integers("count").reduce(0, +) == 186_479)
    }
}
