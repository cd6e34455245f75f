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

    /// Writes the gradient of member `row` of `confidence`/`features` into `gradient` (length
    /// ``parameterCount``, overwritten) and returns the member's loss. `u` is the member's
    /// representation (own factor plus feature embeddings), `own` its own factor.
    func lossAndGradient(row: Int, confidence: SparseMatrix, features: SparseMatrix, u: UnsafeBufferPointer<Float>,
                         own: UnsafeBufferPointer<Float>, into gradient: UnsafeMutableBufferPointer<Float>) -> Double {
        let k = self.k
        let tOffset = artistCount * k, eOffset = tOffset + artistFeatureRows * k
        var loss = 0.0
        var weightedSum = [Float](repeating: 0, count: k)
        var coefficients = [Float](repeating: 0, count: artistCount)
        representations.withUnsafeBufferPointer { v in
            // coefficient_a = 2·c_a·(s_a − y_a): 2·s_a for unobserved artists, corrected below.
            for a in 0..<artistCount {
                var score: Float = 0
                for i in 0..<k { score += u[i] * v[a * k + i] }
                loss += Double(score) * Double(score)
                coefficients[a] = 2 * score
            }
            for index in confidence.rowOffsets[row]..<confidence.rowOffsets[row + 1] {
                let a = Int(confidence.columns[index])
                let s = Double(coefficients[a] / 2), c = 1 + Double(confidence.values[index])
                loss += c * (1 - s) * (1 - s) - s * s
                coefficients[a] = Float(2 * c * (s - 1))
            }
            for a in 0..<artistCount {
                let coefficient = coefficients[a]
                for i in 0..<k {
                    gradient[a * k + i] = coefficient * u[i]
                    weightedSum[i] += coefficient * v[a * k + i]
                }
            }
        }
        loss += Double(regularization) * (0..<k).reduce(0.0) { $0 + Double(own[$1]) * Double(own[$1]) }
        for index in tOffset..<gradient.count { gradient[index] = 0 }
        for a in 0..<artistFeatures.rowCount {
            for index in artistFeatures.rowOffsets[a]..<artistFeatures.rowOffsets[a + 1] {
                let feature = Int(artistFeatures.columns[index]), weight = artistFeatures.values[index]
                for i in 0..<k { gradient[tOffset + feature * k + i] += weight * gradient[a * k + i] }
            }
        }
        for index in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
            let feature = Int(features.columns[index]), weight = features.values[index]
            for i in 0..<k { gradient[eOffset + feature * k + i] += weight * weightedSum[i] }
        }
        return loss
    }
}
