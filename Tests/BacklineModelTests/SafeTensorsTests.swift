import BacklineCore
import BacklineModel
import BacklineTestSupport
import Foundation
import Testing

@Suite struct SafeTensorsTests {
    func sample() throws -> ParameterSet {
        try ParameterSet([
            ("artist_factors", Tensor(shape: [3, 2], values: [1.5, -2.25, 0x1.fffffep127, 1e-38, -0.0, 3.14159])),
            ("empty", Tensor(shape: [0, 2], values: [])),
            ("bias", Tensor(shape: [4], values: [0.1, 0.2, 0.3, .leastNonzeroMagnitude])),
        ])
    }

    @Test func roundTripKeepsEveryBitAndTheMetadata() throws {
        let bytes = try SafeTensors.encode(sample(), metadata: ["format": "x", "quote\"key": "tab\tvalue"])
        let (decoded, metadata) = try SafeTensors.decode(bytes)
        #expect(Set(decoded.names) == Set(try sample().names))
        for name in try sample().names {
            #expect(decoded[name]!.shape == (try sample())[name]!.shape)
            #expect(decoded[name]!.values.map(\.bitPattern) == (try sample())[name]!.values.map(\.bitPattern))
        }
        #expect(metadata == ["format": "x", "quote\"key": "tab\tvalue"])
        // Header length is a multiple of 8 and little-endian.
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
    }

    @Test func truncatedFilesAreRefused() throws {
        let bytes = try SafeTensors.encode(sample())
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(Array(bytes[0..<5])) }
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(Array(bytes[0..<20])) }
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(Array(bytes.dropLast(4))) }
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(bytes + [0, 0, 0, 0]) }
    }

    @Test func headerLengthBeyondTheFileIsRefused() throws {
        var bytes = try SafeTensors.encode(sample())
        bytes[0] = 0xFF
        bytes[1] = 0xFF
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(bytes) }
        bytes[7] = 0x80
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(bytes) }
    }

    func file(header: String, data: [UInt8]) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    }

    @Test func wrongShapesDtypesAndOffsetsAreRefused() {
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try SafeTensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: eight))
        }
        #expect(throws: ModelError(code: .malformed, reason: "")) {
            try SafeTensors.decode(file(header: #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: eight))
        }
        #expect(throws: ModelError(code: .malformed, reason: "")) {
            try SafeTensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: eight))
        }
        #expect(throws: ModelError(code: .malformed, reason: "")) { try SafeTensors.decode(file(header: "{not json", data: [])) }
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try SafeTensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}"#, data: eight))
        }
    }

    @Test func nanInParametersIsRefusedOnReadAndWrite() throws {
        let nanBits = withUnsafeBytes(of: Float.nan.bitPattern.littleEndian, Array.init)
        #expect(throws: ModelError(code: .nonFinite, reason: "")) {
            try SafeTensors.decode(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0] + nanBits))
        }
        var set = try sample()
        try set.setValues("bias", [0, .infinity, 0, 0])
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try SafeTensors.encode(set) }
    }

    @Test func archiveChecksShapesAgainstIdentifiers() throws {
        let interactions = try ModelFixtures.twoGroups()
        let model = try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 2))
            .train(interactions: interactions, features: .none(memberCount: 12, artistCount: 8)).model
        let artists = try IdentifierIndex((0..<8).map { "a\($0)" })
        let archive = try ModelArchive(
            model: model,
            artists: artists,
            artistFeatureVocabulary: IdentifierIndex(),
            memberFeatureVocabulary: IdentifierIndex()
        )
        let decoded = try ModelArchive(bytes: archive.encode())
        #expect(decoded.artists == artists && decoded.parameters == model.parameters && decoded.weighting == model.weighting)
        #expect(try decoded.model(artistFeatures: .empty(rowCount: 8, columnCount: 0)) == model)
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try ModelArchive(
                model: model,
                artists: IdentifierIndex(["x"]),
                artistFeatureVocabulary: IdentifierIndex(),
                memberFeatureVocabulary: IdentifierIndex()
            )
        }
        // A file whose artist list disagrees with the tensor.
        var metadata = [
            "format": ModelArchive.format, "factors": "4", "regularization": "0.5", "weighting": "log:2:1",
            "artist_ids": "a,b", "artist_feature_ids": "", "member_feature_ids": "",
        ]
        #expect(throws: ModelError(code: .invalidShape, reason: "")) {
            try ModelArchive(bytes: SafeTensors.encode(model.parameters, metadata: metadata))
        }
        metadata["format"] = "other"
        #expect(throws: ModelError(code: .malformed, reason: "")) {
            try ModelArchive(bytes: SafeTensors.encode(model.parameters, metadata: metadata))
        }
    }

    /// Python's `safetensors.numpy.load_file` reads our file and every value matches bit for bit.
    @Test(.timeLimit(.minutes(5)))
    func pythonSafetensorsReadsEveryNumber() throws {
        let python = try PythonVenv.safetensors()
        let directory = try TemporaryDirectory(prefix: "backline-model-st")
        let interactions = try ModelFixtures.random(members: 30, artists: 20, density: 0.2, seed: 21)
        let features = SideFeatures(
            members: try ModelFixtures.features(rows: 30, features: 3, seed: 22),
            artists: try ModelFixtures.features(rows: 20, features: 4, seed: 23)
        )
        let parameters = try ALSTrainer(configuration: ModelFixtures.configuration(iterations: 3))
            .train(interactions: interactions, features: features).model.parameters
        try SafeTensors.write(parameters, metadata: ["format": "test", "note": "ümlaut"], to: directory.file("model.safetensors"))
        var expected: [String: Any] = [:]
        for name in parameters.names {
            expected[name] = ["shape": parameters[name]!.shape, "bits": parameters[name]!.values.map { Int($0.bitPattern) }]
        }
        try JSONSerialization.data(withJSONObject: expected).write(to: URL(fileURLWithPath: directory.file("expected.json")))
        let script = """
            import json, sys
            import numpy as np
            from safetensors import safe_open
            from safetensors.numpy import load_file
            tensors = load_file(sys.argv[1])
            expected = json.load(open(sys.argv[2]))
            if set(tensors) != set(expected): sys.exit("names differ: %s vs %s" % (sorted(tensors), sorted(expected)))
            for name, want in expected.items():
                got = tensors[name]
                if got.dtype != np.float32 or list(got.shape) != want["shape"]: sys.exit("%s: dtype/shape %s %s" % (name, got.dtype, got.shape))
                bits = got.reshape(-1).view(np.uint32).tolist()
                if bits != want["bits"]: sys.exit("%s: values differ" % name)
            with safe_open(sys.argv[1], framework="np") as f:
                if f.metadata() != {"format": "test", "note": "ümlaut"}: sys.exit("metadata differs: %r" % f.metadata())
            print("ok", sum(t.size for t in tensors.values()))
            """
        try script.write(toFile: directory.file("check.py"), atomically: true, encoding: .utf8)
        let (status, output) = try PythonVenv.run(
            python,
            [directory.file("check.py"), directory.file("model.safetensors"), directory.file("expected.json")]
        )
        #expect(status == 0, "python said: \(output)")
        #expect(output.hasPrefix("ok \(parameters.scalarCount)"), "python said: \(output)")
    }
}
