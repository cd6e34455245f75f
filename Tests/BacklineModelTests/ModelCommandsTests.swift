import BacklineTestSupport
import Foundation
import Testing

/// The model commands, run through the built `backline` binary on a tiny two-group dataset.
@Suite(.serialized) struct ModelCommandsTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "backline-model-cli")
        // Members m0..m5 play artists a0..a3, m6..m11 play a4..a7; member i skips artist i mod 4 of its group.
        var train = "user\tartist\tweight\n"
        var test = "user\tartist\tweight\n"
        for member in 0..<12 {
            let base = member < 6 ? 0 : 4
            for offset in 0..<4 {
                let line = "m\(member)\ta\(base + offset)\t\(1 + (member * 7 + offset * 3) % 20)\n"
                if offset == member % 4 { test += line } else { train += line }
            }
        }
        try train.write(toFile: directory.file("train.tsv"), atomically: true, encoding: .utf8)
        try test.write(toFile: directory.file("test.tsv"), atomically: true, encoding: .utf8)
        let tags = "userID\tartistID\ttagID\n" + (0..<8).map { "m0\ta\($0)\t\($0 < 4 ? 1 : 2)\n" }.joined()
        try tags.write(toFile: directory.file("tags.dat"), atomically: true, encoding: .utf8)
    }

    func backline(_ arguments: [String]) throws -> BuiltBinary.Result { try BuiltBinary.run(arguments) }

    func trainModel(tags: Bool = false) throws -> String {
        let model = directory.file(tags ? "tagged.safetensors" : "model.safetensors")
        var arguments = [
            "train", "--train", directory.file("train.tsv"), "--out", model, "--factors", "2", "--regularization", "0.5",
            "--iterations", "20", "--json",
        ]
        if tags { arguments += ["--tags", directory.file("tags.dat")] }
        let result = try backline(arguments)
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["members"] as? Int == 12 && summary?["artists"] as? Int == 8)
        return model
    }

    @Test func trainEvaluateSimilarAndRecommend() throws {
        let model = try trainModel()
        let evaluation = try backline([
            "evaluate", "--model", model, "--train", directory.file("train.tsv"), "--test", directory.file("test.tsv"),
            "--k", "1", "--json",
        ])
        #expect(evaluation.status == 0, "\(evaluation.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluation.standardOutput.utf8)) as? [String: Any]
        let metrics = report?["metrics"] as? [String: Any]
        #expect(metrics?["members"] as? Int == 12)
        #expect((metrics?["ndcg"] as? Double ?? 0) == 1, "the held-out artist is the only unseen one of the group")

        let cold = try backline([
            "evaluate", "--model", model, "--train", directory.file("train.tsv"), "--test", directory.file("test.tsv"),
            "--cold-artists", "--json",
        ])
        let coldReport = try JSONSerialization.jsonObject(with: Data(cold.standardOutput.utf8)) as? [String: Any]
        #expect(cold.status == 0 && (coldReport?["metrics"] as? [String: Any])?["members"] as? Int == 0, "every artist has train pairs")

        let similar = try backline(["similar", "--model", model, "--artist", "a0", "--top", "3", "--json"])
        #expect(similar.status == 0, "\(similar.standardError)")
        let results =
            (try JSONSerialization.jsonObject(with: Data(similar.standardOutput.utf8)) as? [String: Any])?["results"] as? [[String: Any]]
        #expect(Set(results?.compactMap { $0["id"] as? String } ?? []) == ["a1", "a2", "a3"])

        let recommend = try backline([
            "recommend", "--model", model, "--train", directory.file("train.tsv"), "--member", "m9", "--top", "1",
        ])
        #expect(recommend.status == 0, "\(recommend.standardError)")
        #expect(recommend.standardOutput.contains("1\ta5\t"), "\(recommend.standardOutput)")
    }

    @Test func taggedModelNeedsItsTagFile() throws {
        let model = try trainModel(tags: true)
        let without = try backline(["similar", "--model", model, "--artist", "a0"])
        #expect(without.status == 64 && without.standardError.contains("--tags"))
        let with = try backline(["similar", "--model", model, "--artist", "a0", "--tags", directory.file("tags.dat"), "--top", "2"])
        #expect(with.status == 0, "\(with.standardError)")
    }

    @Test func badInputsGiveClearErrors() throws {
        let model = try trainModel()
        let unknownArtist = try backline(["similar", "--model", model, "--artist", "nobody", "--json"])
        #expect(unknownArtist.status == 1 && unknownArtist.standardError.contains("unknown artist 'nobody'"))
        #expect(unknownArtist.standardOutput.contains("\"code\":\"unknown_identifier\""))
        let unknownMember = try backline(["recommend", "--model", model, "--train", directory.file("train.tsv"), "--member", "zz"])
        #expect(unknownMember.status == 1 && unknownMember.standardError.contains("unknown member 'zz'"))
        let zeroTop = try backline(["similar", "--model", model, "--artist", "a0", "--top", "0"])
        #expect(zeroTop.status == 64 && zeroTop.standardError.contains("--top"))
        let zeroK = try backline([
            "evaluate", "--model", model, "--train", directory.file("train.tsv"), "--test", directory.file("test.tsv"), "--k", "-1",
        ])
        #expect(zeroK.status == 64)
        let missing = try backline(["similar", "--model", directory.file("absent.safetensors"), "--artist", "a0"])
        #expect(missing.status == 1 && missing.standardError.contains("absent.safetensors"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try bytes.prefix(40).write(to: URL(fileURLWithPath: directory.file("truncated.safetensors")))
        let truncated = try backline(["similar", "--model", directory.file("truncated.safetensors"), "--artist", "a0"])
        #expect(truncated.status == 1 && truncated.standardError.contains("model error"))
        try "user\tartist\tweight\nm1\ta1\tlots\n".write(toFile: directory.file("bad.tsv"), atomically: true, encoding: .utf8)
        let badTable = try backline(["train", "--train", directory.file("bad.tsv"), "--out", directory.file("x.safetensors")])
        #expect(badTable.status == 1 && badTable.standardError.contains("bad.tsv"))
    }

    @Test(arguments: ["train", "evaluate", "similar", "recommend"])
    func everyCommandHasHelp(command: String) throws {
        let help = try backline([command, "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("USAGE: backline \(command)") && help.standardOutput.contains("--json"))
    }
}
