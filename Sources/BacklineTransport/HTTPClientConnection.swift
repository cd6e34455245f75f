internal import BacklineCore

/// One client connection to the aggregator: TCP connect, TLS 1.3 handshake, the server's
/// SPIFFE ID checked against ``TLSClientConfiguration/expectedServer``, then requests in turn.
/// Blocking; use from one thread at a time.
public final class HTTPClientConnection: @unchecked Sendable {
    // @unchecked: used by one thread at a time; the pool hands a connection out exclusively.
    private let stream: TLSStream
    private let hostHeader: String
    private let limits: HTTPLimits
    private var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
    private var reusable = true

    /// The server's verified identity.
    public let server: PeerIdentity

    /// Connects and authenticates the server.
    /// - Throws: ``TransportError`` `handshake_failed` (TLS refused), `peer_rejected` (server
    ///   identity is not the expected one), `timeout`, `io`.
    public init(
        host: String,
        port: UInt16,
        tls: TLSClientContext,
        timeout: Duration = .seconds(10),
        limits: HTTPLimits = HTTPLimits()
    ) throws {
        let deadline = Deadline(after: timeout)
        let socket = try SocketDescriptor.connect(host: host, port: port, deadline: deadline)
        let stream = try TLSStream(socket: socket, context: tls.handle, isServer: false)
        do {
            try stream.handshake(deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        let expected = tls.configuration.expectedServer
        switch stream.judgePeer(federation: expected.federation) {
        case .rejected(let reason):
            stream.close()
            throw TransportError.peerRejected("server certificate refused: \(reason)")
        case .accepted(let identity):
            guard identity == expected else {
                stream.close()
                throw TransportError.peerRejected("server is \(identity.spiffeID), expected \(expected.spiffeID)")
            }
            server = identity
        }
        self.stream = stream
        hostHeader = "\(host):\(port)"
        self.limits = limits
    }

    /// Whether another request may be sent on this connection (the server kept it open and has
    /// not closed it since).
    public var isReusable: Bool { reusable && !stream.socket.isReadableNow }

    /// Sends `request` and reads the whole response.
    /// - Throws: ``TransportError`` (`timeout`, `connection_closed`, `protocol_violation`, `handshake_failed`
    ///   when the server refused our certificate — TLS 1.3 reports that on the first read).
    public func send(_ request: HTTPRequest, timeout: Duration = .seconds(30)) throws -> HTTPResponse {
        let deadline = Deadline(after: timeout)
        reusable = false
        var head = "\(request.method) \(request.target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
        for (name, value) in request.headers where !HTTPHeaders.same(name, "Host") && !HTTPHeaders.same(name, "Content-Length") {
            head += "\(name): \(value)\r\n"
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            head += "Content-Length: \(request.body.count)\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if request.body.count <= 1 << 14 {
            bytes.append(contentsOf: request.body)
            try bytes.withUnsafeBytes { try stream.write($0, deadline: deadline) }
        } else {
            try bytes.withUnsafeBytes { try stream.write($0, deadline: deadline) }
            try request.body.withUnsafeBytes { try stream.write($0, deadline: deadline) }
        }

        var parser = HTTPMessageParser(kind: .response, limits: limits)
        parser.nextResponseIsToHead = request.method == "HEAD"
        while true {
            switch parser.next() {
            case .head:
                continue
            case .message(let responseHead, let body):
                if responseHead.status < 200 {
                    parser.nextResponseIsToHead = request.method == "HEAD"
                    continue
                }
                reusable = responseHead.keepAlive && !request.headers.containsToken("close", in: "Connection") && parser.bufferedCount == 0
                return HTTPResponse(status: responseHead.status, headers: responseHead.headers, body: body)
            case .failed(let failure):
                throw TransportError.protocolViolation("response refused: \(failure.code): \(failure.message)")
            case .needMoreData:
                guard try stream.read(into: &parser, scratch: &readBuffer, deadline: deadline) else {
                    if case .message(let responseHead, let body) = parser.finishAtEndOfInput() {
                        return HTTPResponse(status: responseHead.status, headers: responseHead.headers, body: body)
                    }
                    throw TransportError.connectionClosed("HTTP response")
                }
            }
        }
    }

    /// Sends close_notify and closes.
    public func close() {
        reusable = false
        stream.close()
    }

    deinit { stream.close() }
}
