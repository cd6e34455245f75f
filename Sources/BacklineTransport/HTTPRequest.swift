/// One HTTP/1.1 request as the server's handler receives it (body fully read, within limits).
public struct HTTPRequest: Sendable {
    /// Method token, upper case (`GET`, `POST`…).
    public var method: String
    /// Path part of the target, e.g. `/v1/rounds/3/updates`.
    public var path: String
    /// Query string after `?`, if any.
    public var query: String?
    /// Header fields.
    public var headers: HTTPHeaders
    /// The body bytes (empty if none).
    public var body: [UInt8]
    /// Values of `{name}` segments of the matched route.
    public var pathParameters: [String: String] = [:]

    /// A request (clients build these; the server's parser fills them in).
    public init(method: String, path: String, query: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The target as sent on the request line (`path?query`).
    public var target: String { query.map { "\(path)?\($0)" } ?? path }
}
