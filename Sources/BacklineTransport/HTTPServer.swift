public import BacklineCore
import Dispatch
import Foundation
import Synchronization

/// An HTTPS (HTTP/1.1 over mutual TLS 1.3) server: every handler call carries the client's
/// verified ``PeerIdentity``.
///
/// Concurrency model: one thread per connection with blocking sockets and poll-based
/// deadlines, plus one accepting thread. Chosen because (a) OpenSSL handshakes and AES-GCM are
/// CPU-bound C calls that would stall Swift's cooperative pool on this 2-core machine; (b) 200
/// concurrent connections are 200 mostly-sleeping threads (512 KiB stacks, ~100 MiB virtual, a
/// few MiB resident) — well within Linux limits, with no event-loop state machine to get wrong;
/// (c) a 4.5 MB body is read straight into one buffer per connection; (d) new handshakes/s are
/// bounded by crypto, not by thread creation (~20 µs against ~1 ms per handshake). Bounds keep it
/// safe: `maxConnections` (503 beyond), a per-request deadline (slowloris), an idle deadline,
/// and limits checked before buffering. epoll would win beyond a few thousand connections, which
/// a federation of promoters does not reach.
public final class HTTPServer: Sendable {
    private struct State {
        var port: UInt16 = 0
        var started = false
        var draining = false
        var acceptorFinished = false
        var active = 0
        var refusing = 0
        var hangupSource: SignalSourceBox?
    }

    let configuration: HTTPServerConfiguration
    let credentials: TLSServerCredentials
    let router: HTTPRouter
    let logger: Logger
    private let state = Mutex(State())

    /// Most connections answered 503 at once; beyond this, excess connections are just closed.
    private static let maximumRefusing = 16

    /// A server; nothing is bound until ``start()``.
    public init(configuration: HTTPServerConfiguration, tls: TLSServerConfiguration, router: HTTPRouter, logger: Logger) {
        self.configuration = configuration
        credentials = TLSServerCredentials(configuration: tls, logger: logger)
        self.router = router
        self.logger = logger
    }

    /// The bound port (after ``start()``).
    public var port: UInt16 { state.withLock { $0.port } }

    /// Number of connections being served now.
    public var activeConnections: Int { state.withLock { $0.active } }

    /// Loads the TLS credentials (failing early on a bad certificate or key), binds and starts accepting.
    /// - Returns: the bound port.
    @discardableResult
    public func start() throws -> UInt16 {
        _ = try credentials.current()
        let listener = try SocketDescriptor.listen(host: configuration.host, port: configuration.port, backlog: 1024)
        let port = listener.localPort
        state.withLock {
            $0.port = port
            $0.started = true
        }
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "backline-https-accept"
        thread.start()
        logger.info("HTTPS server listening", ["address": .public("\(configuration.host):\(port)")])
        return port
    }

    /// Re-reads the certificate, key and CRL before the next connection (also done on file change).
    public func reloadCredentials() { credentials.requestReload() }

    /// Reloads credentials whenever the process receives SIGHUP.
    public func reloadOnHangupSignal() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [weak self] in
            self?.logger.info("SIGHUP: reloading TLS credentials")
            self?.reloadCredentials()
        }
        source.resume()
        let box = SignalSourceBox(source)
        state.withLock { $0.hangupSource = box }
    }

    /// Stops accepting, lets in-flight requests finish (up to the grace period), closes idle
    /// connections, and returns when none are left.
    public func shutdown() {
        beginShutdown()
        let deadline = Deadline(after: configuration.shutdownGracePeriod)
        while !isFinished && !deadline.hasPassed { usleep(10_000) }
    }

    /// Starts the server if needed and serves until the task is cancelled, then shuts down gracefully.
    public func run() async throws {
        if !state.withLock({ $0.started }) { try start() }
        while !Task.isCancelled && !state.withLock({ $0.draining }) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        beginShutdown()
        let deadline = Deadline(after: configuration.shutdownGracePeriod)
        while !isFinished && !deadline.hasPassed {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func beginShutdown() {
        state.withLock {
            $0.draining = true
            $0.hangupSource?.source.cancel()
            $0.hangupSource = nil
        }
    }

    private var isFinished: Bool { state.withLock { $0.acceptorFinished && $0.active == 0 && $0.refusing == 0 } }

    /// Whether connections should finish their current request and close.
    var isDraining: Bool { state.withLock { $0.draining } }

    private func acceptLoop(_ listener: SocketDescriptor) {
        defer {
            listener.close()
            state.withLock { $0.acceptorFinished = true }
        }
        while !isDraining {
            let socket: SocketDescriptor?
            do {
                socket = try listener.accept(timeoutMilliseconds: 100)
            } catch {
                logger.error("accept failed", ["error": .public(String(describing: error))])
                usleep(50_000)
                continue
            }
            guard let socket else { continue }
            enum Admission { case serve, refuse, drop }
            let admission = state.withLock { state -> Admission in
                if state.active < configuration.maxConnections {
                    state.active += 1
                    return .serve
                }
                if state.refusing < Self.maximumRefusing {
                    state.refusing += 1
                    return .refuse
                }
                return .drop
            }
            switch admission {
            case .serve:
                spawn("backline-https-conn") { [self] in
                    defer { state.withLock { $0.active -= 1 } }
                    HTTPServerConnection(server: self, socket: socket).serve()
                }
            case .refuse:
                logger.warning("connection limit reached; answering 503", ["limit": .public(String(configuration.maxConnections))])
                spawn("backline-https-refuse") { [self] in
                    defer { state.withLock { $0.refusing -= 1 } }
                    HTTPServerConnection(server: self, socket: socket).refuseBusy()
                }
            case .drop:
                socket.close()
            }
        }
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 512 * 1024
        thread.start()
    }
}

/// Keeps a signal source alive while the server runs.
final class SignalSourceBox: @unchecked Sendable {
    // @unchecked: DispatchSource is internally synchronised; the reference itself never changes.
    let source: any DispatchSourceSignal
    init(_ source: any DispatchSourceSignal) { self.source = source }
}
