/// Routes requests by method and path pattern (`/v1/rounds/{round}/updates`) to handlers that
/// receive the request and the caller's verified ``PeerIdentity``. Unknown paths answer 404
/// `not_found`, known paths with another method 405 `method_not_allowed`; a thrown
/// ``HTTPResponseError`` picks its status and code, any other error is a bare 500 `internal`.
public struct HTTPRouter: Sendable {
    /// A request handler.
    public typealias Handler = @Sendable (HTTPRequest, PeerIdentity) async throws -> HTTPResponse

    private struct Route: Sendable {
        let method: String
        let segments: [Substring]
        let handler: Handler
    }

    private var routes: [Route] = []

    /// An empty router.
    public init() {}

    /// Adds a route; `{name}` segments match any one non-empty segment, exposed in `pathParameters`.
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method.uppercased(), segments: Self.segments(pattern), handler: handler))
    }

    /// Answers `request` from `peer`.
    public func respond(to request: HTTPRequest, from peer: PeerIdentity) async -> HTTPResponse {
        let path = Self.segments(request.path)
        var pathMatched = false
        for route in routes {
            guard let parameters = Self.match(route.segments, path) else { continue }
            pathMatched = true
            guard route.method == request.method || (route.method == "GET" && request.method == "HEAD") else { continue }
            var routed = request
            routed.pathParameters = parameters
            do {
                return try await route.handler(routed, peer)
            } catch let error as any HTTPResponseError {
                return .error(status: error.status, code: error.code, message: error.message)
            } catch {
                return .error(status: 500, code: "internal", message: "internal error")
            }
        }
        if pathMatched {
            var response = HTTPResponse.error(status: 405, code: "method_not_allowed", message: "\(request.method) is not allowed here")
            response.headers.add("Allow", routes.filter { Self.match($0.segments, path) != nil }.map(\.method).joined(separator: ", "))
            return response
        }
        return .error(status: 404, code: "not_found", message: "no route for this path")
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }

    private static func match(_ pattern: [Substring], _ path: [Substring]) -> [String: String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, path) {
            if expected.hasPrefix("{") && expected.hasSuffix("}") {
                guard !actual.isEmpty else { return nil }
                parameters[String(expected.dropFirst().dropLast())] = String(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
