/// A dense Float32 tensor: a shape and its values in row-major (C) order.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first; the product equals `values.count`.
    public let shape: [Int]
    /// The values, row-major.
    public internal(set) var values: [Float]

    /// A tensor; throws `invalidShape` unless the shape's product is `values.count`.
    public init(shape: [Int], values: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ModelError.invalidShape("negative dimension in shape \(shape)") }
        let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        guard !overflow, count == values.count else {
            throw ModelError.invalidShape("shape \(shape) does not hold \(values.count) values")
        }
        self.shape = shape
        self.values = values
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor {
        Tensor(unchecked: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    init(unchecked shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }

    /// Number of values.
    public var count: Int { values.count }

    /// Whether every value is finite.
    public var isFinite: Bool { values.allSatisfy(\.isFinite) }
}
