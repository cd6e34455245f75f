import BacklineTestSupport
import BacklineVault
import Foundation
import Testing

/// A small synthetic promoter vault with a trained model, made through the built binary:
/// data generate → keygen → model train. Knows the generator's hidden truth.
final class NodeModelFixture: @unchecked Sendable {  // immutable after init; TemporaryDirectory is removed on deinit only
    static let seed: UInt64 = 3
    static let members = 600
    static let artists = 300

    let directory: TemporaryDirectory
    let vault: String
    let key: String
    let model: String

    init(artists: Int = NodeModelFixture.artists, seed: UInt64 = NodeModelFixture.seed) throws {
        directory = try TemporaryDirectory(prefix: "backline-node-model")
        vault = directory.file("vault")
        key = directory.file("vault.kek")
        model = directory.file("model.safetensors")
        try Self.expectSuccess(["data", "keygen", "--out", key])
        try Self.expectSuccess([
            "data", "generate", "--format", "vault", "--vault", vault, "--key-file", key, "--promoter", "0",
            "--promoters", "1", "--members", "\(Self.members)", "--artists", "\(artists)", "--seed", "\(seed)",
        ])
        try train(to: model)
    }

    deinit { directory.remove() }

    /// One fixture shared by the read-only query tests (built once, on first use).
    private static let sharedResult = Result { try NodeModelFixture() }

    /// The shared fixture; tests that retrain or tamper make their own.
    static func shared() throws -> NodeModelFixture { try sharedResult.get() }

    /// Trains a model on the vault into `path` (replacing the vault's member factors); training
    /// is deterministic, so another `seed` is needed for another model file.
    func train(to path: String, seed: Int = 42) throws {
        try Self.expectSuccess([
            "model", "train", "--vault", vault, "--key-file", key, "--factors", "16", "--iterations", "8",
            "--seed", "\(seed)", "--out", path,
        ])
    }

    /// The generator the vault came from, with its hidden truth.
    var federation: SyntheticFederation {
        get throws {
            try SyntheticFederation(
                SyntheticConfiguration(seed: Self.seed, promoters: 1, membersPerPromoter: Self.members, artists: Self.artists)
            )
        }
    }

    /// The vault's data, decrypted in the test.
    func data() throws -> VaultData {
        try VaultData.load(from: EncryptedVault.open(at: vault, kek: .keyFile(key)))
    }

    /// Options naming the vault, its key and the model.
    var vaultModel: [String] { ["--vault", vault, "--key-file", key, "--model", model] }

    /// Runs the binary with `arguments` and `--json` and returns the decoded JSON object.
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try BuiltBinary.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments.prefix(2)): \(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
        return try #require(object as? [String: Any])
    }

    @discardableResult
    static func expectSuccess(_ arguments: [String]) throws -> BuiltBinary.Result {
        let result = try BuiltBinary.run(arguments)
        #expect(result.status == 0, "\(arguments.prefix(2)): \(result.standardError)")
        return result
    }
}
