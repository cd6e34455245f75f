public import BacklineCore
import Foundation
import Synchronization

/// Where an ``HTTPClient`` connects and how patient it is. A `Sendable` value.
public struct HTTPClientConfiguration: Sendable {
    /// Server address (dotted IPv4).
    public var host: String
    /// Server port.
    public var port: UInt16
    /// Connect plus handshake deadline.
    public var connectTimeout: Duration = .seconds(10)
    /// Deadline for one request/response exchange.
    public var requestTimeout: Duration = .seconds(60)
    /// Idle connections kept for reuse.
    public var maxIdleConnections = 4
    /// Retries for idempotent requests.
    public var retry = RetryPolicy()
    /// Response size limits.
    public var limits = HTTPLimits(maxBodyBytes: 64 * 1024 * 1024)

    /// A configuration for `host`:`port` with default timeouts and retries.
    public static func make(host: String = "127.0.0.1", port: UInt16) -> HTTPClientConfiguration {
        HTTPClientConfiguration(host: host, port: port)
    }
}

/// An HTTPS client for the aggregator API: mutual TLS 1.3, server identity pinned, kept-alive
/// connections reused, bounded jittered retries for idempotent requests (GET, HEAD, PUT, DELETE,
/// or any request the caller marks idempotent, such as an update carrying its own receipt key).
public final class HTTPClient: Sendable {
    /// The configuration in use.
    public let configuration: HTTPClientConfiguration
    private let tls: TLSClientContext
    private let logger: Logger
    private let idle = Mutex<[HTTPClientConnection]>([])

    /// Threads for ``send(_:idempotent:)``, shared by every client and never released: a
    /// `BlockingExecutor`'s threads hold it unowned, so destroying one while they still run
    /// would crash (a fix belongs in BacklineCore).
    private static let executor = BlockingExecutor(threadCount: 8, name: "backline-https-client")

    /// A client; loads the TLS credentials now.
    public init(configuration: HTTPClientConfiguration, tls: TLSClientConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.tls = try TLSClientContext(configuration: tls, logger: logger)
        self.logger = logger
    }

    /// Sends `request` on a blocking-I/O thread and returns the response.
    /// - Parameter idempotent: overrides the method-based judgement of whether a retry is safe.
    public func send(_ request: HTTPRequest, idempotent: Bool? = nil) async throws -> HTTPResponse {
        try await Self.executor.run { [self] in try perform(request, idempotent: idempotent) }
    }

    /// Sends `request` from the calling thread (blocking).
    public func perform(_ request: HTTPRequest, idempotent: Bool? = nil) throws -> HTTPResponse {
        let retriable = idempotent ?? ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(request.method)
        let attempts = retriable ? configuration.retry.maxAttempts : 1
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            do {
                let response = try exchange(request)
                if response.status == 503 && attempt < attempts {
                    throw TransportError(code: .busy, reason: "server answered 503")
                }
                return response
            } catch {
                guard attempt < attempts, RetryPolicy.isTransient(error) else { throw error }
                let delay = configuration.retry.delay(beforeRetry: attempt, using: &generator)
                logger.warning(
                    "request failed; retrying",
                    ["attempt": .public(String(attempt)), "error": .public(String(describing: error))]
                )
                let (seconds, attoseconds) = delay.components
                usleep(UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
                attempt += 1
            }
        }
    }

    /// Closes every idle connection.
    public func close() {
        let connections = idle.withLock { connections in
            defer { connections.removeAll() }
            return connections
        }
        for connection in connections { connection.close() }
    }

    private func exchange(_ request: HTTPRequest) throws -> HTTPResponse {
        let connection = try checkOut()
        let response: HTTPResponse
        do {
            response = try connection.send(request, timeout: configuration.requestTimeout)
        } catch {
            connection.close()
            throw error
        }
        checkIn(connection)
        return response
    }

    private func checkOut() throws -> HTTPClientConnection {
        while let pooled = idle.withLock({ $0.popLast() }) {
            if pooled.isReusable { return pooled }
            pooled.close()
        }
        return try HTTPClientConnection(
            host: configuration.host,
            port: configuration.port,
            tls: tls,
            timeout: configuration.connectTimeout,
            limits: configuration.limits
        )
    }

    private func checkIn(_ connection: HTTPClientConnection) {
        guard connection.isReusable else {
            connection.close()
            return
        }
        let kept = idle.withLock { connections -> Bool in
            guard connections.count < configuration.maxIdleConnections else { return false }
            connections.append(connection)
            return true
        }
        if !kept { connection.close() }
    }
}
