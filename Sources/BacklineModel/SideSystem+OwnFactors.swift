internal import BacklineCore

extension SideSystem {
    /// Rows with at most this many interactions are solved exactly by the Woodbury identity: the
    /// largest n whose exact solve (≈ n²k/2 + n³/6 + 3nk) costs no more than the
    /// `steps + 1` CG matrix applications it replaces (≈ k² + 2nk each), at least 4.
    func woodburyRowLimit(steps: Int) -> Int {
        let k = Double(factors)
        var n = 4
        while n < 4 * factors {
            let next = Double(n + 1)
            let exact = next * next * k / 2 + next * next * next / 6 + 3 * next * k
            let conjugate = Double(steps + 1) * (k * k + 2 * next * k)
            if exact > conjugate { break }
            n += 1
        }
        return n
    }

    /// Whether exact Woodbury solves of the small rows are cheaper than `steps` CG steps on them
    /// (the Woodbury path pays `rows(Y)·k²` once to precompute Y(YᵀY + λI)⁻¹).
    func prefersWoodbury(steps: Int) -> Bool {
        let k = Double(factors)
        var woodbury = Double(other.rows + embeddings.rows) * k * k
        var conjugate = 0.0
        let limit = woodburyRowLimit(steps: steps)
        for row in 0..<confidence.rowCount {
            let n = Double(confidence.count(ofRow: row))
            guard Int(n) <= limit else { continue }
            woodbury += n * n * k / 2 + n * n * n / 6 + 3 * n * k
            conjugate += Double(steps) * (k * k + 2 * n * k + 2 * k)
        }
        return woodbury < conjugate
    }

