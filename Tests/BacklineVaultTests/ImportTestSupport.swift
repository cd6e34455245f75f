import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation

/// A temporary vault plus helpers to write input files.
struct ImportFixture {
    let directory: TemporaryDirectory
    let factory: PlainStreamFactory

    init() throws {
        directory = try TemporaryDirectory(prefix: "vault-import")
        try FileManager.default.createDirectory(atPath: directory.file("vault"), withIntermediateDirectories: true)
        factory = PlainStreamFactory(directory: directory.file("vault"))
    }

    /// Writes `text` to a file named `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Writes raw bytes to a file named `name` and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Imports files with the `backline` preset.
    @discardableResult
    func importBackline(_ paths: [String], skipInvalid: Bool = false) throws -> ImportSummary {
        let sources = try ImportPlan.make(files: paths, preset: "backline", table: nil)
        return try VaultImporter.run(sources, into: factory, options: ImportOptions(skipInvalid: skipInvalid))
    }

    /// Members and shows every ticket test needs.
    func seedMembersAndShows() throws {
        let members = try write(
            "members.csv",
            "id,birth_year,gender,region,interests\n1,1990,f,north,rock;pop\n2,1985,m,south,jazz\n3,,x,north,\n"
        )
        let shows = try write(
            "shows.csv",
            "id,artists,venue,city,start,capacity\n10,100;101,Hall,Leeds,2025-05-01T20:00:00Z,500\n11,102,Club,York,2025-06-01T21:00,200\n"
        )
        try importBackline([members, shows])
    }
}

extension VaultError {
    /// Whether this error is an `importRejected` mentioning every fragment.
    func rejects(mentioning fragments: String...) -> Bool {
        code == .importRejected && fragments.allSatisfy { reason.contains($0) }
    }
}
