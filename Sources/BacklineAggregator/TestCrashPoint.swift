import Foundation
import Glibc

/// Test-only crash points, so process tests can kill the aggregator at an exact place
/// (SECURITY-TESTS 49, 50). `BACKLINE_TEST_CRASH_AT=<point>` makes the process `_exit(137)` —
/// what a `kill -9` reports, with no clean-up and no flushed buffers — the first time it reaches
/// `<point>`. Unset (every real deployment), ``reach(_:)`` only compares against nil.
///
/// | point | where |
/// |---|---|
/// | `acknowledge` | an update is committed but its receipt not yet sent |
/// | `aggregate` | a claimed round is aggregated and its audit entry written, nothing committed |
/// | `publish` | inside the publishing transaction: the model version row is written, the round's final state is not, no COMMIT |
enum TestCrashPoint: String, Sendable {
    case acknowledge, aggregate, publish

    /// The environment variable read once at start-up.
    static let variable = "BACKLINE_TEST_CRASH_AT"

    /// The point armed for this process, if any.
    static let armed: TestCrashPoint? = ProcessInfo.processInfo.environment[variable].flatMap(TestCrashPoint.init(rawValue:))

    /// Dies here if this is the armed point.
    static func reach(_ point: TestCrashPoint) {
        guard armed == point else { return }
        FileHandle.standardError.write(Data("\(variable)=\(point.rawValue): exiting with 137\n".utf8))
        _exit(137)
    }
}
