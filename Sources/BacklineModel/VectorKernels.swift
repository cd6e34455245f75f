/// The dense inner loops, on raw Float32 pointers: explicit SIMD8 accumulators for reductions
/// (the compiler may not reorder float sums) and plain loops it vectorises for updates.
enum VectorKernels {
    /// Σ a[i]·b[i] over `count` values.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var index = 0
        let rawA = UnsafeRawPointer(a)
        let rawB = UnsafeRawPointer(b)
        while index + 16 <= count {
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            acc1 +=
                rawA.loadUnaligned(fromByteOffset: index * 4 + 32, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4 + 32, as: SIMD8<Float>.self)
            index += 16
        }
        if index + 8 <= count {
            acc0 +=
                rawA.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                * rawB.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        var sum = (acc0 + acc1).sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    /// y[i] += alpha · x[i].
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        for index in 0..<count { y[index] += alpha * x[index] }
    }

    /// y[i] = x[i] + beta · y[i].
    @inline(__always)
    static func xpby(_ x: UnsafePointer<Float>, _ beta: Float, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        for index in 0..<count { y[index] = x[index] + beta * y[index] }
    }

    /// out = M · x for a symmetric row-major `size` × `size` matrix, computed as Σ_j x_j·M[j, :]
    /// eight rows at a time, so the inner loop is a plain vectorisable update with no reduction
    /// and `out` is loaded and stored once per eight rows.
    @inline(__always)
    static func matrixVector(_ matrix: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ size: Int) {
        out.update(repeating: 0, count: size)
        var j = 0
        while j + 8 <= size {
            let a0 = x[j]
            let a1 = x[j + 1]
            let a2 = x[j + 2]
            let a3 = x[j + 3]
            let a4 = x[j + 4]
            let a5 = x[j + 5]
            let a6 = x[j + 6]
            let a7 = x[j + 7]
            let r0 = matrix + j * size
            let r1 = r0 + size
            let r2 = r1 + size
            let r3 = r2 + size
            let r4 = r3 + size
            let r5 = r4 + size
            let r6 = r5 + size
            let r7 = r6 + size
            for i in 0..<size {
                out[i] += (a0 * r0[i] + a1 * r1[i]) + (a2 * r2[i] + a3 * r3[i]) + (a4 * r4[i] + a5 * r5[i]) + (a6 * r6[i] + a7 * r7[i])
            }
            j += 8
        }
        while j < size {
            axpy(x[j], matrix + j * size, out, size)
            j += 1
        }
    }

    /// gram += Σ_r rows[r]ᵀ rows[r] for `rowCount` rows of width `size`: the upper triangle
    /// (j ≥ i) only, eight rows at a time; call ``mirrorUpper(_:size:)`` once at the end.
    static func accumulateGram(_ rows: UnsafePointer<Float>, rowCount: Int, size: Int, into gram: UnsafeMutablePointer<Float>) {
        var row = 0
        while row + 8 <= rowCount {
            let r0 = rows + row * size
            let r1 = r0 + size
            let r2 = r1 + size
            let r3 = r2 + size
            let r4 = r3 + size
            let r5 = r4 + size
            let r6 = r5 + size
            let r7 = r6 + size
            for i in 0..<size {
                let a0 = r0[i]
                let a1 = r1[i]
                let a2 = r2[i]
                let a3 = r3[i]
                let a4 = r4[i]
                let a5 = r5[i]
                let a6 = r6[i]
                let a7 = r7[i]
                let target = gram + i * size
                for j in i..<size {
                    target[j] +=
                        (a0 * r0[j] + a1 * r1[j]) + (a2 * r2[j] + a3 * r3[j]) + (a4 * r4[j] + a5 * r5[j]) + (a6 * r6[j] + a7 * r7[j])
                }
            }
            row += 8
        }
        while row < rowCount {
            let r0 = rows + row * size
            for i in 0..<size {
                let a0 = r0[i]
                let target = gram + i * size
                for j in i..<size { target[j] += a0 * r0[j] }
            }
            row += 1
        }
    }

    /// Copies the upper triangle of a square matrix onto its lower triangle.
    static func mirrorUpper(_ matrix: UnsafeMutablePointer<Float>, size: Int) {
        for i in 0..<size { for j in 0..<i { matrix[i * size + j] = matrix[j * size + i] } }
    }
}
