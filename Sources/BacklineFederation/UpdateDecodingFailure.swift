/// Why a posted update body could not be decoded: a stable code and a safe message.
public struct UpdateDecodingFailure: Error, Sendable, Equatable {
    /// `malformed_update`, `non_finite` or `invalid_metadata`.
    public let code: String
    /// What was wrong, without update values.
    public let message: String
}
