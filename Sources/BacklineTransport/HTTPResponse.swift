import Foundation

/// One HTTP/1.1 response: status, headers and a complete body (Content-Length framing).
public struct HTTPResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Header fields (Content-Length and Connection are set when it is written).
    public var headers: HTTPHeaders
    /// Body bytes.
    public var body: [UInt8]

    /// A response with `status`, `headers` and `body`.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` encoded as JSON (sorted keys) with `Content-Type: application/json`.
    public static func json(_ value: some Encodable, status: Int = 200) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return HTTPResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array(try encoder.encode(value))
        )
    }

    /// Raw bytes with `contentType` (default `application/octet-stream`).
    public static func bytes(_ body: [UInt8], contentType: String = "application/octet-stream", status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", contentType)]), body: body)
    }

    /// The JSON error body every refusal uses: `{"error":{"code":…,"message":…}}`.
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        struct Body: Encodable {
            struct Inner: Encodable {
                let code: String
                let message: String
            }
            let error: Inner
        }
        return (try? json(Body(error: .init(code: code, message: message)), status: status))
            ?? HTTPResponse(status: status, body: Array(code.utf8))
    }

    /// The decoded JSON body.
    public func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body))
    }

    /// The status line and headers, with Content-Length and Connection set.
    func serializedHead(keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        for (name, value) in headers where !HTTPHeaders.same(name, "Content-Length") && !HTTPHeaders.same(name, "Connection") {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        return Array(text.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 422: return "Unprocessable Content"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
