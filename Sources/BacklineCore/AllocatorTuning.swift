#if canImport(Glibc)
import Glibc
#endif

/// glibc allocator settings for processes that allocate and free multi-megabyte buffers all the
/// time (the aggregator and nodes handle 4.5 MB updates and models per request). By default glibc
/// serves each such buffer with a fresh `mmap` and returns it with `munmap`, so every request
/// pays page faults and the kernel's zeroing of every page; measured on the service benchmark,
/// about 30 ms of system time per 10-promoter round. Raising the mmap threshold keeps these
/// buffers in the heap, where freed memory is reused; the trim threshold bounds how much freed
/// memory the process keeps before giving it back. Process-wide: call once at start-up.
public enum AllocatorTuning {
    /// Buffers below this size come from the heap rather than their own mapping.
    public static let mmapThresholdBytes: Int32 = 64 << 20
    /// Freed heap memory above this is returned to the system.
    public static let trimThresholdBytes: Int32 = 256 << 20

    /// Applies the settings; returns whether glibc accepted both (false elsewhere).
    @discardableResult
    public static func forLargeBuffers() -> Bool {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not import: look it up.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mmapThreshold: Int32 = -3
        let trimThreshold: Int32 = -1  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        return mallopt(mmapThreshold, mmapThresholdBytes) == 1 && mallopt(trimThreshold, trimThresholdBytes) == 1
        #else
        return false
        #endif
    }
}
