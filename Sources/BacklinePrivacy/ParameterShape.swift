/// The layout of a flat Float32 parameter vector: named tensors with their dimensions, laid end to
/// end in order. The model module's parameter set maps onto this; updates are checked against it.
public struct ParameterShape: Codable, Hashable, Sendable {
    /// One named tensor of the vector.
    public struct Tensor: Codable, Hashable, Sendable {
        /// The tensor's name, e.g. `"artist_factors"`.
        public let name: String
        /// Its dimensions, e.g. `[17632, 64]`.
        public let dimensions: [Int]
        /// A tensor named `name` with `dimensions`.
        public init(name: String, dimensions: [Int]) {
            self.name = name
            self.dimensions = dimensions
        }
    }

    /// Largest number of values a vector may have (2^31 − 1).
    public static let maximumCount = Int(Int32.max)

    /// The tensors, in storage order.
    public let tensors: [Tensor]
    /// Total number of Float32 values.
    public let count: Int

    /// A layout of `tensors`.
    /// - Throws: `invalid_parameter` for a negative dimension or a total above ``maximumCount``.
    public init(tensors: [Tensor]) throws {
        var total = 0
        for tensor in tensors {
            var size = 1
            for dimension in tensor.dimensions {
                guard dimension >= 0 else {
                    throw PrivacyError.invalidParameter(
                        "dimension of tensor '\(tensor.name)'",
                        dimension,
                        expected: "≥ 0"
                    )
                }
                let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= Self.maximumCount else {
                    throw PrivacyError.invalidParameter(
                        "size of tensor '\(tensor.name)'",
                        tensor.dimensions,
                        expected: "at most \(Self.maximumCount) values"
                    )
                }
                size = product
            }
            total += size
            guard total <= Self.maximumCount else {
                throw PrivacyError.invalidParameter("parameter count", total, expected: "at most \(Self.maximumCount)")
            }
        }
        self.tensors = tensors
        self.count = total
    }

    /// A single flat tensor named `name` with `count` values.
    public static func flat(_ count: Int, name: String = "parameters") throws -> Self {
        try ParameterShape(tensors: [Tensor(name: name, dimensions: [count])])
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(tensors: container.decode([Tensor].self, forKey: .tensors))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tensors, forKey: .tensors)
    }

    private enum CodingKeys: String, CodingKey { case tensors }
}
