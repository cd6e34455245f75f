import Foundation

/// nginx on loopback as the benchmark's reference peer: a generated config in a temporary prefix,
/// `daemon off`, master plus 2 workers, the same certificates, TLS 1.3 only, client certificates
/// required and checked against the same CA and CRL, no session tickets or cache (like ours).
///
/// `/small` answers `ok` with `return 200`. `/upload` must read the whole 4.5 MB body before it
/// answers, which `return` would not do (it runs before the body is read and nginx then just
/// discards it). So `/upload` uses the mirror module with `mirror_request_body on`: nginx reads
/// the complete body into one memory buffer (`client_body_buffer_size 8m`,
/// `client_body_in_single_buffer on`) before the content phase, the mirror subrequest goes to an
/// internal location answering 204 (and is discarded); the static module then refuses POST with
/// 405, which `error_page 405 =200 @ok` turns into `200 ok`. (Checked with a `$request_length`
/// access log: 4 500 160 bytes read per upload.)
final class NginxPeer {
    let port: UInt16
    private let process: Process
    private let prefix: String

    init(prefix: String, port: UInt16, certificate: String, key: String, caCertificate: String, crl: String) throws {
        self.prefix = prefix
        self.port = port
        let fileManager = FileManager.default
        for directory in ["logs", "html", "tmp"] {
            try fileManager.createDirectory(
                atPath: "\(prefix)/\(directory)",
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o777]
            )
        }
        try Data("ok".utf8).write(to: URL(fileURLWithPath: "\(prefix)/html/upload"))  // static target of /upload
        try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: prefix)
        let configuration = """
            worker_processes 2;
            daemon off;
            master_process on;
            error_log \(prefix)/logs/error.log warn;
            pid \(prefix)/logs/nginx.pid;
            events { worker_connections 2048; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/tmp/body;
                proxy_temp_path \(prefix)/tmp/proxy;
                fastcgi_temp_path \(prefix)/tmp/fastcgi;
                uwsgi_temp_path \(prefix)/tmp/uwsgi;
                scgi_temp_path \(prefix)/tmp/scgi;
                keepalive_requests 1000000;
                keepalive_timeout 60s;
                server {
                    listen 127.0.0.1:\(port) ssl;
                    root \(prefix)/html;
                    ssl_certificate \(certificate);
                    ssl_certificate_key \(key);
                    ssl_protocols TLSv1.3;
                    ssl_client_certificate \(caCertificate);
                    ssl_crl \(crl);
                    ssl_verify_client on;
                    ssl_verify_depth 2;
                    ssl_session_tickets off;
                    ssl_session_cache off;
                    location = /small { return 200 "ok"; }
                    location = /upload {
                        client_max_body_size 8m;
                        client_body_buffer_size 8m;
                        client_body_in_single_buffer on;
                        mirror /body-sink;
                        mirror_request_body on;
                        error_page 405 =200 @ok;
                    }
                    location @ok { return 200 "ok"; }
                    location = /body-sink { internal; return 204; }
                }
            }

            """
        let configPath = "\(prefix)/nginx.conf"
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: configPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", prefix, "-c", configPath]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    /// Sends SIGQUIT-like termination to the master and waits briefly.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        for _ in 0..<300 where process.isRunning { usleep(10_000) }
    }

    /// nginx's error log, for diagnosing a failed start.
    var errorLog: String { (try? String(contentsOfFile: "\(prefix)/logs/error.log", encoding: .utf8)) ?? "" }
}
