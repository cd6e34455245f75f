/// The start line and headers of a parsed message.
package struct HTTPMessageHead: Equatable, Sendable {
    /// How the body is delimited.
    package enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked, untilClose
    }

    /// Request method (empty for responses).
    package var method: String
    /// Request path (empty for responses).
    package var path: String
    /// Request query.
    package var query: String?
    /// Response status (0 for requests).
    package var status: Int
    /// 1 for HTTP/1.1, 0 for HTTP/1.0.
    package var minorVersion: Int
    /// Header fields.
    package var headers = HTTPHeaders()
    /// Body framing.
    package var framing: Framing = .none

    /// Whether the connection stays open after this message.
    package var keepAlive: Bool {
        if headers.containsToken("close", in: "Connection") { return false }
        return minorVersion == 1 || headers.containsToken("keep-alive", in: "Connection")
    }

    /// Whether the client asked for `100 Continue`.
    package var expectsContinue: Bool { headers["Expect"]?.lowercased() == "100-continue" }
}
