internal import BacklineCore

/// The socket shell around a ``TLSPump``: moves ciphertext between the pump and a blocking
/// socket, under deadlines. One thread uses a stream at a time.
final class TLSStream {
    let socket: SocketDescriptor
    private var pump: TLSPump
    private var scratch: [UInt8]
    /// Try a non-blocking read before polling: right for a server (it reads once poll said the
    /// request began, and bodies arrive in bursts), wasteful for a client awaiting an answer.
    private let optimisticReads: Bool

    init(socket: SocketDescriptor, context: SSLContextHandle, isServer: Bool) throws {
        self.socket = socket
        optimisticReads = isServer
        pump = try TLSPump(context: context, isServer: isServer)
        scratch = [UInt8](repeating: 0, count: 1 << 16)
    }

    /// Runs the handshake to completion. On failure the alert OpenSSL queued is still sent.
    func handshake(deadline: Deadline) throws {
        while true {
            let progress: TLSPump.Progress
            do {
                progress = try pump.handshake()
            } catch {
                try? flush(deadline: deadline)
                throw error
            }
            try flush(deadline: deadline)
            switch progress {
            case .done: return
            case .closed: throw TransportError.connectionClosed("TLS handshake")
            case .needsInput: try fill(deadline: deadline, operation: "TLS handshake")
            }
        }
    }

    /// Reads plaintext into `buffer`; 0 means the peer closed the connection.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws -> Int {
        while true {
            let progress: TLSPump.Progress
            do {
                progress = try pump.read(into: buffer)
            } catch {
                try? flush(deadline: deadline)
                throw error
            }
            switch progress {
            case .done(let count): return count
            case .closed: return 0
            case .needsInput:
                try flush(deadline: deadline)
                guard try fill(deadline: deadline, operation: "read", eofIsError: false) else { return 0 }
            }
        }
    }

    /// Encrypts and sends all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws {
        // Encrypt in 256 KiB slices so the output BIO never holds a whole large body twice.
        var offset = 0
        repeat {
            let end = min(bytes.count, offset + (1 << 18))
            try pump.write(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            try flush(deadline: deadline)
            offset = end
        } while offset < bytes.count
    }

    /// Sends close_notify (best effort) and closes the socket.
    func close() {
        pump.shutdown()
        try? flush(deadline: Deadline(after: .milliseconds(200)))
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
        try? flush(deadline: deadline)
        socket.shutdownWrite()
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

    private func flush(deadline: Deadline) throws {
        while pump.pendingOutput > 0 {
            let count = scratch.withUnsafeMutableBytes { pump.takeOutput($0) }
            var offset = 0
            while offset < count {
                guard try socket.waitWritable(deadline: deadline) else { throw TransportError.timeout("send") }
                offset += try scratch.withUnsafeBytes { try socket.write(UnsafeRawBufferPointer(rebasing: $0[offset..<count])) }
            }
        }
    }

    /// Reads ciphertext from the socket into the pump. Returns false at EOF when `eofIsError` is false.
    @discardableResult
    private func fill(deadline: Deadline, operation: String, eofIsError: Bool = true) throws -> Bool {
        // Try first: data is usually there already, which saves a poll per read.
        var available = optimisticReads ? try scratch.withUnsafeMutableBytes { try socket.readIfAvailable(into: $0) } : nil
        if available == nil {
            guard try socket.waitReadable(deadline: deadline) else { throw TransportError.timeout(operation) }
            available = try scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
        }
        let count = available ?? 0
        if count == 0 {
            if eofIsError { throw TransportError.connectionClosed(operation) }
            return false
        }
        try scratch.withUnsafeBytes { try pump.receive(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return true
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
