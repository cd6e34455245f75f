internal import BacklineCore

/// One accepted connection: TLS handshake, identity check, then requests until close, a
/// deadline, a protocol error or shutdown. Runs on its own thread.
struct HTTPServerConnection {
    let server: HTTPServer
    let socket: SocketDescriptor
    /// Runs this connection's handler tasks on its own thread.
    private let executor = ConnectionThreadExecutor()

    init(server: HTTPServer, socket: SocketDescriptor) {
        self.server = server
        self.socket = socket
    }

    private var logger: Logger { server.logger }
    private var configuration: HTTPServerConfiguration { server.configuration }

    /// Serves the connection to its end.
    func serve() {
        guard let (stream, peer) = establish() else { return }
        var lingerOnClose = false
        defer { if lingerOnClose { stream.closeLingering() } else { stream.close() } }
        var parser = HTTPMessageParser(kind: .request, limits: configuration.limits)
        var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
        var requestDeadline = Deadline(after: configuration.requestTimeout)
        do {
            while true {
                switch parser.next() {
                case .needMoreData:
                    if parser.isIdle {
                        guard waitForNextRequest(stream) else { return }
                        requestDeadline = Deadline(after: configuration.requestTimeout)
                    }
                    let received: Bool
                    do {
                        received = try stream.read(into: &parser, scratch: &readBuffer, deadline: requestDeadline)
                    } catch let error as TransportError where error.code == .timeout {
                        logger.warning("request deadline passed; closing", ["peer": .public(peer.spiffeID)])
                        try? send(
                            .error(status: 408, code: "request_timeout", message: "request not received in time"),
                            keepAlive: false,
                            to: stream,
                            headOnly: false
                        )
                        return
                    }
                    if !received {
                        if !parser.isIdle { logger.warning("client closed mid-request", ["peer": .public(peer.spiffeID)]) }
                        return
                    }
                case .head(let head):
                    if head.expectsContinue {
                        try Array("HTTP/1.1 100 Continue\r\n\r\n".utf8).withUnsafeBytes {
                            try stream.write($0, deadline: Deadline(after: configuration.writeTimeout))
                        }
                    }
                case .message(let head, let body):
                    let request = HTTPRequest(method: head.method, path: head.path, query: head.query, headers: head.headers, body: body)
                    let response = respond(to: request, from: peer)
                    let keepAlive = head.keepAlive && !server.isDraining
                    try send(response, keepAlive: keepAlive, to: stream, headOnly: head.method == "HEAD")
                    guard keepAlive else { return }
                    requestDeadline = Deadline(after: configuration.requestTimeout)
                case .failed(let failure):
                    logger.warning(
                        "refused malformed request",
                        ["peer": .public(peer.spiffeID), "status": .public(String(failure.status)), "code": .public(failure.code)]
                    )
                    try send(
                        .error(status: failure.status, code: failure.code, message: failure.message),
                        keepAlive: false,
                        to: stream,
                        headOnly: false
                    )
                    lingerOnClose = true
                    return
                }
            }
        } catch {
            logger.warning("connection ended", ["peer": .public(peer.spiffeID), "error": .public(String(describing: error))])
        }
    }

    /// Handshakes and answers 503 `busy`: the server is at its connection limit.
    func refuseBusy() {
        guard let (stream, _) = establish(quiet: true) else { return }
        var response = HTTPResponse.error(status: 503, code: "busy", message: "server at its connection limit; retry later")
        response.headers.add("Retry-After", "1")
        try? send(response, keepAlive: false, to: stream, headOnly: false)
        stream.close()
    }

    /// TLS handshake plus identity policy; logs why a peer is refused.
    private func establish(quiet: Bool = false) -> (TLSStream, PeerIdentity)? {
        let stream: TLSStream
        do {
            stream = try TLSStream(socket: socket, context: try server.credentials.current(), isServer: true)
            try stream.handshake(deadline: Deadline(after: server.credentials.configuration.handshakeTimeout))
        } catch {
            logger.warning("TLS handshake refused", ["error": .public(String(describing: error))])
            socket.close()
            return nil
        }
        switch stream.judgePeer(federation: server.credentials.configuration.federation) {
        case .rejected(let reason):
            logger.warning("peer certificate rejected", ["reason": .public(reason)])
            stream.close()
            return nil
        case .accepted(let peer):
            if !quiet {
                logger.info("peer authenticated", ["peer": .public(peer.spiffeID), "alpn": .public(stream.negotiatedProtocol ?? "none")])
            }
            return (stream, peer)
        }
    }

    /// Waits for the first byte of the next request; false when the idle deadline passes, the
    /// peer goes away, or the server is draining.
    private func waitForNextRequest(_ stream: TLSStream) -> Bool {
        if stream.hasBufferedInput { return true }
        let idle = Deadline(after: configuration.idleTimeout)
        while !server.isDraining && !idle.hasPassed {
            let slice = Deadline(after: .milliseconds(200))
            if (try? stream.socket.waitReadable(deadline: slice)) ?? false { return true }
        }
        return false
    }

    /// Runs the router's async handler with this thread as its executor, and waits for its answer.
    private func respond(to request: HTTPRequest, from peer: PeerIdentity) -> HTTPResponse {
        let router = server.router
        return executor.runToCompletion { await router.respond(to: request, from: peer) }
    }

    private func send(_ response: HTTPResponse, keepAlive: Bool, to stream: TLSStream, headOnly: Bool) throws {
        let deadline = Deadline(after: configuration.writeTimeout)
        var head = response.serializedHead(keepAlive: keepAlive)
        if headOnly || response.body.isEmpty {
            try head.withUnsafeBytes { try stream.write($0, deadline: deadline) }
        } else if response.body.count <= 1 << 14 {
            // One TLS record and one send for small responses.
            head.append(contentsOf: response.body)
            try head.withUnsafeBytes { try stream.write($0, deadline: deadline) }
        } else {
            try head.withUnsafeBytes { try stream.write($0, deadline: deadline) }
            try response.body.withUnsafeBytes { try stream.write($0, deadline: deadline) }
        }
    }
}
