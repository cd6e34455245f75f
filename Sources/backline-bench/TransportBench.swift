import BacklineCore
import BacklineTransport
import Foundation

/// `backline-bench transport`: Backline's HTTPS server against nginx with the same
/// certificates, measured by the same Swift load client in the same run (goal ≥ 0.8 × nginx):
/// new mTLS connections per second (full handshake + one small request), throughput of 4.5 MB
/// request bodies on kept-alive connections, p50/p99 of a small request over 64 connections.
func runTransportBench(_ reporter: BenchReporter) async throws {
    let seconds = Double(ProcessInfo.processInfo.environment["BACKLINE_BENCH_SECONDS"] ?? "") ?? 6
    let scratch = NSTemporaryDirectory() + "backline-transport-bench-\(getpid())"
    try? FileManager.default.removeItem(atPath: scratch)
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    // World-traversable, so nginx workers (user nobody) reach their document root; Keys stays 0700.
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    let pki = FederationPKI(directory: scratch + "/Keys")
    try pki.initialize(federation: "bench.test", passphrase: nil)
    try pki.issue(role: .aggregator, name: "main", passphrase: nil)
    try pki.issue(role: .promoter, name: "load", passphrase: nil)
    reporter.progress("PKI minted in \(scratch)")

    var router = HTTPRouter()
    let ok = Array("ok".utf8)
    router.add("GET", "/small") { _, _ in .bytes(ok, contentType: "text/plain") }
    router.add("POST", "/upload") { _, _ in .bytes(ok, contentType: "text/plain") }
    var serverConfiguration = HTTPServerConfiguration()
    serverConfiguration.maxConnections = 512
    let ours = HTTPServer(
        configuration: serverConfiguration,
        tls: try .makeServer(pki: pki, name: "main"),
        router: router,
        logger: Logger(label: "bench-server", minimumLevel: .warning)
    )
    let ourPort = try ours.start()
    defer { ours.shutdown() }

    let nginxPort = UInt16(20_000 + Int(getpid()) % 20_000)
    let nginx = try NginxPeer(
        prefix: scratch + "/nginx",
        port: nginxPort,
        certificate: pki.certificatePath(role: .aggregator, name: "main"),
        key: pki.keyPath(role: .aggregator, name: "main"),
        caCertificate: pki.caCertificatePath,
        crl: pki.crlPath
    )
    defer { nginx.stop() }

    let context = try TLSClientContext(
        configuration: try .makeClient(pki: pki, role: .promoter, name: "load", server: "main"),
        logger: Logger(label: "bench-client", minimumLevel: .error)
    )
    guard waitUntilServing(port: nginxPort, context: context) else {
        reporter.progress("nginx did not come up: \(nginx.errorLog)")
        throw TransportError.timeout("nginx start")
    }
    reporter.progress("servers up: backline on \(ourPort), nginx on \(nginxPort); \(seconds) s per measurement")

    let small = HTTPRequest(method: "GET", path: "/small")
    let closing = HTTPRequest(method: "GET", path: "/small", headers: HTTPHeaders([("Connection", "close")]))
    var generator = SeededGenerator(seed: 1)
    let upload = HTTPRequest(
        method: "POST",
        path: "/upload",
        body: (0..<4_500_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    )

    // Each figure is measured in ABBA order (nginx, backline, backline, nginx; half the time
    // each) so drift in the background load from other builds hits both servers alike.
    func abba(_ measure: (UInt16) -> TransportLoad.Outcome) -> (nginx: TransportLoad.Outcome, ours: TransportLoad.Outcome) {
        let a1 = measure(nginxPort)
        let b1 = measure(ourPort)
        let b2 = measure(ourPort)
        let a2 = measure(nginxPort)
        return (a1.merged(with: a2), b1.merged(with: b2))
    }
    let half = seconds / 2
    func handshakes(_ port: UInt16) -> TransportLoad.Outcome {
        TransportLoad.run(
            threads: 4,
            seconds: half,
            setUp: { _ in () },
            operation: { _ in
                guard let connection = try? HTTPClientConnection(host: "127.0.0.1", port: port, tls: context) else { return false }
                defer { connection.close() }
                return (try? connection.send(closing).status) == 200
            }
        )
    }
    func uploads(_ port: UInt16) -> TransportLoad.Outcome {
        TransportLoad.run(
            threads: 4,
            seconds: half,
            setUp: { _ in try ReusedConnection(context: context, port: port) },
            operation: { connection in connection.send(upload) }
        )
    }
    func latency(_ port: UInt16) -> TransportLoad.Outcome {
        TransportLoad.run(
            threads: 64,
            seconds: half,
            setUp: { _ in try ReusedConnection(context: context, port: port) },
            operation: { connection in connection.send(small) }
        )
    }

    reporter.progress("new mTLS connections/s …")
    let (nginxHandshakes, ourHandshakes) = abba(handshakes)
    reporter.progress("4.5 MB uploads on kept-alive connections …")
    let (nginxUploads, ourUploads) = abba(uploads)
    reporter.progress("small requests over 64 connections …")
    let (nginxLatency, ourLatency) = abba(latency)

    for (name, outcome) in [
        ("nginx handshakes", nginxHandshakes), ("backline handshakes", ourHandshakes), ("nginx uploads", nginxUploads),
        ("backline uploads", ourUploads), ("nginx latency", nginxLatency), ("backline latency", ourLatency),
    ] {
        reporter.progress("\(name): \(outcome.completed) ok, \(outcome.failed) failed in \(String(format: "%.2f", outcome.elapsed)) s")
    }

    let connectionsPerSecond = { (outcome: TransportLoad.Outcome) in Double(outcome.completed) / outcome.elapsed }
    let megabytesPerSecond = { (outcome: TransportLoad.Outcome) in Double(outcome.completed) * 4.5 / outcome.elapsed }
    reporter.emit(
        "new_mtls_connections_per_s",
        connectionsPerSecond(ourHandshakes),
        "conn/s",
        peer: "nginx",
        peerValue: connectionsPerSecond(nginxHandshakes),
        goal: ">= 0.8"
    )
    reporter.emit(
        "upload_4_5MB_throughput",
        megabytesPerSecond(ourUploads),
        "MB/s",
        peer: "nginx",
        peerValue: megabytesPerSecond(nginxUploads),
        goal: ">= 0.8"
    )
    // Latency: lower is better, so "≥ 0.8 × nginx" means ours ≤ nginx / 0.8 = 1.25 × nginx.
    reporter.emit(
        "small_request_p50_64conn",
        ourLatency.percentile(0.5) * 1000,
        "ms",
        peer: "nginx",
        peerValue: nginxLatency.percentile(0.5) * 1000,
        goal: "<= 1.25"
    )
    reporter.emit(
        "small_request_p99_64conn",
        ourLatency.percentile(0.99) * 1000,
        "ms",
        peer: "nginx",
        peerValue: nginxLatency.percentile(0.99) * 1000,
        goal: "<= 1.25"
    )
    reporter.emit(
        "small_requests_per_s_64conn",
        Double(ourLatency.completed) / ourLatency.elapsed,
        "req/s",
        peer: "nginx",
        peerValue: Double(nginxLatency.completed) / nginxLatency.elapsed,
        goal: ">= 0.8"
    )
    reporter.emit("failed_operations", Double(ourHandshakes.failed + ourUploads.failed + ourLatency.failed), "count", goal: "<= 0")
}

/// Polls until a request to `port` succeeds (nginx takes a moment to start).
private func waitUntilServing(port: UInt16, context: TLSClientContext) -> Bool {
    for _ in 0..<100 {
        if let connection = try? HTTPClientConnection(host: "127.0.0.1", port: port, tls: context, timeout: .seconds(1)),
            (try? connection.send(HTTPRequest(method: "GET", path: "/small")).status) == 200
        {
            connection.close()
            return true
        }
        usleep(50_000)
    }
    return false
}
