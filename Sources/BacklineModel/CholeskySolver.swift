/// Dense symmetric positive-definite solves by Cholesky factorisation, in Double for stability
/// (used for the k × k systems of exact member fold-in and the small Woodbury systems).
struct CholeskySolver {
    let size: Int
    /// Lower-triangular factor, row-major (upper part unused).
    private(set) var lower: [Double]

    /// Factors the row-major `size` × `size` matrix `matrix`; returns nil unless positive definite.
    init?(matrix: [Double], size: Int) {
        self.size = size
        var l = matrix
        let ok = l.withUnsafeMutableBufferPointer { Self.factor($0.baseAddress!, size) }
        guard ok else { return nil }
        lower = l
    }

    /// Solves A x = b in place.
    func solve(_ b: inout [Double]) {
        lower.withUnsafeBufferPointer { l in b.withUnsafeMutableBufferPointer { Self.solve(l.baseAddress!, size, $0.baseAddress!) } }
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

    /// In-place factorisation of the lower triangle of `a` (n × n, row-major); false unless positive definite.
    @inline(__always)
    static func factor(_ a: UnsafeMutablePointer<Double>, _ n: Int) -> Bool {
        for j in 0..<n {
            var diagonal = a[j * n + j]
            for p in 0..<j { diagonal -= a[j * n + p] * a[j * n + p] }
            guard diagonal > 0, diagonal.isFinite else { return false }
            let root = diagonal.squareRoot()
            a[j * n + j] = root
            var i = j + 1
            while i < n {
                var value = a[i * n + j]
                for p in 0..<j { value -= a[i * n + p] * a[j * n + p] }
                a[i * n + j] = value / root
                i += 1
            }
        }
        return true
    }

    /// Solves L Lᵀ x = b in place, L from ``factor(_:_:)``.
    @inline(__always)
    static func solve(_ l: UnsafePointer<Double>, _ n: Int, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var value = b[i]
            for p in 0..<i { value -= l[i * n + p] * b[p] }
            b[i] = value / l[i * n + i]
        }
        var i = n - 1
        while i >= 0 {
            var value = b[i]
            var p = i + 1
            while p < n {
                value -= l[p * n + i] * b[p]
                p += 1
            }
            b[i] = value / l[i * n + i]
            i -= 1
        }
    }
}
