import BacklineCore
import BacklineCrypto
import Foundation
import Testing

@testable import BacklineAudit

@Suite struct SignedNoteTests {
    static func vector() throws -> AuditVectors.Note { try AuditVectors.load("signed-note.json") }

    @Test func referenceVerifierKeyParsesAndRoundTrips() throws {
        let v = try Self.vector()
        let key = try NoteVerifierKey(parsing: v.verifierKey)
        #expect(key.name == "example.com/foo")
        #expect(key.publicKey.rawRepresentation == AuditVectors.bytes(hex: v.publicKey))
        #expect(key.keyID == [0x53, 0x0d, 0x90, 0x3a])
        #expect(key.text == v.verifierKey)
    }

    @Test func referenceNoteVerifies() throws {
        let v = try Self.vector()
        let note = try SignedNote(parsing: v.text + "\n" + v.signatureLine + "\n")
        #expect(note.text == v.text)
        #expect(try note.verify(keys: [try NoteVerifierKey(parsing: v.verifierKey)]).count == 1)
    }

    @Test func everyChangedTextByteFails() throws {
        let v = try Self.vector()
        let key = try NoteVerifierKey(parsing: v.verifierKey)
        let text = Array(v.text.utf8)
        var rejected = 0
        for index in 0..<(text.count - 1) {  // the final newline is structural
            var changed = text
            changed[index] = changed[index] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            let note = String(decoding: changed, as: UTF8.self) + "\n" + v.signatureLine + "\n"
            if (try? SignedNote(parsing: note).verify(keys: [key])) == nil { rejected += 1 }
        }
        #expect(rejected == text.count - 1)
    }

    @Test func changedSignatureFails() throws {
        let v = try Self.vector()
        let key = try NoteVerifierKey(parsing: v.verifierKey)
        let encoded = String(v.signatureLine.split(separator: " ").last!)
        var raw = Array(Data(base64Encoded: encoded)!)
        raw[10] ^= 1
        let line = "\u{2014} example.com/foo " + Data(raw).base64EncodedString()
        #expect(throws: AuditError.self) { try SignedNote(parsing: v.text + "\n" + line + "\n").verify(keys: [key]) }
    }

    @Test func onlyAnUnknownKeySignedIsRejected() throws {
        let v = try Self.vector()
        let other = try NoteSigner(name: "example.com/other", privateKey: Ed25519.PrivateKey())
        let note = try SignedNote(parsing: try other.sign(v.text))
        #expect(throws: AuditError.self) { try note.verify(keys: [try NoteVerifierKey(parsing: v.verifierKey)]) }
        // Same name, other key: the key ID differs, so it is unknown too.
        let impostor = try NoteSigner(name: "example.com/foo", privateKey: Ed25519.PrivateKey())
        #expect(throws: AuditError.self) {
            try SignedNote(parsing: try impostor.sign(v.text)).verify(keys: [try NoteVerifierKey(parsing: v.verifierKey)])
        }
    }

    @Test func anExtraUnknownSignatureIsIgnored() throws {
        let v = try Self.vector()
        let other = try NoteSigner(name: "witness.example", privateKey: Ed25519.PrivateKey())
        let text = v.text + "\n" + (try other.signatureLine(for: v.text)) + "\n" + v.signatureLine + "\n"
        let verified = try SignedNote(parsing: text).verify(keys: [try NoteVerifierKey(parsing: v.verifierKey)])
        #expect(verified.map(\.name) == ["example.com/foo"])
    }

    @Test(arguments: [
        "no newline at end", "text\n\u{2014} a AAAA", "text\n", "text\n\n", "text\n\nsig line without dash\n",
        "text\n\n\u{2014} name\n", "text\n\n\u{2014} na me AAAAAAAAAAAA\n", "text\n\n\u{2014} name !!!notbase64\n",
        "te\u{7}xt\n\n\u{2014} name AAAAAAAAAAAA\n",
    ])
    func malformedNotesAreRejected(_ text: String) {
        #expect(throws: AuditError.self) { try SignedNote(parsing: text) }
    }

    @Test func signerOutputVerifiesWithItsVerifierKey() throws {
        let signer = try NoteSigner(name: "example.org/fl-audit", privateKey: Ed25519.PrivateKey())
        let reparsed = try NoteVerifierKey(parsing: signer.verifierKey.text)
        #expect(try SignedNote(parsing: try signer.sign("hello\n")).verify(keys: [reparsed]) == [reparsed])
    }

    @Test func checkpointBodyMatchesTheReferenceVector() throws {
        let v = try Self.vector()
        let tree = try AuditVectors.load("tree.json", as: AuditVectors.Tree.self)
        let checkpoint = try Checkpoint(origin: v.checkpointOrigin, size: v.checkpointSize, root: try TreeHash(hex: tree.roots[8]))
        #expect(checkpoint.body == v.checkpointBody)
        #expect(try Checkpoint(parsing: v.checkpointBody) == checkpoint)
    }

    @Test(arguments: [
        "origin\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "origin\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", "origin\n8\nXcna\n",
        "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\n", "origin\n99999999999999999999999\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",
    ])
    func malformedCheckpointsAreRejected(_ body: String) {
        #expect(throws: AuditError.self) { try Checkpoint(parsing: body) }
    }

    @Test func signerRefusesToSignAnInconsistentCheckpoint() throws {
        let signer = try CheckpointSigner(signer: try NoteSigner(name: "log", privateKey: Ed25519.PrivateKey()), origin: "log")
        var tree = MerkleTree()
        var fork = MerkleTree()
        for i in 0..<10 {
            tree.append(leafData: [UInt8(i)])
            fork.append(leafData: [UInt8(i == 3 ? 99 : i)])
        }
        _ = try signer.sign(size: 6, root: try tree.root(size: 6), consistencyProof: [])
        // A fork of the same size, a shorter tree, and an extension of the fork: all refused.
        #expect(throws: AuditError.self) { try signer.sign(size: 6, root: try fork.root(size: 6), consistencyProof: []) }
        #expect(throws: AuditError.self) { try signer.sign(size: 5, root: try tree.root(size: 5), consistencyProof: []) }
        #expect(throws: AuditError.self) {
            try signer.sign(size: 10, root: try fork.root(), consistencyProof: try fork.consistencyProof(from: 6, to: 10))
        }
        #expect(signer.lastSigned?.size == 6)
        // The honest extension is signed.
        let note = try signer.sign(size: 10, root: try tree.root(), consistencyProof: try tree.consistencyProof(from: 6, to: 10))
        #expect(try CheckpointReader(origin: "log", keys: [signer.verifierKey]).read(note).size == 10)
    }

    @Test func readerRejectsAnotherOrigin() throws {
        let signer = try NoteSigner(name: "log", privateKey: Ed25519.PrivateKey())
        let note = try signer.sign(try Checkpoint(origin: "other-log", size: 0, root: MerkleHasher.emptyRoot).body)
        #expect(throws: AuditError.self) { try CheckpointReader(origin: "log", keys: [signer.verifierKey]).read(note) }
    }
}
