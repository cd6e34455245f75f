internal import BacklineCore

/// The socket shell around a ``TLSPump``: waits for the socket under deadlines whenever TLS
/// needs it readable or writable. One thread uses a stream at a time.
final class TLSStream {
    let socket: SocketDescriptor
    private var pump: TLSPump

    init(socket: SocketDescriptor, context: SSLContextHandle, isServer: Bool) throws {
        self.socket = socket
        pump = try TLSPump(context: context, isServer: isServer, socket: socket.descriptor)
    }

    /// Runs the handshake to completion. On failure the alert OpenSSL queued is still sent.
    func handshake(deadline: Deadline) throws {
        while true {
            let progress: TLSPump.Progress
            do {
                progress = try pump.handshake()
            } catch {
                _ = try? pump.flush()
                throw error
            }
            switch progress {
            case .done: return try flush(deadline: deadline, operation: "TLS handshake")
            case .closed: throw TransportError.connectionClosed("TLS handshake")
            case .needs(let readiness): try waitFor(readiness, deadline: deadline, operation: "TLS handshake")
            }
        }
    }

    /// Reads plaintext into `buffer`; 0 means the peer closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        while true {
            switch try pump.read(into: buffer) {
            case .done(let count): return count
            case .closed: return 0
            case .needs(let readiness):
                // Whatever TLS wrote meanwhile (an alert, a key update answer) goes out before we wait.
                if readiness == .input { try flush(deadline: deadline, operation: "read") }
                try waitFor(readiness, deadline: deadline, operation: "read")
            }
        }
    }

    /// Encrypts and sends all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws {
        var offset = 0
        while offset < bytes.count {
            switch try pump.write(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .done(let count): offset += count
            case .closed: throw TransportError.connectionClosed("send")
            case .needs(let readiness): try waitFor(readiness, deadline: deadline, operation: "send")
            }
        }
        try flush(deadline: deadline, operation: "send")
    }

    /// Sends close_notify (best effort) and closes the socket.
    func close() {
        pump.shutdown()
        socket.close()
    }

    /// Whether input is buffered inside TLS (the socket may show nothing new).
    var hasBufferedInput: Bool { pump.hasBufferedInput }

    /// Closes after refusing a request the peer may still be sending (413, 431, 400): sends
    /// close_notify and FIN, then reads and discards what is in flight (at most `limit` bytes or
    /// until `deadline`), so the peer's kernel does not answer our unread data with a reset that
    /// would destroy the refusal before the peer reads it.
    func closeLingering(limit: Int = 16 << 20, deadline: Deadline = Deadline(after: .seconds(2))) {
        pump.shutdown()
        socket.shutdownWrite()
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var discarded = 0
        while discarded < limit, (try? socket.waitReadable(deadline: deadline)) == true {
            let count = (try? scratch.withUnsafeMutableBytes { try socket.read(into: $0) }) ?? 0
            if count == 0 { break }
            discarded += count
        }
        socket.close()
    }

    /// The peer's certificate, once the handshake is done.
    var peerCertificate: CertificateHandle? { pump.peerCertificate }
    /// Negotiated ALPN protocol.
    var negotiatedProtocol: String? { pump.negotiatedProtocol }
    /// Negotiated protocol version text.
    var protocolVersion: String { pump.protocolVersion }

    /// Judges the verified peer certificate against `federation`'s identity policy.
    func judgePeer(federation: String) -> IdentityDecision {
        guard pump.verifyResult == 0, let certificate = pump.peerCertificate else {
            return .rejected("no verified peer certificate")
        }
        return PeerIdentity.judge(certificate.identityFacts, federation: federation)
    }

    /// Sends what the socket BIO still gathers, waiting for the socket under `deadline`.
    private func flush(deadline: Deadline, operation: String) throws {
        while try pump.flush() == .needs(.output) {
            try waitFor(.output, deadline: deadline, operation: operation)
        }
    }

    /// Waits until the socket is readable (`.input`) or writable (`.output`); a timeout names `operation`.
    private func waitFor(_ readiness: TLSPump.Readiness, deadline: Deadline, operation: String) throws {
        let ready = readiness == .input ? try socket.waitReadable(deadline: deadline) : try socket.waitWritable(deadline: deadline)
        guard ready else { throw TransportError.timeout(operation) }
    }
}

extension TLSStream {
    /// Reads the next bytes of an HTTP message into `parser`: the rest of a Content-Length body
    /// straight into the body (no pass through `scratch` and the parser's buffer), anything else
    /// through `scratch`. False when the peer closed the connection first.
    func read(into parser: inout HTTPMessageParser, scratch: inout [UInt8], deadline: Deadline) throws -> Bool {
        if parser.isAwaitingFixedBody {
            return try parser.receiveFixedBody { try read(into: $0, deadline: deadline) }
        }
        let count = try scratch.withUnsafeMutableBytes { try read(into: $0, deadline: deadline) }
        guard count > 0 else { return false }
        scratch.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return true
    }
}
