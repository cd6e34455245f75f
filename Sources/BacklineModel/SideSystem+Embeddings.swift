internal import BacklineCore

extension SideSystem {
    /// Minimises the loss over this side's feature embeddings (own factors fixed) by `steps`
    /// warm-started conjugate-gradient steps on the whole table; the loss never increases.
    func solveEmbeddings(_ embeddings: inout DenseMatrix, own: DenseMatrix, featureLambda: Float, steps: Int) {
        guard features.entryCount > 0, steps > 0 else { return }
        let gradient = scatterPass(embeddings, own: own)
        var residual = gradient.storage
        for index in residual.indices { residual[index] = -(residual[index] + 2 * featureLambda * embeddings.storage[index]) }
        var direction = DenseMatrix(rows: embeddings.rows, columns: embeddings.columns)
        direction.storage = residual
        var residualNorm = Self.dot(residual, residual)
        for _ in 0..<steps {
            guard residualNorm > 1e-20 else { break }
            var product = scatterPass(direction, own: nil).storage
            for index in product.indices { product[index] += 2 * featureLambda * direction.storage[index] }
            let curvature = Self.dot(direction.storage, product)
            guard curvature > 0, curvature.isFinite else { break }
            let alpha = Float(residualNorm / curvature)
            for index in residual.indices {
                embeddings.storage[index] += alpha * direction.storage[index]
                residual[index] -= alpha * product[index]
            }
            let next = Self.dot(residual, residual)
            let beta = Float(next / residualNorm)
            for index in residual.indices { direction.storage[index] = residual[index] + beta * direction.storage[index] }
            residualNorm = next
        }
    }

    private static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var sum = 0.0
        for index in a.indices { sum += Double(a[index]) * Double(b[index]) }
        return sum
    }

    /// With `own`: ∇ = 2Fᵀ(A_r x_r − b_r) at x = own + F·input. Without: the Hessian product 2Fᵀ A_r (F·input).
    func scatterPass(_ input: DenseMatrix, own: DenseMatrix?) -> DenseMatrix {
        let k = factors
        let featureCount = input.rows
        let chunks = max(1, min(threads, features.rowCount))
        var partial = [Float](repeating: 0, count: chunks * featureCount * k)
        let zeroOwn = DenseMatrix(rows: 0, columns: k)
        let ownStorage = own ?? zeroOwn
        partial.withUnsafeMutableBufferPointer { out in
            let target = SharedMutablePointer(base: out.baseAddress!)
            input.storage.withUnsafeBufferPointer { d in
                ownStorage.storage.withUnsafeBufferPointer { o in
                    other.storage.withUnsafeBufferPointer { y in
                        gram.withUnsafeBufferPointer { g in
                            ParallelLoop.run(count: features.rowCount, threads: chunks) { chunk, range in
                                let accumulator = target.base + chunk * featureCount * k
                                var scratch = [Float](repeating: 0, count: 3 * k)
                                scratch.withUnsafeMutableBufferPointer { s in
                                    let v = s.baseAddress!
                                    let av = v + k
                                    let b = v + 2 * k
                                    for row in range where features.count(ofRow: row) > 0 {
                                        featureSum(row, d.baseAddress!, v)
                                        if own != nil { VectorKernels.axpy(1, o.baseAddress! + row * k, v, k) }
                                        applyA(row, y.baseAddress!, g.baseAddress!, v, av, withLambda: false)
                                        if own != nil {
                                            rightHandSide(row, y.baseAddress!, b)
                                            VectorKernels.axpy(-1, b, av, k)
                                        }
                                        for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
                                            VectorKernels.axpy(
                                                2 * features.values[index],
                                                av,
                                                accumulator + Int(features.columns[index]) * k,
                                                k
                                            )
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var result = DenseMatrix(rows: featureCount, columns: k)
        for chunk in 0..<chunks {
            for index in 0..<(featureCount * k) { result.storage[index] += partial[chunk * featureCount * k + index] }
        }
        return result
    }
}
