import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

extension FaultProxy {
    /// A TCP socket descriptor for the proxy's own blocking I/O, closed on release.
    final class Socket: @unchecked Sendable {
        // @unchecked: owned by exactly one thread at a time (the acceptor, then one connection thread).
        private(set) var descriptor: Int32

        private init(_ descriptor: Int32) { self.descriptor = descriptor }

        deinit { close() }

        /// A listening socket on `host`:`port` (0 picks a free port).
        static func listen(host: String, port: UInt16) throws -> Socket {
            let socket = Socket(try make())
            var one: Int32 = 1
            _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = try makeAddress(host: host, port: port)
            try withSockaddr(&address) { pointer, length in
                _ = try SystemCall.retrying("bind", path: "\(host):\(port)") { bind(socket.descriptor, pointer, length) }
            }
            try SystemCall.retrying("listen", path: "\(host):\(port)") { Glibc.listen(socket.descriptor, 128) }
            return socket
        }

        /// A connection to `host`:`port` (blocking connect), with TCP_NODELAY.
        static func connect(host: String, port: UInt16) throws -> Socket {
            let socket = Socket(try make())
            var address = try makeAddress(host: host, port: port)
            try withSockaddr(&address) { pointer, length in
                _ = try SystemCall.retrying("connect", path: "\(host):\(port)") { Glibc.connect(socket.descriptor, pointer, length) }
            }
            socket.setNoDelay()
            return socket
        }

        /// The bound port.
        var localPort: UInt16 {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return UInt16(bigEndian: address.sin_port)
        }

        /// One accepted connection, or nil if none came within `milliseconds`.
        func accept(waiting milliseconds: Int32) -> Socket? {
            guard Self.poll([self], events: Int16(POLLIN), milliseconds: milliseconds).first == true else { return nil }
            let client = Glibc.accept(descriptor, nil, nil)
            guard client >= 0 else { return nil }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let socket = Socket(client)
            socket.setNoDelay()
            return socket
        }

        /// Reads what is there into `buffer`; 0 at end of stream, nil on a reset or error.
        func read(into buffer: inout [UInt8]) -> Int? {
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count >= 0 { return count }
                if errno == EINTR { continue }
                return nil
            }
        }

        /// Writes all of `bytes`; false if the peer is gone.
        func writeAll(_ bytes: ArraySlice<UInt8>) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let count = bytes.withUnsafeBytes { raw in
                    send(descriptor, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += count
            }
            return true
        }

        /// Sends FIN; reading stays possible.
        func shutdownWrite() { _ = Glibc.shutdown(descriptor, Int32(SHUT_WR)) }

        /// Closes so that the peer gets an RST instead of a FIN (`SO_LINGER` on, 0 s).
        func resetAndClose() {
            guard descriptor >= 0 else { return }
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close()
        }

        /// Closes (idempotent).
        func close() {
            guard descriptor >= 0 else { return }
            _ = Glibc.close(descriptor)
            descriptor = -1
        }

        /// Which of `sockets` have `events` (or an error/hang-up) within `milliseconds`.
        static func poll(_ sockets: [Socket], events: Int16, milliseconds: Int32) -> [Bool] {
            var entries = sockets.map { pollfd(fd: $0.descriptor, events: events, revents: 0) }
            let ready = entries.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), milliseconds) }
            guard ready > 0 else { return sockets.map { _ in false } }
            return entries.map { $0.revents != 0 }
        }

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
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw FaultProxyError.invalidAddress(host) }
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
}
