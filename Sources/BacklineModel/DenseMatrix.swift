public import BacklineCore

/// A row-major Float32 matrix in one contiguous buffer: factor and embedding tables.
public struct DenseMatrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns (the factor count).
    public let columns: Int
    /// `rows × columns` values, row-major.
    public internal(set) var storage: [Float]

    /// A matrix of zeros.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        storage = [Float](repeating: 0, count: rows * columns)
    }

    /// A matrix over `storage`; throws `invalidShape` on a size mismatch.
    public init(rows: Int, columns: Int, storage: [Float]) throws {
        guard rows >= 0, columns >= 0, storage.count == rows * columns else {
            throw ModelError.invalidShape("\(storage.count) values do not fill \(rows) x \(columns)")
        }
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix of independent normal draws with standard deviation `scale`, from `generator`.
    public static func random(rows: Int, columns: Int, scale: Float, generator: inout SeededGenerator) -> DenseMatrix {
        var matrix = DenseMatrix(rows: rows, columns: columns)
        for index in 0..<matrix.storage.count { matrix.storage[index] = Float(generator.nextGaussian()) * scale }
        return matrix
    }

    /// Row `row` as an array.
    public func row(_ row: Int) -> [Float] { Array(storage[row * columns..<(row + 1) * columns]) }

    /// As a tensor of shape `[rows, columns]`.
    public var tensor: Tensor { Tensor(unchecked: [rows, columns], values: storage) }

    /// A matrix from a rank-2 tensor.
    public init(_ tensor: Tensor) throws {
        guard tensor.shape.count == 2 else { throw ModelError.invalidShape("expected a rank-2 tensor, got shape \(tensor.shape)") }
        try self.init(rows: tensor.shape[0], columns: tensor.shape[1], storage: tensor.values)
    }
}
