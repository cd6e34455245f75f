/// Dense symmetric positive-definite solves by Cholesky factorisation, in Double for stability
/// (used for the k × k systems of exact member fold-in and the small Woodbury systems).
struct CholeskySolver {
    let size: Int
    /// Lower-triangular factor, row-major.
    private(set) var lower: [Double]

    /// Factors the row-major `size` × `size` matrix `matrix`; returns nil unless positive definite.
    init?(matrix: [Double], size: Int) {
        self.size = size
        var l = matrix
        for j in 0..<size {
            var diagonal = l[j * size + j]
            for p in 0..<j { diagonal -= l[j * size + p] * l[j * size + p] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let root = diagonal.squareRoot()
            l[j * size + j] = root
            for i in (j + 1)..<max(j + 1, size) {
                var value = l[i * size + j]
                for p in 0..<j { value -= l[i * size + p] * l[j * size + p] }
                l[i * size + j] = value / root
            }
        }
        for i in 0..<size { for j in (i + 1)..<max(i + 1, size) { l[i * size + j] = 0 } }
        lower = l
    }

    /// Solves A x = b in place.
    func solve(_ b: inout [Double]) {
        for i in 0..<size {
            var value = b[i]
            for p in 0..<i { value -= lower[i * size + p] * b[p] }
            b[i] = value / lower[i * size + i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            var value = b[i]
            for p in (i + 1)..<max(i + 1, size) { value -= lower[p * size + i] * b[p] }
            b[i] = value / lower[i * size + i]
        }
    }

    /// A⁻¹ as a row-major Float matrix.
    func inverse() -> [Float] {
        var result = [Float](repeating: 0, count: size * size)
        var column = [Double](repeating: 0, count: size)
        for j in 0..<size {
            for i in 0..<size { column[i] = i == j ? 1 : 0 }
            solve(&column)
            for i in 0..<size { result[i * size + j] = Float(column[i]) }
        }
        return result
    }
}
