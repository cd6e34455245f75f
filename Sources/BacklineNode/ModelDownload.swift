internal import BacklineCore
internal import BacklineCrypto
public import BacklineTransport

/// A model file downloaded from the aggregator: its bytes, version and hex SHA-256, the bytes
/// checked against the `X-Backline-Model-SHA256` header before anything reads them.
public struct ModelDownload: Sendable {
    /// The safetensors bytes.
    public let bytes: [UInt8]
    /// The model version (0 = the federation's initial model).
    public let version: Int64
    /// Hex SHA-256 of ``bytes``.
    public let checksum: String

    /// Downloads model `version` (nil: the latest) through `client`.
    /// - Throws: ``NodeError`` `refused`, `protocol_violation` or `model_checksum_mismatch`; the transport's errors.
    public static func fetch(client: HTTPClient, version: Int64?) async throws -> ModelDownload {
        try await fetch(client: client, path: version.map { "/v1/models/\($0)" } ?? "/v1/models/latest")
    }

    static func fetch(client: HTTPClient, path: String) async throws -> ModelDownload {
        let request = "GET \(path)"
        let response = try await client.send(HTTPRequest(method: "GET", path: path))
        try APIAnswer.requireSuccess(response, request)
        let versionText = response.headers["X-Backline-Model-Version"] ?? "?"
        guard let announced = response.headers["X-Backline-Model-SHA256"]?.lowercased() else {
            throw NodeError.protocolViolation(request, "no X-Backline-Model-SHA256 header")
        }
        let checksum = Hex.encode(SHA256.hash(response.body))
        guard announced == checksum else { throw NodeError.modelChecksumMismatch(version: versionText) }
        guard let version = Int64(versionText), version >= 0 else {
            throw NodeError.protocolViolation(request, "X-Backline-Model-Version is not a version number")
        }
        return ModelDownload(bytes: response.body, version: version, checksum: checksum)
    }
}
