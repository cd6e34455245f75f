public import BacklineModel
public import BacklinePrivacy

/// Maps the model module's named tensors onto the privacy module's flat layout.
public enum TensorLayout {
    /// The flat layout of `parameters`, tensors in their stored order.
    /// - Throws: the privacy module's `shape` error for an empty or oversized layout.
    public static func shape(of parameters: ParameterSet) throws -> ParameterShape {
        try ParameterShape(tensors: parameters.names.map { ParameterShape.Tensor(name: $0, dimensions: parameters[$0]?.shape ?? []) })
    }
}
