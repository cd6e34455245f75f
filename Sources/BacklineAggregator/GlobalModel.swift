import BacklineCrypto
import BacklineFederation
public import BacklineModel
public import BacklinePrivacy

/// A global model version as served: its safetensors bytes, SHA-256 checksum, layout and values.
/// Version 0 is the configured initial model (never stored); published versions start at 1.
public struct GlobalModel: Sendable {
    /// The version (0 = initial model).
    public let version: Int64
    /// The safetensors file bytes.
    public let bytes: [UInt8]
    /// SHA-256 of ``bytes``.
    public let checksum: [UInt8]
    /// The tensors (names, shapes and values).
    public let parameters: ParameterSet
    /// The flat layout updates must have.
    public let shape: ParameterShape

    /// A model decoded from its safetensors `bytes`; `what` names it in errors.
    /// - Throws: ``AggregatorError`` `malformed_tensor`.
    public init(version: Int64, bytes: [UInt8], what: String) throws {
        let decoded: ParameterSet
        do { decoded = try SafeTensors.decode(bytes).parameters } catch {
            throw AggregatorError.malformedTensor(what, "not a valid safetensors model: \(error)")
        }
        guard decoded.scalarCount > 0 else { throw AggregatorError.malformedTensor(what, "holds no parameters") }
        self.version = version
        self.bytes = bytes
        self.checksum = SHA256.hash(bytes)
        self.parameters = decoded
        self.shape = try TensorLayout.shape(of: decoded)
    }

    /// The model with `values` (in ``shape`` order) as version `version`.
    func replacing(values: [Float], version: Int64, round: Int64, strategy: String) throws -> GlobalModel {
        let next = try parameters.unflattened(values)
        let bytes = try SafeTensors.encode(
            next,
            metadata: ["version": String(version), "round": String(round), "strategy": strategy, "format": "backline-model"]
        )
        return try GlobalModel(version: version, bytes: bytes, what: "model version \(version)")
    }
}