    /// Minimises each row's loss over its own factor (features fixed): warm-started conjugate
    /// gradient with `steps` steps, or an exact Woodbury solve for small rows when cheaper.
    /// Each CG step, and each exact solve, never increases the row's loss.
    func solveOwn(_ own: inout DenseMatrix, steps: Int) {
        let k = factors
        let woodbury = prefersWoodbury(steps: steps) ? WoodburyTables(system: self) : nil
        let limit = woodburyRowLimit(steps: steps)
        own.storage.withUnsafeMutableBufferPointer { ownBuffer in
            let target = SharedMutablePointer(base: ownBuffer.baseAddress!)
            other.storage.withUnsafeBufferPointer { yBuffer in
                gram.withUnsafeBufferPointer { gBuffer in
                    embeddings.storage.withUnsafeBufferPointer { eBuffer in
                        ParallelLoop.runBalanced(count: confidence.rowCount, threads: threads) { range in
                            var scratch = [Float](repeating: 0, count: 6 * k + Self.gatherLimit * (k + 1))
                            var workspace = WoodburyWorkspace(capacity: limit)
                            scratch.withUnsafeMutableBufferPointer { s in
                                let base = s.baseAddress!
                                for row in range {
                                    let ownRow = target.base + row * k
                                    if let woodbury, confidence.count(ofRow: row) <= limit,
                                        woodbury.solve(
                                            row: row,
                                            system: self,
                                            own: ownRow,
                                            embeddings: eBuffer.baseAddress!,
                                            scratch: base,
                                            workspace: &workspace
                                        )
                                    {
                                        continue
                                    }
                                    conjugateGradient(
                                        row: row,
                                        own: ownRow,
                                        y: yBuffer.baseAddress!,
                                        gram: gBuffer.baseAddress!,
                                        embeddings: eBuffer.baseAddress!,
                                        steps: steps,
                                        scratch: base
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows with at most this many interactions have their other-side vectors gathered into
    /// contiguous scratch before CG (each is read 2·(steps + 1) times).
    static let gatherLimit = 1024

    /// Warm-started CG on (A_r + λI) x = b_r + λ s_r with x = own + s; writes own = x − s.
    /// `scratch` holds 6k floats plus room for ``gatherLimit`` gathered rows and their weights.
    @inline(__always)
    private func conjugateGradient(
        row: Int,
        own: UnsafeMutablePointer<Float>,
        y: UnsafePointer<Float>,
        gram: UnsafePointer<Float>,
        embeddings: UnsafePointer<Float>,
        steps: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let k = factors
        let start = confidence.rowOffsets[row]
        let count = confidence.rowOffsets[row + 1] - start
        guard count <= Self.gatherLimit else {
            conjugateGradientScattered(row: row, own: own, y: y, gram: gram, embeddings: embeddings, steps: steps, scratch: scratch)
            return
        }
        let gathered = scratch + 6 * k
        let extras = gathered + Self.gatherLimit * k
        confidence.columns.withUnsafeBufferPointer { columns in
            confidence.values.withUnsafeBufferPointer { values in
                for t in 0..<count {
                    (gathered + t * k).update(from: y + Int(columns[start + t]) * k, count: k)
                    extras[t] = values[start + t]
                }
            }
        }
        let lambda = self.lambda
        @inline(__always) func apply(_ v: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
            VectorKernels.matrixVector(gram, v, out, k)
            VectorKernels.axpy(lambda, v, out, k)
            for t in 0..<count where extras[t] != 0 {
                let yt = gathered + t * k
                VectorKernels.axpy(extras[t] * VectorKernels.dot(yt, v, k), yt, out, k)
            }
        }
        iterate(
            own: own,
            row: row,
            embeddings: embeddings,
            steps: steps,
            scratch: scratch,
            rightHandSide: { r in for t in 0..<count { VectorKernels.axpy(1 + extras[t], gathered + t * k, r, k) } },
            apply: apply
        )
    }

    /// The same CG for rows too long to gather: reads the other side's vectors in place.
    private func conjugateGradientScattered(
        row: Int,
        own: UnsafeMutablePointer<Float>,
        y: UnsafePointer<Float>,
        gram: UnsafePointer<Float>,
        embeddings: UnsafePointer<Float>,
        steps: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        iterate(
            own: own,
            row: row,
            embeddings: embeddings,
            steps: steps,
            scratch: scratch,
            rightHandSide: { r in rightHandSide(row, y, r) },
            apply: { v, out in applyA(row, y, gram, v, out, withLambda: true) }
        )
    }

    /// The CG iterations themselves, given how to add b_r to a zeroed vector and how to apply A_r + λI.
    @inline(__always)
    private func iterate(
        own: UnsafeMutablePointer<Float>,
        row: Int,
        embeddings: UnsafePointer<Float>,
        steps: Int,
        scratch: UnsafeMutablePointer<Float>,
        rightHandSide: (UnsafeMutablePointer<Float>) -> Void,
        apply: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let k = factors
        let s = scratch
        let x = scratch + k
        let r = scratch + 2 * k
        let p = scratch + 3 * k
        let ap = scratch + 4 * k
        featureSum(row, embeddings, s)
        for i in 0..<k { x[i] = own[i] + s[i] }
        r.update(repeating: 0, count: k)
        rightHandSide(r)
        VectorKernels.axpy(lambda, s, r, k)
        apply(x, ap)
        for i in 0..<k {
            r[i] -= ap[i]
            p[i] = r[i]
        }
        var residual = VectorKernels.dot(r, r, k)
        for _ in 0..<steps {
            guard residual > 1e-20 else { break }
            apply(p, ap)
            let curvature = VectorKernels.dot(p, ap, k)
            guard curvature > 0, curvature.isFinite else { break }
            let alpha = residual / curvature
            VectorKernels.axpy(alpha, p, x, k)
            VectorKernels.axpy(-alpha, ap, r, k)
            let next = VectorKernels.dot(r, r, k)
            VectorKernels.xpby(r, next / residual, p, k)
            residual = next
        }
        for i in 0..<k { own[i] = x[i] - s[i] }
    }
}

/// Precomputed tables for exact small-row solves by the Woodbury identity:
/// with B = YᵀY + λI, `w_i = B⁻¹ y_i` for every other-side row and `τ_f = B⁻¹ E_f` per feature,
/// the row system (B + Σ c'_i y_i y_iᵀ) x = b costs O(n²k + n³) instead of O(k²) per CG step.
struct WoodburyTables: @unchecked Sendable {
    // @unchecked: immutable after init, read concurrently.
    let w: [Float]
    let tau: [Float]

    /// Returns nil if B is not positive definite (never for λ > 0 in exact arithmetic).
    init?(system: SideSystem) {
        let k = system.factors
        var b = system.gram.map(Double.init)
        for i in 0..<k { b[i * k + i] += Double(system.lambda) }
        guard let cholesky = CholeskySolver(matrix: b, size: k) else { return nil }
        let inverse = cholesky.inverse()
        w = Self.multiply(system.other, inverse, threads: system.threads)
        tau = Self.multiply(system.embeddings, inverse, threads: system.threads)
    }

    /// Rows of `matrix` times the symmetric `inverse`.
    private static func multiply(_ matrix: DenseMatrix, _ inverse: [Float], threads: Int) -> [Float] {
        let k = matrix.columns
        var out = [Float](repeating: 0, count: matrix.rows * k)
        matrix.storage.withUnsafeBufferPointer { m in
            inverse.withUnsafeBufferPointer { inv in
                out.withUnsafeMutableBufferPointer { o in
                    let target = SharedMutablePointer(base: o.baseAddress!)
                    ParallelLoop.run(count: matrix.rows, threads: threads) { _, range in
                        for row in range {
                            VectorKernels.matrixVector(inv.baseAddress!, m.baseAddress! + row * k, target.base + row * k, k)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Solves row `row` exactly; returns false (own untouched) if the small system is singular.
    func solve(
        row: Int,
        system: SideSystem,
        own: UnsafeMutablePointer<Float>,
        embeddings: UnsafePointer<Float>,
        scratch: UnsafeMutablePointer<Float>,
        workspace: inout WoodburyWorkspace
    ) -> Bool {
        let k = system.factors
        let confidence = system.confidence
        let features = system.features
        let start = confidence.rowOffsets[row]
        let end = confidence.rowOffsets[row + 1]
        let z = scratch
        let s = scratch + k
        z.update(repeating: 0, count: k)
        return w.withUnsafeBufferPointer { wb in
            tau.withUnsafeBufferPointer { tb in
                system.other.storage.withUnsafeBufferPointer { yb in
                    confidence.columns.withUnsafeBufferPointer { columns in
                        confidence.values.withUnsafeBufferPointer { values in
                            let wBase = wb.baseAddress!
                            let yBase = yb.baseAddress!
                            for index in start..<end {
                                VectorKernels.axpy(1 + values[index], wBase + Int(columns[index]) * k, z, k)
                            }
                            for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
                                VectorKernels.axpy(
                                    system.lambda * features.values[index],
                                    tb.baseAddress! + Int(features.columns[index]) * k,
                                    z,
                                    k
                                )
                            }
                            var n = 0
                            for index in start..<end where values[index] > 0 {
                                workspace.active[n] = index
                                n += 1
                            }
                            if n > 0 {
                                let solved = workspace.matrix.withUnsafeMutableBufferPointer { mb in
                                    workspace.rhs.withUnsafeMutableBufferPointer { rb in
                                        let matrix = mb.baseAddress!
                                        let rhs = rb.baseAddress!
                                        for a in 0..<n {
                                            let ya = yBase + Int(columns[workspace.active[a]]) * k
                                            rhs[a] = Double(VectorKernels.dot(ya, z, k))
                                            for b in a..<n {
                                                let value = Double(VectorKernels.dot(ya, wBase + Int(columns[workspace.active[b]]) * k, k))
                                                matrix[a * n + b] = value
                                                matrix[b * n + a] = value
                                            }
                                            matrix[a * n + a] += 1 / Double(values[workspace.active[a]])
                                        }
                                        guard CholeskySolver.factor(matrix, n) else { return false }
                                        CholeskySolver.solve(matrix, n, rhs)
                                        for a in 0..<n {
                                            VectorKernels.axpy(-Float(rhs[a]), wBase + Int(columns[workspace.active[a]]) * k, z, k)
                                        }
                                        return true
                                    }
                                }
                                guard solved else { return false }
                            }
                            system.featureSum(row, embeddings, s)
                            for i in 0..<k { own[i] = z[i] - s[i] }
                            return true
                        }
                    }
                }
            }
        }
    }
}

/// Reusable per-thread buffers of the Woodbury solves (no allocation per row).
struct WoodburyWorkspace {
    var active: [Int]
    var matrix: [Double]
    var rhs: [Double]

    init(capacity: Int) {
        active = [Int](repeating: 0, count: capacity)
        matrix = [Double](repeating: 0, count: capacity * capacity)
        rhs = [Double](repeating: 0, count: capacity)
    }
}
