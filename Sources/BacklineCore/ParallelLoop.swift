internal import Dispatch
internal import Synchronization

/// Loops over `0..<count` split into contiguous chunks run concurrently. The split depends only on
/// `count` and the number of chunks, so results combined per chunk in chunk order are
/// deterministic for a given thread count. Used by the model's solvers and evaluation and by the
/// node's parallel clipped sum.
public enum ParallelLoop {
    /// Chunk `index` of `chunks` over `0..<count` (sizes differ by at most one).
    public static func chunk(_ index: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks
        let extra = count % chunks
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// Runs `body(chunkIndex, range)` for each of `threads` chunks, one per thread.
    public static func run(count: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
        let threads = max(1, min(threads, max(count, 1)))
        if threads == 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = ChunkBody(body: escapable)
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                box.body(index, chunk(index, of: threads, count: count))
            }
        }
    }

    /// For loops whose rows are independent (no reduction): `8 × threads` smaller chunks taken
    /// dynamically by the workers, which balances rows of very different cost (popular artists).
    public static func runBalanced(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let chunks = max(1, min(threads * 8, count))
        run(count: chunks, threads: chunks) { index, _ in body(chunk(index, of: chunks, count: count)) }
    }

    /// `body` applied to each of `chunksPerThread · threads` chunks of `0..<count` (at most `count`,
    /// at least 1), taken in turn by up to `threads` workers (a worker slowed by other load does
    /// not hold the rest back); the results in chunk order.
    public static func map<Result>(count: Int, threads: Int, chunksPerThread: Int = 4, _ body: (Range<Int>) -> Result) -> [Result] {
        let chunks = max(1, min(count, chunksPerThread * max(1, threads)))
        let workers = min(max(1, threads), chunks)
        if workers == 1 { return (0..<chunks).map { body(chunk($0, of: chunks, count: count)) } }
        let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: chunks)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let next = ChunkCounter()
        withoutActuallyEscaping(body) { escapable in
            let shared = SharedChunks(body: escapable, slots: slots)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = next.take()
                    guard index < chunks else { return }
                    shared.slots[index] = shared.body(chunk(index, of: chunks, count: count))
                }
            }
        }
        return slots.map { $0! }
    }
}

/// The loop body, handed to the worker threads.
private struct ChunkBody: @unchecked Sendable {
    // @unchecked: chunks touch disjoint rows or per-chunk slots; concurrentPerform joins before returning.
    let body: (Int, Range<Int>) -> Void
}

/// Hands out chunk indices to the workers.
private final class ChunkCounter: Sendable {
    private let counter = Atomic<Int>(0)

    /// The next chunk index not yet taken.
    func take() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}

/// The body and the result slots, shared by the workers.
private struct SharedChunks<Result>: @unchecked Sendable {
    // @unchecked: each slot is written by the one worker that took its index; concurrentPerform joins before the slots are read.
    let body: (Range<Int>) -> Result
    let slots: UnsafeMutableBufferPointer<Result?>
}
