internal import Dispatch
internal import Synchronization

/// Runs work over `0..<count` split into a fixed number of contiguous chunks, which `threads`
/// workers take in turn (so a worker slowed by other load does not hold the rest back), and
/// returns each chunk's result in chunk order. The split depends only on `count` and the chunk
/// count, so results combined in the returned order are deterministic.
///
/// A local helper: BacklineModel's `ParallelLoop` does the same for the model's loops but is
/// internal to that module.
enum ChunkedWork {
    /// Chunks per thread: enough to balance, few enough that per-chunk partial sums stay cheap.
    static let chunksPerThread = 4

    /// Chunk `index` of `chunks` over `0..<count` (sizes differ by at most one).
    static func chunk(_ index: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks, extra = count % chunks
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    /// The number of chunks used for `count` items on `threads` threads: `chunksPerThread · threads`,
    /// at most `count`, at least 1.
    static func chunkCount(count: Int, threads: Int) -> Int {
        max(1, min(count, chunksPerThread * max(1, threads)))
    }

    /// `body` applied to every chunk of `0..<count`, on up to `threads` threads, results in chunk order.
    static func map<Result>(count: Int, threads: Int, _ body: (Range<Int>) -> Result) -> [Result] {
        let chunks = chunkCount(count: count, threads: threads)
        let workers = min(max(1, threads), chunks)
        if workers == 1 { return (0..<chunks).map { body(chunk($0, of: chunks, count: count)) } }
        let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: chunks)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        let counter = ChunkCounter()
        withoutActuallyEscaping(body) { escapable in
            let shared = SharedChunks(body: escapable, slots: slots)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let index = counter.take()
                    guard index < chunks else { return }
                    shared.slots[index] = shared.body(chunk(index, of: chunks, count: count))
                }
            }
        }
        return slots.map { $0! }
    }
}

/// Hands out chunk indices to the workers.
private final class ChunkCounter: Sendable {
    private let next = Atomic<Int>(0)

    /// The next chunk index not yet taken.
    func take() -> Int { next.add(1, ordering: .relaxed).oldValue }
}

/// The body and the result slots, shared by the workers.
private struct SharedChunks<Result>: @unchecked Sendable {
    // @unchecked: each slot is written by the one worker that took its index; concurrentPerform joins before the slots are read.
    let body: (Range<Int>) -> Result
    let slots: UnsafeMutableBufferPointer<Result?>
}
