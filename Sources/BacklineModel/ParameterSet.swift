/// Named Float32 tensors with shapes: the model's global parameters (artist factors and side
/// feature embeddings) and, with the same names and shapes, gradients and federated updates.
///
/// Names are kept in insertion order; every arithmetic operation requires both operands to have
/// the same names and shapes (``isCompatible(with:)``).
public struct ParameterSet: Sendable, Equatable {
    /// Tensor names in order.
    public private(set) var names: [String] = []
    private var tensors: [String: Tensor] = [:]

    /// An empty set.
    public init() {}

    /// A set holding `entries` in order; throws `invalidShape` on a repeated or empty name.
    public init(_ entries: [(String, Tensor)]) throws {
        for (name, tensor) in entries { try insert(name, tensor) }
    }

    /// Adds `tensor` under `name`; throws `invalidShape` if the name is empty or taken.
    public mutating func insert(_ name: String, _ tensor: Tensor) throws {
        guard !name.isEmpty, name != "__metadata__" else { throw ModelError.invalidShape("tensor name '\(name)' is not allowed") }
        guard tensors[name] == nil else { throw ModelError.invalidShape("tensor '\(name)' appears twice") }
        names.append(name)
        tensors[name] = tensor
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// The tensor called `name` with exactly `shape`, or a clear error.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else { throw ModelError.invalidShape("tensor '\(name)' is missing") }
        guard tensor.shape == shape else {
            throw ModelError.invalidShape("tensor '\(name)' has shape \(tensor.shape), expected \(shape)")
        }
        return tensor
    }

    /// Replaces the values of an existing tensor (same count).
    public mutating func setValues(_ name: String, _ values: [Float]) throws {
        guard let old = tensors[name], old.count == values.count else {
            throw ModelError.invalidShape("tensor '\(name)' missing or of a different size")
        }
        tensors[name] = Tensor(unchecked: old.shape, values: values)
    }

    /// Total number of scalars.
    public var scalarCount: Int { names.reduce(0) { $0 + tensors[$1]!.count } }

    /// Whether `other` has the same names, in the same order, with the same shapes.
    public func isCompatible(with other: ParameterSet) -> Bool {
        names == other.names && names.allSatisfy { tensors[$0]!.shape == other.tensors[$0]!.shape }
    }

    /// Same names with zeros.
    public func zeros() -> ParameterSet {
        var copy = self
        for name in names { copy.tensors[name] = .zeros(tensors[name]!.shape) }
        return copy
    }

    /// `self + other`, elementwise; throws `invalidShape` when incompatible.
    public func adding(_ other: ParameterSet) throws -> ParameterSet {
        try combined(with: other) { $0 + $1 }
    }

    /// `self + scale · other`, elementwise; throws `invalidShape` when incompatible.
    public func adding(_ other: ParameterSet, scaledBy scale: Float) throws -> ParameterSet {
        try combined(with: other) { $0 + scale * $1 }
    }

    /// `factor · self`.
    public func scaled(by factor: Float) -> ParameterSet {
        var copy = self
        for name in names { copy.tensors[name]!.values = tensors[name]!.values.map { $0 * factor } }
        return copy
    }

    /// The L2 norm over all scalars, accumulated in Double (+inf if it overflows).
    public var l2Norm: Double {
        var sum = 0.0
        for name in names { for value in tensors[name]!.values { sum += Double(value) * Double(value) } }
        return sum.squareRoot()
    }

    /// Whether every scalar is finite.
    public var isFinite: Bool { names.allSatisfy { tensors[$0]!.isFinite } }

    /// Throws `nonFinite` naming the first tensor holding a NaN or infinity.
    public func requireFinite() throws {
        for name in names where !tensors[name]!.isFinite { throw ModelError.nonFinite("tensor '\(name)'") }
    }

    /// All scalars concatenated in name order.
    public func flattened() -> [Float] {
        // One tensor (an update's usual layout): its array is the answer, shared, not copied.
        if names.count == 1 { return tensors[names[0]]!.values }
        var result: [Float] = []
        result.reserveCapacity(scalarCount)
        for name in names { result.append(contentsOf: tensors[name]!.values) }
        return result
    }

    /// A set with this one's names and shapes holding `flat` (from ``flattened()``).
    public func unflattened(_ flat: [Float]) throws -> ParameterSet {
        guard flat.count == scalarCount else {
            throw ModelError.invalidShape("flat vector has \(flat.count) values, expected \(scalarCount)")
        }
        var copy = self
        if names.count == 1 {
            copy.tensors[names[0]]!.values = flat
            return copy
        }
        var offset = 0
        for name in names {
            let count = tensors[name]!.count
            copy.tensors[name]!.values = Array(flat[offset..<offset + count])
            offset += count
        }
        return copy
    }

    private func combined(with other: ParameterSet, _ operation: (Float, Float) -> Float) throws -> ParameterSet {
        guard isCompatible(with: other) else {
            throw ModelError.invalidShape("parameter sets differ in names or shapes (\(names) vs \(other.names))")
        }
        var copy = self
        for name in names {
            let left = tensors[name]!.values
            let right = other.tensors[name]!.values
            copy.tensors[name]!.values = (0..<left.count).map { operation(left[$0], right[$0]) }
        }
        return copy
    }
}
