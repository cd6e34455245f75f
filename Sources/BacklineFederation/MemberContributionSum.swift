internal import BacklineCore
internal import BacklineModel

/// Step 4 of a node round on all cores: each sampled member's whole gradient of the global
/// parameters, NaN/Inf refused, clipped and summed, into one ``ContributionSink``.
///
/// The sampled members are split into fixed contiguous chunks (``BacklineCore/ParallelLoop``); every chunk fills
/// its own partial sink with its own gradient buffer, and the partial sinks are merged in chunk
/// order. With DP the partial sums are exact lattice integers, so the release is bit for bit the
/// same for any thread count; without DP (Double sums) it is the same for a given thread count.
/// Noise is added once, by the caller, after the merge.
struct MemberContributionSum {
    let kernel: MemberGradientKernel
    let confidence: SparseMatrix
    let features: SparseMatrix
    /// Member representations (own factor plus feature embeddings), members × k.
    let representations: DenseMatrix
    /// Member own factors, members × k.
    let own: DenseMatrix

    /// Adds the contributions of `members` (row indices) into `sink` using up to `threads` threads.
    /// - Throws: the first refused contribution's error (in member order); `sink` is unchanged then.
    func add(_ members: [Int], into sink: inout ContributionSink, threads: Int) throws {
        let empty = sink.makeEmpty()
        let partials = ParallelLoop.map(count: members.count, threads: threads) { range in
            Result { () throws -> ContributionSink in
                var part = empty
                try fill(&part, members: members[range])
                return part
            }
        }
        var merged = sink
        for partial in partials {
            var part = try partial.get()
            try merged.merge(&part)
        }
        sink = merged
    }

    /// Adds the contributions of `members` into `part`, reusing one gradient and one scratch buffer.
    private func fill(_ part: inout ContributionSink, members: ArraySlice<Int>) throws {
        let k = kernel.k
        var gradient = [Float](repeating: 0, count: kernel.parameterCount)
        var scratch = [Float](repeating: 0, count: kernel.scratchCount)
        try representations.storage.withUnsafeBufferPointer { reps in
            try own.storage.withUnsafeBufferPointer { ownFactors in
                for member in members {
                    gradient.withUnsafeMutableBufferPointer { out in
                        scratch.withUnsafeMutableBufferPointer { work in
                            _ = kernel.lossAndGradient(
                                row: member,
                                confidence: confidence,
                                features: features,
                                u: UnsafeBufferPointer(rebasing: reps[member * k..<(member + 1) * k]),
                                own: UnsafeBufferPointer(rebasing: ownFactors[member * k..<(member + 1) * k]),
                                into: out,
                                scratch: work
                            )
                        }
                    }
                    try part.add(gradient)
                }
            }
        }
    }
}
