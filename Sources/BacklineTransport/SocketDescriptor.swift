internal import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket file descriptor over IPv4, closed on release. Every call retries EINTR;
/// writes use MSG_NOSIGNAL so a vanished peer is an error, not SIGPIPE.
final class SocketDescriptor: @unchecked Sendable {
    // @unchecked: ownership is handed to exactly one thread at a time (acceptor, then its connection).
    private(set) var descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// A listening socket on `host` (dotted IPv4) and `port` (0 picks a free one).
    static func listen(host: String, port: UInt16, backlog: Int32) throws -> SocketDescriptor {
        let socket = SocketDescriptor(descriptor: try make())
        var one: Int32 = 1
        _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = try makeAddress(host: host, port: port)
        _ = try withSockaddr(&address) { pointer, length in
            try SystemCall.retrying("bind", path: "\(host):\(port)") { bind(socket.descriptor, pointer, length) }
        }
        try SystemCall.retrying("listen", path: "\(host):\(port)") { Glibc.listen(socket.descriptor, backlog) }
        return socket
    }

    /// Connects to `host`:`port` before `deadline`, then sets TCP_NODELAY.
    static func connect(host: String, port: UInt16, deadline: Deadline) throws -> SocketDescriptor {
        let socket = SocketDescriptor(descriptor: try make())
        var address = try makeAddress(host: host, port: port)
        let flags = fcntl(socket.descriptor, F_GETFL)
        _ = fcntl(socket.descriptor, F_SETFL, flags | O_NONBLOCK)
        let result = withSockaddr(&address) { pointer, length in Glibc.connect(socket.descriptor, pointer, length) }
        if result != 0 {
            guard errno == EINPROGRESS || errno == EINTR else { throw TransportError.io("connect \(host):\(port)", errno: errno) }
            guard try socket.wait(for: Int16(POLLOUT), deadline: deadline) else { throw TransportError.timeout("connect \(host):\(port)") }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(socket.descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else { throw TransportError.io("connect \(host):\(port)", errno: code) }
        }
        _ = fcntl(socket.descriptor, F_SETFL, flags)
        socket.setNoDelay()
        return socket
    }

    /// The port the socket is bound to.
    var localPort: UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one connection, or nil if none arrived within `timeoutMilliseconds`.
    func accept(timeoutMilliseconds: Int32) throws -> SocketDescriptor? {
        guard try wait(for: Int16(POLLIN), timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        let client = Glibc.accept(descriptor, nil, nil)
        if client < 0 {
            if [EAGAIN, EINTR, ECONNABORTED, EPROTO].contains(errno) { return nil }
            throw TransportError.io("accept", errno: errno)
        }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        let socket = SocketDescriptor(descriptor: client)
        socket.setNoDelay()
        return socket
    }

    /// Waits until data (or EOF) can be read, or `deadline` passes; false on timeout.
    func waitReadable(deadline: Deadline) throws -> Bool { try wait(for: Int16(POLLIN), deadline: deadline) }
    /// Waits until a write would not block, or `deadline` passes; false on timeout.
    func waitWritable(deadline: Deadline) throws -> Bool { try wait(for: Int16(POLLOUT), deadline: deadline) }

    /// Waits until `events` are ready or `deadline` passes; false on timeout.
    func wait(for events: Int16, deadline: Deadline) throws -> Bool {
        try wait(for: events, timeoutMilliseconds: deadline.remainingMilliseconds)
    }

    private func wait(for events: Int16, timeoutMilliseconds: Int32) throws -> Bool {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let ready = try SystemCall.retrying("poll") { poll(&entry, 1, timeoutMilliseconds) }
        return ready > 0
    }

    /// Reads what is available (blocking); 0 means the peer closed.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return 0 }
            throw TransportError.io("recv", errno: errno)
        }
    }

    /// Reads what is available without blocking; nil if nothing is there yet, 0 if the peer closed.
    func readIfAvailable(into buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            if errno == ECONNRESET { return 0 }
            throw TransportError.io("recv", errno: errno)
        }
    }

    /// Writes some of `bytes` (blocking); returns how many.
    func write(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            let count = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EPIPE || errno == ECONNRESET { throw TransportError.connectionClosed("send") }
            throw TransportError.io("send", errno: errno)
        }
    }

    /// Whether the peer has closed or sent something while we were not reading (a stale pooled connection).
    var isReadableNow: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0
    }

    /// Half-closes: sends FIN, keeps reading possible.
    func shutdownWrite() { _ = Glibc.shutdown(descriptor, Int32(SHUT_WR)) }

    /// Closes now (idempotent).
    func close() {
        guard descriptor >= 0 else { return }
        _ = Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { close() }

    private func setNoDelay() {
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    private static func make() throws -> Int32 {
        try SystemCall.retrying("socket") { socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
    }

    private static func makeAddress(host: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw TransportError.invalidArgument("host", "'\(host)' is not a dotted IPv4 address")
        }
        return address
    }

    private static func withSockaddr<R>(
        _ address: inout sockaddr_in,
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R
    ) rethrows -> R {
        try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
