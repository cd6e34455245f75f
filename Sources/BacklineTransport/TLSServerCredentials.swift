internal import BacklineCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The server's current `SSL_CTX`, rebuilt when the certificate, key or CRL file changes (checked
/// on every accepted connection: one `stat` each) or when a reload is requested (SIGHUP).
/// Connections keep the context they started with.
final class TLSServerCredentials: Sendable {
    private struct Stamp: Equatable {
        var files: [[Int]]
    }

    private struct State {
        var context: SSLContextHandle?
        var stamp: Stamp?
        var forced = false
    }

    let configuration: TLSServerConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    init(configuration: TLSServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Forces a rebuild on the next connection.
    func requestReload() { state.withLock { $0.forced = true } }

    /// The context to use for a new connection.
    func current() throws -> SSLContextHandle {
        let stamp = currentStamp()
        if let context = state.withLock({ state -> SSLContextHandle? in
            state.forced || state.stamp != stamp ? nil : state.context
        }) {
            return context
        }
        let context = try SSLContextHandle.makeServer(configuration, logger: logger)
        state.withLock { state in
            state.context = context
            state.stamp = stamp
            state.forced = false
        }
        logger.info("TLS credentials loaded", ["crl_loaded": .public(String(context.hasRevocationList))])
        return context
    }

    private func currentStamp() -> Stamp {
        Stamp(
            files: [configuration.crlPath, configuration.certificatePath, configuration.keyPath, configuration.caCertificatePath].map {
                path in
                var info = stat()
                guard stat(path, &info) == 0 else { return [-1] }
                return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
            }
        )
    }
}
