internal import Dispatch

/// Splits `0..<count` into `threads` contiguous chunks and runs them concurrently. The split
/// depends only on `count` and `threads`, so results that are combined per chunk in chunk
/// order are deterministic for a given thread count.
enum ParallelLoop {
    /// The chunk `index` of `threads` over `0..<count`.
    static func chunk(_ index: Int, of threads: Int, count: Int) -> Range<Int> {
        let base = count / threads, extra = count % threads
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// Runs `body(chunkIndex, range)` for each chunk, on up to `threads` threads.
    static func run(count: Int, threads: Int, _ body: (Int, Range<Int>) -> Void) {
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
}

extension ParallelLoop {
    /// For loops whose rows are independent (no reduction): `8 × threads` smaller chunks taken
    /// dynamically by the workers, which balances rows of very different cost (popular artists).
    static func runBalanced(count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let chunks = max(1, min(threads * 8, count))
        run(count: chunks, threads: chunks) { index, _ in body(chunk(index, of: chunks, count: count)) }
    }
}

/// The loop body, handed to the worker threads.
private struct ChunkBody: @unchecked Sendable {
    // @unchecked: chunks touch disjoint rows or per-chunk slots; concurrentPerform joins before returning.
    let body: (Int, Range<Int>) -> Void
}

/// A raw mutable pointer handed to concurrent chunks that write disjoint rows.
struct SharedMutablePointer<Element>: @unchecked Sendable {
    // @unchecked: every user writes only rows of its own chunk, and joins before reading.
    let base: UnsafeMutablePointer<Element>
}
