/// Limits and deadlines of an ``HTTPServer``. A `Sendable` value.
public struct HTTPServerConfiguration: Sendable {
    /// Dotted IPv4 address to bind (loopback by default).
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one (see ``HTTPServer/port``).
    public var port: UInt16 = 0
    /// Parser limits (header size and count, body size).
    public var limits = HTTPLimits()
    /// Connections served at once; more are answered 503 `busy` and closed.
    public var maxConnections = 256
    /// From a request's first byte to its last (slowloris bound): 408 and close beyond.
    public var requestTimeout: Duration = .seconds(30)
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeout: Duration = .seconds(15)
    /// Longest time to send one response.
    public var writeTimeout: Duration = .seconds(30)
    /// How long a graceful shutdown waits for in-flight requests.
    public var shutdownGracePeriod: Duration = .seconds(10)

    /// The defaults: loopback, free port, 256 connections, 30 s request, 15 s idle.
    public init() {}
}
