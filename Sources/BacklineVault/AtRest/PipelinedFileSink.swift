internal import BacklineCore
internal import Dispatch

/// Two ~1 MiB buffers in front of an ``AtomicFileWriter``: the caller encrypts into one while a
/// background queue writes the other, so encryption and the kernel's file writes overlap.
/// At most one buffer is in flight; errors from the background write surface on the next call.
final class PipelinedFileSink: @unchecked Sendable {
    // @unchecked: a buffer, `file` and `failure` are touched by one side at a time; `slot` (a
    // semaphore) hands them over and orders the accesses.
    let file: AtomicFileWriter
    private let queue = DispatchQueue(label: "backline.vault.file-sink")
    private let slot = DispatchSemaphore(value: 1)
    private var failure: (any Error)?
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var current = 0
    private var pending = 0

    init(file: AtomicFileWriter, bufferSize: Int) {
        self.file = file
        buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64) }
    }

    deinit {
        slot.wait()
        slot.signal()
        for buffer in buffers { buffer.deallocate() }
    }

    /// Room left in the buffer being filled.
    var freeSpace: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: buffers[current][pending...]) }

    /// Records that `count` bytes of ``freeSpace`` were filled.
    func didFill(_ count: Int) { pending += count }

    /// Hands the filled buffer to the background queue (after the previous one is written) and
    /// switches to the other buffer.
    func submit() throws {
        guard pending > 0 else { return }
        slot.wait()
        if let failure {
            slot.signal()
            throw failure
        }
        let (index, count) = (current, pending)
        queue.async { [self] in
            do {
                try file.write(UnsafeRawBufferPointer(rebasing: buffers[index][0..<count]))
            } catch {
                failure = error
            }
            slot.signal()
        }
        current ^= 1
        pending = 0
    }

    /// Submits what is filled and waits until everything is written.
    func drain() throws {
        try submit()
        slot.wait()
        slot.signal()
        if let failure { throw failure }
    }

    /// Waits for the background write, ignoring its outcome (before abandoning the file).
    func quiesce() {
        slot.wait()
        slot.signal()
    }
}
