internal import BacklineModel

/// One member's loss and whole gradient with respect to the global parameters, written into a
/// reusable flat buffer laid out as ``FactorModel/parameters`` flattens (artist factors, artist
/// embeddings, member embeddings). The same values as ``FactorModel/memberLossAndGradient(_:ownFactor:)``
/// with the artist representations V computed once per round instead of once per member.
struct MemberGradientKernel: Sendable {
    let k: Int
    let artistCount: Int
    let artistFeatureRows: Int
    let memberFeatureRows: Int
    let representations: [Float]
    let artistFeatures: SparseMatrix
    let regularization: Float

    init(model: FactorModel) {
        k = model.factors
        artistCount = model.artistCount
        artistFeatureRows = model.artistEmbeddings.rows
        memberFeatureRows = model.memberFeatureCount
        representations = model.artistRepresentations().storage
        artistFeatures = model.artistFeatures
        regularization = model.regularization
    }

    /// Length of the flat gradient.
    var parameterCount: Int { (artistCount + artistFeatureRows + memberFeatureRows) * k }

    /// Length of the scratch buffer ``lossAndGradient(row:confidence:features:u:own:into:scratch:)`` needs.
    var scratchCount: Int { artistCount + k }

    /// Writes the gradient of member `row` of `confidence`/`features` into `gradient` (length
    /// ``parameterCount``, overwritten) and returns the member's loss. `u` is the member's
    /// representation (own factor plus feature embeddings), `own` its own factor.
    func lossAndGradient(
        row: Int,
        confidence: SparseMatrix,
        features: SparseMatrix,
        u: UnsafeBufferPointer<Float>,
        own: UnsafeBufferPointer<Float>,
        into gradient: UnsafeMutableBufferPointer<Float>
    ) -> Double {
        var scratch = [Float](repeating: 0, count: scratchCount)
        return scratch.withUnsafeMutableBufferPointer { scratch in
            lossAndGradient(row: row, confidence: confidence, features: features, u: u, own: own, into: gradient, scratch: scratch)
        }
    }

    /// As ``lossAndGradient(row:confidence:features:u:own:into:)``, with caller-owned working memory
    /// `scratch` (length ``scratchCount``, overwritten) so a loop over members allocates nothing.
    func lossAndGradient(
        row: Int,
        confidence: SparseMatrix,
        features: SparseMatrix,
        u: UnsafeBufferPointer<Float>,
        own: UnsafeBufferPointer<Float>,
        into gradient: UnsafeMutableBufferPointer<Float>,
        scratch: UnsafeMutableBufferPointer<Float>
    ) -> Double {
        precondition(scratch.count >= scratchCount && gradient.count == parameterCount, "kernel buffers too short")
        let k = self.k
        let tOffset = artistCount * k
        let eOffset = tOffset + artistFeatureRows * k
        var loss = 0.0
        let coefficients = UnsafeMutableBufferPointer(rebasing: scratch[0..<artistCount])
        let weightedSum = UnsafeMutableBufferPointer(rebasing: scratch[artistCount..<(artistCount + k)])
        weightedSum.update(repeating: 0)
        representations.withUnsafeBufferPointer { v in
            // coefficient_a = 2·c_a·(s_a − y_a): 2·s_a for unobserved artists, corrected below.
            for a in 0..<artistCount {
                let score = Self.dot(u, UnsafeBufferPointer(rebasing: v[a * k..<(a + 1) * k]))
                loss += Double(score) * Double(score)
                coefficients[a] = 2 * score
            }
            for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
                let a = Int(confidence.columns[index])
                let s = Double(coefficients[a] / 2)
                let c = 1 + Double(confidence.values[index])
                loss += c * (1 - s) * (1 - s) - s * s
                coefficients[a] = Float(2 * c * (s - 1))
            }
            for a in 0..<artistCount {
                Self.scaleAndAccumulate(
                    coefficients[a],
                    u: u,
                    v: UnsafeBufferPointer(rebasing: v[a * k..<(a + 1) * k]),
                    into: UnsafeMutableBufferPointer(rebasing: gradient[a * k..<(a + 1) * k]),
                    sum: weightedSum
                )
            }
        }
        loss += Double(regularization) * (0..<k).reduce(0.0) { $0 + Double(own[$1]) * Double(own[$1]) }
        for index in tOffset..<gradient.count { gradient[index] = 0 }
        for a in 0..<artistFeatures.rowCount {
            for index in artistFeatures.rowOffsets[a]..<artistFeatures.rowOffsets[a + 1] {
                let feature = Int(artistFeatures.columns[index])
                let weight = artistFeatures.values[index]
                for i in 0..<k { gradient[tOffset + feature * k + i] += weight * gradient[a * k + i] }
            }
        }
        for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
            let feature = Int(features.columns[index])
            let weight = features.values[index]
            for i in 0..<k { gradient[eOffset + feature * k + i] += weight * weightedSum[i] }
        }
        return loss
    }

    /// Σ x_i·y_i over equal-length buffers, four lanes at a time (fixed order: deterministic).
    @inline(__always)
    private static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
        let count = min(x.count, y.count)
        let whole = count & ~3
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return 0 }
        var lanes = SIMD4<Float>()
        var i = 0
        while i < whole {
            // `x * y` then `+=`, not addProduct: without the FMA target feature that is a libm call per lane.
            lanes +=
                UnsafeRawPointer(xp + i).loadUnaligned(as: SIMD4<Float>.self)
                * UnsafeRawPointer(yp + i).loadUnaligned(as: SIMD4<Float>.self)
            i += 4
        }
        var total = lanes.sum()
        while i < count {
            total += xp[i] * yp[i]
            i += 1
        }
        return total
    }

    /// out = c·u and sum += c·v, over equal-length buffers, four lanes at a time.
    @inline(__always)
    private static func scaleAndAccumulate(
        _ c: Float,
        u: UnsafeBufferPointer<Float>,
        v: UnsafeBufferPointer<Float>,
        into out: UnsafeMutableBufferPointer<Float>,
        sum: UnsafeMutableBufferPointer<Float>
    ) {
        let count = min(u.count, v.count, out.count, sum.count)
        let whole = count & ~3
        guard let up = u.baseAddress, let vp = v.baseAddress, let op = out.baseAddress, let sp = sum.baseAddress else { return }
        let scale = SIMD4<Float>(repeating: c)
        var i = 0
        while i < whole {
            let u4 = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD4<Float>.self)
            let v4 = UnsafeRawPointer(vp + i).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(op + i).storeBytes(of: scale * u4, as: SIMD4<Float>.self)
            let s4 = UnsafeRawPointer(sp + i).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(sp + i).storeBytes(of: s4 + scale * v4, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            op[i] = c * up[i]
            sp[i] += c * vp[i]
            i += 1
        }
    }
}
