import BacklineCore
import BacklineTransport
import Foundation

/// The transport part of `backline-bench codec`: Backline's HTTPS server and client on 127.0.0.1
/// with mutual TLS 1.3, one kept-alive connection, a POST of the update body echoed back whole.
enum CodecBenchLoopback {
    /// Median milliseconds of one POST of `body` answered by the same bytes (handshake excluded).
    static func medianMilliseconds(body: [UInt8]) throws -> Double {
        let scratch = NSTemporaryDirectory() + "backline-codec-bench-\(getpid())"
        try? FileManager.default.removeItem(atPath: scratch)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let pki = FederationPKI(directory: scratch + "/Keys")
        try pki.initialize(federation: "bench.test", passphrase: nil)
        try pki.issue(role: .aggregator, name: "main", passphrase: nil)
        try pki.issue(role: .promoter, name: "load", passphrase: nil)

        var router = HTTPRouter()
        router.add("POST", "/echo") { request, _ in .bytes(request.body) }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(),
            tls: try .makeServer(pki: pki, name: "main"),
            router: router,
            logger: Logger(label: "codec-bench-server", minimumLevel: .warning)
        )
        let port = try server.start()
        defer { server.shutdown() }

        let context = try TLSClientContext(
            configuration: try .makeClient(pki: pki, role: .promoter, name: "load", server: "main"),
            logger: Logger(label: "codec-bench-client", minimumLevel: .error)
        )
        let connection = try HTTPClientConnection(host: "127.0.0.1", port: port, tls: context)
        defer { connection.close() }
        let request = HTTPRequest(method: "POST", path: "/echo", body: body)
        let first = try connection.send(request)
        guard first.status == 200, first.body == body else {
            throw CodecBenchFailure(step: "loopback POST", detail: "status \(first.status), \(first.body.count) bytes back")
        }
        let median = try CodecBench.medianMilliseconds { _ = try connection.send(request) }
        return median
    }
}
