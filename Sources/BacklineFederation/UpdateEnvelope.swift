internal import BacklineCore
public import BacklineModel
public import BacklinePrivacy

/// The body of `POST /v1/rounds/{r}/updates`: one safetensors file holding the update tensors
/// (same names and shapes as the global model) and, in its `__metadata__`, the authenticated
/// metadata `round`, `node`, `sample_count`, `clip_norm` and `noise_multiplier` (decimal text),
/// and optionally `model_sha256`: the hex SHA-256 of the global model the update was computed
/// against (an update for another model version is refused as `stale_model`).
/// The round and node inside the bytes are checked against the URL and the client certificate,
/// so a captured update cannot be replayed into another round or claimed by another node.
public struct UpdateEnvelope: Sendable {
    /// The round the node made it for.
    public let round: Int64
    /// The node (promoter name) that made it.
    public let node: String
    /// Members behind it (noised: may be fractional).
    public let sampleCount: Double
    /// Clipping norm the node applied.
    public let clipNorm: Double
    /// Noise multiplier the node applied.
    public let noiseMultiplier: Double
    /// The tensors.
    public let parameters: ParameterSet
    /// Hex SHA-256 of the model the update was computed against, if the node sent it.
    public let modelSHA256: String?

    /// Metadata keys every update carries.
    public static let metadataKeys = ["round", "node", "sample_count", "clip_norm", "noise_multiplier"]

    /// An envelope from its parts.
    public init(
        round: Int64,
        node: String,
        sampleCount: Double,
        clipNorm: Double,
        noiseMultiplier: Double,
        parameters: ParameterSet,
        modelSHA256: String? = nil
    ) {
        self.modelSHA256 = modelSHA256
        self.round = round
        self.node = node
        self.sampleCount = sampleCount
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.parameters = parameters
    }

    /// The safetensors bytes a node posts.
    public func encoded() throws -> [UInt8] {
        var metadata = [
            "round": String(round), "node": node, "sample_count": String(sampleCount), "clip_norm": String(clipNorm),
            "noise_multiplier": String(noiseMultiplier),
        ]
        metadata["model_sha256"] = modelSHA256
        return try SafeTensors.encode(parameters, metadata: metadata)
    }

    /// Decodes a posted body.
    /// - Throws: ``UpdateDecodingFailure`` with a stable code (`malformed_update`, `non_finite`, `invalid_metadata`).
    public init(decoding bytes: [UInt8]) throws {
        let decoded: (parameters: ParameterSet, metadata: [String: String])
        do { decoded = try SafeTensors.decode(bytes) } catch let error as ModelError {
            if error.code == .nonFinite { throw UpdateDecodingFailure(code: "non_finite", message: "update holds NaN or infinite values") }
            throw UpdateDecodingFailure(
                code: "malformed_update",
                message: "update is not a valid F32 safetensors file: \(error.reason.prefix(200))"
            )
        } catch {
            throw UpdateDecodingFailure(code: "malformed_update", message: "update is not a valid safetensors file")
        }
        let metadata = decoded.metadata
        func field(_ key: String) throws -> String {
            guard let value = metadata[key], !value.isEmpty, value.utf8.count <= 64 else {
                throw UpdateDecodingFailure(code: "invalid_metadata", message: "metadata field '\(key)' is missing or longer than 64 bytes")
            }
            return value
        }
        func number(_ key: String) throws -> Double {
            let text = try field(key)
            guard let value = Double(text), value.isFinite else {
                throw UpdateDecodingFailure(code: "invalid_metadata", message: "metadata field '\(key)' is not a finite number")
            }
            return value
        }
        guard let round = Int64(try field("round")), round > 0 else {
            throw UpdateDecodingFailure(code: "invalid_metadata", message: "metadata field 'round' is not a positive integer")
        }
        let model = metadata["model_sha256"]
        if let model, !(model.utf8.count == 64 && model.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })) {
            throw UpdateDecodingFailure(code: "invalid_metadata", message: "metadata field 'model_sha256' must be 64 lowercase hex digits")
        }
        self.init(
            round: round,
            node: try field("node"),
            sampleCount: try number("sample_count"),
            clipNorm: try number("clip_norm"),
            noiseMultiplier: try number("noise_multiplier"),
            parameters: decoded.parameters,
            modelSHA256: model
        )
    }

    /// The update as the privacy module's validator sees it.
    /// - Throws: the privacy module's `shape` error for an empty or oversized layout.
    public func modelUpdate() throws -> ModelUpdate {
        ModelUpdate(
            node: node,
            round: UInt64(round),
            shape: try TensorLayout.shape(of: parameters),
            values: parameters.flattened(),
            sampleCount: sampleCount,
            privacy: MechanismParameters(noiseMultiplier: noiseMultiplier, sensitivity: clipNorm)
        )
    }
}
