import BacklineCore
import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Testing

/// The update wire format over the bulk-copying codec: every bit and field survives, the flat
/// vector the validator sees is the tensors in order, and bad bodies keep their stable codes.
@Suite struct UpdateEnvelopeTests {
    private func values(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let special: [Float] = [-0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude.nextDown, .greatestFiniteMagnitude]
        return (0..<count).map { $0 < special.count ? special[$0] : Float.random(in: -1...1, using: &generator) }
    }

    private func envelope(_ parameters: ParameterSet) -> UpdateEnvelope {
        UpdateEnvelope(
            round: 7,
            node: "p1",
            sampleCount: 12.5,
            clipNorm: 1,
            noiseMultiplier: 1.1,
            parameters: parameters,
            modelSHA256: String(repeating: "0f", count: 32)
        )
    }

    @Test(arguments: [[("factors", [1003, 7])], [("factors", [17, 5]), ("bias", [4099]), ("side", [0, 3]), ("tail", [1])]])
    func everyBitAndFieldRoundTrips(shapes: [(String, [Int])]) throws {
        let parameters = try ParameterSet(
            shapes.enumerated().map { index, entry in
                (entry.0, try Tensor(shape: entry.1, values: values(entry.1.reduce(1, *), seed: UInt64(index))))
            }
        )
        let decoded = try UpdateEnvelope(decoding: envelope(parameters).encoded())
        #expect(decoded.round == 7 && decoded.node == "p1" && decoded.sampleCount == 12.5)
        #expect(decoded.clipNorm == 1 && decoded.noiseMultiplier == 1.1 && decoded.modelSHA256 == String(repeating: "0f", count: 32))
        for name in parameters.names {
            #expect(decoded.parameters[name]?.shape == parameters[name]!.shape)
            #expect(decoded.parameters[name]?.values.map(\.bitPattern) == parameters[name]!.values.map(\.bitPattern))
        }
        let flat = try decoded.modelUpdate().values
        let expected = parameters.names.flatMap { parameters[$0]!.values }
        #expect(flat.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func badBodiesKeepTheirStableCodes() throws {
        let parameters = try ParameterSet([("factors", Tensor(shape: [3, 3], values: values(9, seed: 1)))])
        let body = try envelope(parameters).encoded()
        func code(_ bytes: [UInt8]) -> String? {
            do {
                _ = try UpdateEnvelope(decoding: bytes)
                return nil
            } catch let failure as UpdateDecodingFailure {
                return failure.code
            } catch {
                return "other: \(error)"
            }
        }
        var withNaN = body
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { withNaN.replaceSubrange((body.count - 4)..<body.count, with: $0) }
        #expect(code(withNaN) == "non_finite")
        #expect(code(Array(body.dropLast(3))) == "malformed_update")
        #expect(code(Array(body.prefix(7))) == "malformed_update")
        let noRound = try SafeTensors.encode(
            parameters,
            metadata: ["node": "p1", "sample_count": "1", "clip_norm": "1", "noise_multiplier": "1"]
        )
        #expect(code(noRound) == "invalid_metadata")
        #expect(code(body) == nil)
    }
}
