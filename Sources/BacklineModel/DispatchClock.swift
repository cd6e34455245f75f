internal import Dispatch

/// Monotonic seconds, for progress reports.
enum DispatchClock {
    static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
