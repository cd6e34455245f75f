internal import BacklineCore

extension SideSystem {
    /// Solves every row's own factor exactly by a dense Cholesky factorisation of A_r + λI.
    func solveExactly(_ own: inout DenseMatrix) {
        let k = factors
        own.storage.withUnsafeMutableBufferPointer { ownBuffer in
            let target = SharedMutablePointer(base: ownBuffer.baseAddress!)
            other.storage.withUnsafeBufferPointer { yBuffer in
                embeddings.storage.withUnsafeBufferPointer { eBuffer in
                    ParallelLoop.runBalanced(count: confidence.rowCount, threads: threads) { range in
                        var s = [Float](repeating: 0, count: 2 * k)
                        s.withUnsafeMutableBufferPointer { scratch in
                            let sum = scratch.baseAddress!
                            let b = sum + k
                            for row in range {
                                var matrix = gram.map(Double.init)
                                for i in 0..<k { matrix[i * k + i] += Double(lambda) }
                                for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
                                    let extra = Double(confidence.values[index])
                                    let yi = yBuffer.baseAddress! + Int(confidence.columns[index]) * k
                                    for i in 0..<k {
                                        let scaled = extra * Double(yi[i])
                                        for j in 0..<k { matrix[i * k + j] += scaled * Double(yi[j]) }
                                    }
                                }
                                featureSum(row, eBuffer.baseAddress!, sum)
                                rightHandSide(row, yBuffer.baseAddress!, b)
                                var rhs = (0..<k).map { Double(b[$0]) + Double(lambda) * Double(sum[$0]) }
                                guard let cholesky = CholeskySolver(matrix: matrix, size: k) else { continue }
                                cholesky.solve(&rhs)
                                for i in 0..<k { target.base[row * k + i] = Float(rhs[i]) - sum[i] }
                            }
                        }
                    }
                }
            }
        }
    }
}
