import BacklineCore
import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// `backline model train` on a vault: what goes into the model file, what stays encrypted in
/// the vault, and refusal of model files that do not belong to the vault.
@Suite struct NodeModelTrainTests {
    @Test func modelFileHoldsOnlyGlobalParametersAndMemberFactorsStayEncrypted() throws {
        let fixture = try NodeModelFixture()
        let bytes = try FileAccess.readAll(fixture.model)
        let headerCount = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let object = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + headerCount]))
        let header = try #require(object as? [String: Any])
        #expect(
            Set(header.keys.filter { $0 != "__metadata__" }) == [
                "artist_factors", "artist_feature_embeddings", "member_feature_embeddings",
            ]
        )
        let tensor = try #require(header["artist_factors"] as? [String: Any])
        #expect(tensor["shape"] as? [Int] == [NodeModelFixture.artists, 16])

        let vault = try EncryptedVault.open(at: fixture.vault, kek: .keyFile(fixture.key))
        let loaded = try MemberFactorState.load(from: vault)
        let state = try #require(loaded)
        #expect(state.memberCount == NodeModelFixture.members && state.factors == 16)
        let raw = try FileAccess.readAll(fixture.vault + "/\(MemberFactorState.streamName).bkv")
        let clearIDs = Array(state.encode()[24 + state.modelTag.utf8.count..<24 + state.modelTag.utf8.count + 24])
        #expect(!Self.contains(raw, clearIDs), "member ids must not be stored in clear")
        #expect(!Self.contains(bytes, clearIDs), "the model file must not carry member data")
    }

    @Test func modelTrainedOnAnotherVaultIsRefusedByShape() throws {
        let fixture = try NodeModelFixture()
        let other = try NodeModelFixture(artists: 200, seed: 4)
        let result = try BuiltBinary.run([
            "match", "--vault", fixture.vault, "--key-file", fixture.key, "--model", other.model, "--artist", "3",
        ])
        #expect(result.status == 1)
        #expect(
            result.standardError.contains("does not match this vault") && result.standardError.contains("200 artists"),
            "\(result.standardError)"
        )
    }

    @Test func memberFactorsOfAnotherModelFileAreRefused() throws {
        let fixture = try NodeModelFixture()
        let retrained = fixture.directory.file("retrained.safetensors")
        try fixture.train(to: retrained, seed: 43)
        let stale = try BuiltBinary.run(["recommend"] + fixture.vaultModel + ["--member", "1"])
        #expect(stale.status == 1)
        #expect(stale.standardError.contains("another model file"), "\(stale.standardError)")
        let fresh = try BuiltBinary.run([
            "recommend", "--vault", fixture.vault, "--key-file", fixture.key, "--model", retrained, "--member", "1",
        ])
        #expect(fresh.status == 0, "\(fresh.standardError)")
    }

    @Test(arguments: ["0", "-3"])
    func nonPositiveTopIsAUsageError(_ top: String) throws {
        let fixture = try NodeModelFixture.shared()
        let result = try BuiltBinary.run(["match"] + fixture.vaultModel + ["--artist", "3", "--top", top])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--top"), "\(result.standardError)")
    }

    @Test func queriesWithoutTrainingSayWhatToRun() throws {
        let directory = try TemporaryDirectory(prefix: "backline-node-model")
        defer { directory.remove() }
        let key = directory.file("k.kek")
        let vault = directory.file("vault")
        let model = directory.file("m.safetensors")
        try NodeModelFixture.expectSuccess(["data", "keygen", "--out", key])
        try NodeModelFixture.expectSuccess([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0",
            "--promoters", "1", "--members", "100", "--artists", "50",
        ])
        let other = try NodeModelFixture.shared()
        let result = try BuiltBinary.run(["match", "--vault", vault, "--key-file", key, "--model", other.model, "--artist", "3"])
        #expect(result.status == 1)
        let untrained = try BuiltBinary.run(["match", "--vault", vault, "--key-file", key, "--model", model, "--artist", "3"])
        #expect(untrained.status == 1 && untrained.standardError.contains(model), "\(untrained.standardError)")
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<$0 + needle.count]) == needle }
    }
}
