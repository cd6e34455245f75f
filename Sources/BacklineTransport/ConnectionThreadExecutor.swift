import Foundation

/// A task executor that runs jobs on the connection thread that waits for them. The server
/// calls async handlers through it, so serving never depends on Swift's cooperative pool being
/// free (a pool blocked by synchronous work elsewhere cannot stall HTTPS), and a handler's
/// synchronous stretches run on the connection's own thread.
final class ConnectionThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` is guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func finish<T>(_ box: ResultBox<T>, with value: T) {
        condition.lock()
        box.value = value
        condition.signal()
        condition.unlock()
    }

    /// Runs `operation` as a task preferring this executor, draining its jobs on the calling
    /// thread until it finishes, and returns its result.
    func runToCompletion<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        Task(executorPreference: self) {
            self.finish(box, with: await operation())
        }
        while true {
            condition.lock()
            while jobs.isEmpty && box.value == nil { condition.wait() }
            if jobs.isEmpty, let value = box.value {
                condition.unlock()
                return value
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// The result of one task, handed back under the executor's lock.
private final class ResultBox<T>: @unchecked Sendable {
    // @unchecked: read and written only while holding the owning executor's condition lock.
    var value: T?
}
