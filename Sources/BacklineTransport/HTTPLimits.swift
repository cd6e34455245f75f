/// Size limits the HTTP parser enforces before buffering more.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (414 beyond).
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Longest header block including the request line (431 beyond).
    public var maxHeaderBytes: Int = 16 * 1024
    /// Most header fields (431 beyond).
    public var maxHeaderCount: Int = 64
    /// Largest body (413, refused from Content-Length before any body byte is read).
    public var maxBodyBytes: Int = 8 * 1024 * 1024

    /// The defaults: 8 KiB request line, 16 KiB headers, 64 fields, 8 MiB body (4.5 MB updates fit).
    public init() {}

    /// Custom limits.
    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 64, maxBodyBytes: Int) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}
