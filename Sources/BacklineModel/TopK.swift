/// Selection of the `k` best-scoring indices: descending score, ties broken by lower index,
/// NaN and −∞ never selected.
enum TopK {
    /// The best `k` indices of `scores` for which `allowed` holds.
    static func select(_ scores: UnsafeBufferPointer<Float>, k: Int, allowed: (Int) -> Bool = { _ in true }) -> [Int] {
        guard k > 0 else { return [] }
        var chosen: [(index: Int, score: Float)] = []
        chosen.reserveCapacity(k + 1)
        var threshold = -Float.infinity
        for index in 0..<scores.count {
            let score = scores[index]
            guard score > threshold || (chosen.count < k && score > -.infinity) else { continue }
            guard score.isFinite || score == .infinity, allowed(index) else { continue }
            var position = chosen.count
            while position > 0 && chosen[position - 1].score < score { position -= 1 }
            chosen.insert((index, score), at: position)
            if chosen.count > k { chosen.removeLast() }
            if chosen.count == k { threshold = chosen[k - 1].score }
        }
        return chosen.map(\.index)
    }
}
