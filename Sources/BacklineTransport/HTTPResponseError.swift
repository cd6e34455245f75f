/// An error that chooses its own HTTP status and stable code. Handlers throw these for refusals
/// (403, 404, 409, 422…); any other error becomes a bare 500 `internal` with no details.
public protocol HTTPResponseError: Error {
    /// The HTTP status to answer with.
    var status: Int { get }
    /// A stable machine-readable code, e.g. `"impersonation_attempt"`.
    var code: String { get }
    /// A message safe to show the client (no secrets, no member data).
    var message: String { get }
}

/// A ready-made ``HTTPResponseError``.
public struct HTTPError: HTTPResponseError, Equatable {
    /// The HTTP status to answer with.
    public let status: Int
    /// A stable machine-readable code.
    public let code: String
    /// A message safe to show the client.
    public let message: String

    /// An error answering `status` with `code` and `message`.
    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}
