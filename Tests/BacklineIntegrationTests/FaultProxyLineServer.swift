import Foundation
import Synchronization

@testable import BacklineTestSupport

/// A tiny upstream for the fault proxy's own tests: answers every line `x` with `ok x`, and
/// remembers each connection's bytes and the order whole lines arrived in.
final class FaultProxyLineServer: Sendable {
    private struct State {
        var received: [[UInt8]] = []
        var lines: [String] = []
        var stopping = false
        var threads = 0
    }

    let port: UInt16
    private let state = Mutex(State())

    init() throws {
        let listener = try FaultProxy.Socket.listen(host: "127.0.0.1", port: 0)
        port = listener.localPort
        spawn { [self] in
            while !state.withLock({ $0.stopping }) {
                guard let connection = listener.accept(waiting: 50) else { continue }
                let index = state.withLock { state in
                    state.received.append([])
                    return state.received.count - 1
                }
                spawn { [self] in serve(connection, index) }
            }
            listener.close()
        }
    }

    deinit { stop() }

    /// Every connection's bytes, in accept order.
    var received: [[UInt8]] { state.withLock { $0.received } }
    /// Whole lines in arrival order, across connections.
    var lines: [String] { state.withLock { $0.lines } }

    func stop() {
        state.withLock { $0.stopping = true }
        while state.withLock({ $0.threads }) > 0 { usleep(5_000) }
    }

    private func serve(_ connection: FaultProxy.Socket, _ index: Int) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var pending: [UInt8] = []
        while !state.withLock({ $0.stopping }) {
            guard FaultProxy.Socket.poll([connection], events: Int16(POLLIN), milliseconds: 50).first == true else { continue }
            guard let count = connection.read(into: &buffer), count > 0 else { break }
            state.withLock { $0.received[index].append(contentsOf: buffer[0..<count]) }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                state.withLock { $0.lines.append(line) }
                guard connection.writeAll(Array("ok \(line)\n".utf8)[...]) else { break }
            }
        }
        connection.close()
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.threads += 1 }
        Thread { [self] in
            body()
            state.withLock { $0.threads -= 1 }
        }.start()
    }
}

/// A blocking line client for the fault proxy's own tests.
struct FaultProxyLineClient {
    let socket: FaultProxy.Socket

    init(port: UInt16) throws { socket = try FaultProxy.Socket.connect(host: "127.0.0.1", port: port) }

    func send(_ line: String) -> Bool { socket.writeAll(Array((line + "\n").utf8)[...]) }

    /// The next answer line; nil at end of stream or on a reset.
    func receiveLine(timeoutMilliseconds: Int32 = 5_000) -> String? {
        var line: [UInt8] = []
        var byte = [UInt8](repeating: 0, count: 1)
        while true {
            guard FaultProxy.Socket.poll([socket], events: Int16(POLLIN), milliseconds: timeoutMilliseconds).first == true,
                let count = socket.read(into: &byte), count == 1
            else { return nil }
            if byte[0] == 10 { return String(decoding: line, as: UTF8.self) }
            line.append(byte[0])
        }
    }

    /// Reads until the proxy closes or resets: "eof", "reset" (ECONNRESET) or "open" (timeout).
    func ending(timeoutMilliseconds: Int32 = 5_000) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        while FaultProxy.Socket.poll([socket], events: Int16(POLLIN), milliseconds: timeoutMilliseconds).first == true {
            guard let count = socket.read(into: &buffer) else { return errno == ECONNRESET ? "reset" : "error \(errno)" }
            if count == 0 { return "eof" }
        }
        return "open"
    }
}
