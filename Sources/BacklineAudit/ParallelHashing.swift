internal import Dispatch

/// Computes many independent hashes on all cores (the log's hot loop: leaf hashes of a chunk
/// of entries, and each level of a tree built in bulk). Small inputs stay on the caller's thread.
enum ParallelHashing {
    /// Below this many items the work is done serially.
    static let threshold = 4096

    /// `[body(0), body(1), …, body(count − 1)]`.
    static func map(count: Int, _ body: @Sendable (Int) -> TreeHash) -> [TreeHash] {
        guard count >= threshold else { return (0..<count).map(body) }
        return [TreeHash](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = OutputBuffer(base: buffer.baseAddress!)
            let stripes = min(count / 1024, max(1, ProcessInfoCores.count) * 4)
            DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
                let lower = count * stripe / stripes
                let upper = count * (stripe + 1) / stripes
                for index in lower..<upper { (output.base + index).initialize(to: body(index)) }
            }
            initialized = count
        }
    }

    /// The output pointer, shared by stripes that write disjoint index ranges.
    private struct OutputBuffer: @unchecked Sendable {
        // @unchecked: each stripe writes only its own index range; the caller waits for all.
        let base: UnsafeMutablePointer<TreeHash>
    }
}

/// Number of online processors.
enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
