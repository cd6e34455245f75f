import Foundation

/// A fixed pool of threads for blocking C calls (libpq, SQLite, Argon2, blocking sockets), so
/// they never block Swift concurrency's cooperative threads. Work is bridged back with a
/// checked continuation; cancellation before the work starts skips it.
public final class BlockingExecutor: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [() -> Void] = []
    private var stopping = false
    private var threads: [Thread] = []

    /// The shared executor used when none is given (as many threads as cores, at least 2).
    public static let shared = BlockingExecutor(threadCount: max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// A pool of `threadCount` threads named `name-N`.
    public init(threadCount: Int, name: String = "backline-blocking") {
        precondition(threadCount > 0, "a BlockingExecutor needs at least one thread")
        for index in 0..<threadCount {
            // Strong capture: the threads keep the executor alive until `shutdown()` lets them
            // finish, so releasing the last outside reference can never leave a thread reading a
            // destroyed executor.
            let thread = Thread { self.workLoop() }
            thread.name = "\(name)-\(index)"
            threads.append(thread)
            thread.start()
        }
    }

    private func workLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on a pool thread and returns its result to the calling task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue {
                    if cancelled.isSet {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    continuation.resume(with: Result { try body() })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets queued work finish, then stops the threads. An executor that is never shut down lives
    /// as long as the process (like ``shared``).
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A one-way flag shared between a task and its cancellation handler.
private final class CancellationFlag: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
