internal import BacklineCore

/// One side's least-squares problem with the other side held fixed: for every row r (a member,
/// or an artist) with representation x_r = own_r + Σ_f F_rf·E_f, the data loss is
/// `x_rᵀ A_r x_r − 2 b_rᵀ x_r + const` with `A_r = YᵀY + Σ_{i∈I_r} c'_ri y_i y_iᵀ` and
/// `b_r = Σ_{i∈I_r} (1 + c'_ri) y_i`, where Y holds the other side's representations and c' the
/// extra confidences. Own factors carry `λ‖own‖²`, embeddings `λ_f‖E‖²`.
struct SideSystem: @unchecked Sendable {
    // @unchecked: immutable after init; the arrays are only read, concurrently.
    let factors: Int
    /// Rows = this side, columns = the other side, values c' ≥ 0.
    let confidence: SparseMatrix
    /// The other side's representations.
    let other: DenseMatrix
    /// YᵀY, k × k, without λ.
    let gram: [Float]
    /// λ on own factors.
    let lambda: Float
    /// Rows = this side, columns = features.
    let features: SparseMatrix
    /// Feature embeddings, features × k.
    let embeddings: DenseMatrix
    let threads: Int

    init(confidence: SparseMatrix, other: DenseMatrix, lambda: Float, features: SparseMatrix, embeddings: DenseMatrix, threads: Int) {
        factors = other.columns
        self.confidence = confidence
        self.other = other
        self.lambda = lambda
        self.features = features
        self.embeddings = embeddings
        self.threads = threads
        gram = Self.gram(of: other, threads: threads)
    }

    /// YᵀY summed per chunk, then over chunks in order.
    static func gram(of matrix: DenseMatrix, threads: Int) -> [Float] {
        let k = matrix.columns
        let chunks = max(1, min(threads, matrix.rows))
        var partial = [Float](repeating: 0, count: chunks * k * k)
        matrix.storage.withUnsafeBufferPointer { rows in
            partial.withUnsafeMutableBufferPointer { out in
                let target = SharedMutablePointer(base: out.baseAddress!)
                ParallelLoop.run(count: matrix.rows, threads: chunks) { chunk, range in
                    guard !range.isEmpty else { return }
                    VectorKernels.accumulateGram(
                        rows.baseAddress! + range.lowerBound * k,
                        rowCount: range.count,
                        size: k,
                        into: target.base + chunk * k * k
                    )
                }
            }
        }
        var result = Array(partial[0..<(k * k)])
        for chunk in 1..<chunks { for index in 0..<(k * k) { result[index] += partial[chunk * k * k + index] } }
        result.withUnsafeMutableBufferPointer { VectorKernels.mirrorUpper($0.baseAddress!, size: k) }
        return result
    }

    // MARK: per-row building blocks (pointers are to the arrays of this value)

    /// s = Σ_f F_rf E_f.
    @inline(__always)
    func featureSum(_ row: Int, _ embeddings: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: factors)
        for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
            VectorKernels.axpy(features.values[index], embeddings + Int(features.columns[index]) * factors, out, factors)
        }
    }

    /// out = A_r v (+ λ v when `withLambda`).
    @inline(__always)
    func applyA(
        _ row: Int,
        _ y: UnsafePointer<Float>,
        _ gram: UnsafePointer<Float>,
        _ v: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>,
        withLambda: Bool
    ) {
        let k = factors
        VectorKernels.matrixVector(gram, v, out, k)
        if withLambda { VectorKernels.axpy(lambda, v, out, k) }
        for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
            let extra = confidence.values[index]
            guard extra != 0 else { continue }
            let yi = y + Int(confidence.columns[index]) * k
            VectorKernels.axpy(extra * VectorKernels.dot(yi, v, k), yi, out, k)
        }
    }

    /// out = b_r = Σ (1 + c') y_i.
    @inline(__always)
    func rightHandSide(_ row: Int, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        out.update(repeating: 0, count: factors)
        for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
            VectorKernels.axpy(1 + confidence.values[index], y + Int(confidence.columns[index]) * factors, out, factors)
        }
    }

    /// Representations `own + F E`.
    func representations(own: DenseMatrix) -> DenseMatrix {
        guard features.entryCount > 0 else { return own }
        var result = own
        let k = factors
        result.storage.withUnsafeMutableBufferPointer { out in
            embeddings.storage.withUnsafeBufferPointer { e in
                for row in 0..<features.rowCount {
                    for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
                        VectorKernels.axpy(
                            features.values[index],
                            e.baseAddress! + Int(features.columns[index]) * k,
                            out.baseAddress! + row * k,
                            k
                        )
                    }
                }
            }
        }
        return result
    }

    /// Σ_r [x_rᵀ A_r x_r − 2 b_rᵀ x_r + Σ_i (1 + c'_ri)]: the data loss over all pairs, in Double.
    func dataLoss(representations x: DenseMatrix) -> Double {
        let k = factors
        let chunks = max(1, min(threads, x.rows))
        var partial = [Double](repeating: 0, count: chunks)
        other.storage.withUnsafeBufferPointer { y in
            gram.withUnsafeBufferPointer { g in
                x.storage.withUnsafeBufferPointer { xs in
                    partial.withUnsafeMutableBufferPointer { sums in
                        let target = SharedMutablePointer(base: sums.baseAddress!)
                        ParallelLoop.run(count: x.rows, threads: chunks) { chunk, range in
                            var scratch = [Float](repeating: 0, count: k)
                            var total = 0.0
                            scratch.withUnsafeMutableBufferPointer { ax in
                                for row in range {
                                    let xr = xs.baseAddress! + row * k
                                    applyA(row, y.baseAddress!, g.baseAddress!, xr, ax.baseAddress!, withLambda: false)
                                    total += Double(VectorKernels.dot(xr, ax.baseAddress!, k))
                                    for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
                                        let weight = Double(1 + confidence.values[index])
                                        let score = Double(VectorKernels.dot(xr, y.baseAddress! + Int(confidence.columns[index]) * k, k))
                                        total += weight - 2 * weight * score
                                    }
                                }
                            }
                            target.base[chunk] = total
                        }
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }
}
