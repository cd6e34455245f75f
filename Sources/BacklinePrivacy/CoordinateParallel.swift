import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Splits work over coordinates across threads (Dispatch's `concurrentPerform`), and gives stable
/// buffer pointers to many arrays at once.
enum CoordinateParallel {
    /// A pointer wrapper that may cross into `concurrentPerform`'s worker threads.
    struct SendablePointer<Pointer>: @unchecked Sendable {
        // @unchecked: each worker touches a disjoint coordinate range, and the caller outlives the workers.
        let value: Pointer
    }

    /// Runs `body` over disjoint ranges covering 0..<`count`, concurrently; ranges are at least
    /// `minimumRange` long (except the last) so small inputs stay on one thread.
    static func forEachRange(count: Int, minimumRange: Int = 16_384, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let cores = max(1, System.activeProcessorCount)
        let tasks = max(1, min(cores * 4, count / max(1, minimumRange)))
        let size = (count + tasks - 1) / tasks
        if tasks == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: tasks) { task in
            let start = task * size
            if start < count { body(start..<min(count, start + size)) }
        }
    }

    /// Calls `body` with a buffer pointer for every array of `arrays`, all valid for the call.
    static func withBuffers<Result>(
        _ arrays: [[Float]],
        _ body: ([UnsafeBufferPointer<Float>]) throws -> Result
    )
        rethrows -> Result
    {
        var pointers: [UnsafeBufferPointer<Float>] = []
        pointers.reserveCapacity(arrays.count)
        func nest(_ index: Int) throws -> Result {
            if index == arrays.count { return try body(pointers) }
            return try arrays[index].withUnsafeBufferPointer { buffer in
                pointers.append(buffer)
                return try nest(index + 1)
            }
        }
        return try nest(0)
    }
}

/// The number of processors, read once.
private enum System {
    static let activeProcessorCount: Int = {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }()
}
