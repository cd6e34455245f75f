#if canImport(Glibc)
import Glibc
#endif

/// Process-wide protections for processes that hold secrets.
public enum ProcessHardening {
    /// Disables core dumps (`RLIMIT_CORE = 0`), so secrets in memory cannot leak through a
    /// crash dump.
    public static func disableCoreDumps() throws {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        try SystemCall.retrying("setrlimit", path: "RLIMIT_CORE") { setrlimit(Int32(RLIMIT_CORE.rawValue), &limit) }
    }

    /// The current soft core-dump limit in bytes.
    public static func coreDumpLimit() -> UInt64 {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        return UInt64(limit.rlim_cur)
    }
}
