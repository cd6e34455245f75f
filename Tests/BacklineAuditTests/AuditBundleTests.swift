import BacklineCore
import BacklineCrypto
import Foundation
import Testing

@testable import BacklineAudit

@Suite struct AuditBundleTests {
    static func exported(_ filter: AuditFilter, count: Int = 120) throws -> (AuditBundle, NoteSigner) {
        let storage = InMemoryAuditStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: count, signer: signer)
        let bundle = try AuditBundle.make(
            storage: storage,
            reader: CheckpointReader(origin: AuditFixtures.origin, keys: [signer.verifierKey]),
            filter: filter
        )
        return (bundle, signer)
    }

    @Test func rangeExportVerifiesOffline() throws {
        let (bundle, signer) = try Self.exported(try AuditFilter(from: 10, to: 40))
        let decoded = try AuditBundle.decode(try bundle.encoded())
        #expect(try decoded.verify(trusting: [try NoteVerifierKey(parsing: signer.verifierKey.text)]) == 30)
        #expect(decoded.entries.map(\.index) == Array(10..<40))
    }

    @Test(arguments: [
        try! AuditFilter(actor: "spiffe://fed/promoter/p2"), try! AuditFilter(action: "read_model"), try! AuditFilter(round: 3),
        try! AuditFilter(since: "2026-12-02"), try! AuditFilter(until: "2026-12-02"),
        try! AuditFilter(actor: "spiffe://fed/promoter/p1", round: 5),
    ])
    func filteredExportsHoldExactlyTheMatchesAndVerify(_ filter: AuditFilter) throws {
        let (bundle, signer) = try Self.exported(filter)
        let expected = try (0..<120).filter { filter.matches(try AuditFixtures.entry($0)) }
        #expect(!expected.isEmpty && expected.count < 120)
        #expect(bundle.entries.map(\.index) == expected)
        #expect(try bundle.verify(trusting: [signer.verifierKey]) == expected.count)
    }

    @Test func alteredBundlesFail() throws {
        let (bundle, signer) = try Self.exported(try AuditFilter(round: 2))
        let json = String(decoding: try bundle.encoded(), as: UTF8.self)
        // Change one entry's outcome; move an entry to another index; use an untrusted key.
        let altered = json.replacingOccurrences(of: "\"outcome\" : \"ok\"", with: "\"outcome\" : \"ko\"")
        #expect(altered != json)
        #expect(throws: AuditError.self) { try AuditBundle.decode(Data(altered.utf8)).verify(trusting: [signer.verifierKey]) }
        let moved = json.replacingOccurrences(of: "\"index\" : 21", with: "\"index\" : 22")
        #expect(moved != json)
        #expect(throws: AuditError.self) { try AuditBundle.decode(Data(moved.utf8)).verify(trusting: [signer.verifierKey]) }
        #expect(throws: AuditError.self) { try bundle.verify(trusting: [try AuditFixtures.signer().verifierKey]) }
    }

    @Test func aTamperedLogIsNotExported() throws {
        let storage = TamperableStorage()
        let signer = try AuditFixtures.signer()
        try AuditFixtures.fill(storage, count: 10, signer: signer)
        storage.entries[3] = try AuditFixtures.entry(3, action: "manage_pki")
        #expect(throws: AuditError.tampered("")) {
            try AuditBundle.make(
                storage: storage,
                reader: CheckpointReader(origin: AuditFixtures.origin, keys: [signer.verifierKey]),
                filter: try AuditFilter()
            )
        }
    }

    /// Item 48: the export holds no key material and no payload markers.
    @Test func exportHoldsNoKeyMaterial() throws {
        let storage = InMemoryAuditStorage()
        let privateKey = Ed25519.PrivateKey()
        let signer = try NoteSigner(name: AuditFixtures.origin, privateKey: privateKey)
        try AuditFixtures.fill(storage, count: 50, signer: signer)
        let bundle = try AuditBundle.make(
            storage: storage,
            reader: CheckpointReader(origin: AuditFixtures.origin, keys: [signer.verifierKey]),
            filter: try AuditFilter()
        )
        let text = String(decoding: try bundle.encoded(), as: UTF8.self)
        let seed = privateKey.withUnsafeSeed { Array($0) }
        let forbidden = [
            seed.map { String(format: "%02x", $0) }.joined(), Data(seed).base64EncodedString(),
            String(Data(seed).base64EncodedString().prefix(20)), "PRIVATE KEY", "PRIVATE+KEY", "payload", "safetensors", "gradient",
        ]
        for marker in forbidden { #expect(!text.localizedCaseInsensitiveContains(marker), "found \(marker)") }
    }

    @Test func badFilterBoundsAreRejected() {
        #expect(throws: AuditError.self) { try AuditFilter(since: "last tuesday") }
        #expect(throws: AuditError.self) { try AuditFilter(from: -1) }
    }
}
