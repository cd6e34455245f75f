internal import CSodium

/// The tag carried by one secretstream chunk (`crypto_secretstream_xchacha20poly1305_TAG_*`).
///
/// A struct rather than an enum so new tags never break callers.
public struct SecretStreamTag: Hashable, Sendable, CustomStringConvertible {
    /// The wire value libsodium stores in the chunk.
    public let rawValue: UInt8

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// An ordinary chunk.
    public static let message = SecretStreamTag(rawValue: UInt8(crypto_secretstream_xchacha20poly1305_tag_message()))
    /// The end of a logical message inside the stream.
    public static let push = SecretStreamTag(rawValue: UInt8(crypto_secretstream_xchacha20poly1305_tag_push()))
    /// Rekey after this chunk.
    public static let rekey = SecretStreamTag(rawValue: UInt8(crypto_secretstream_xchacha20poly1305_tag_rekey()))
    /// The last chunk of the stream; readers must see it at the end or report truncation.
    public static let final = SecretStreamTag(rawValue: UInt8(crypto_secretstream_xchacha20poly1305_tag_final()))

    /// `message`, `push`, `rekey`, `final` or the raw value.
    public var description: String {
        switch self {
        case .message: return "message"
        case .push: return "push"
        case .rekey: return "rekey"
        case .final: return "final"
        default: return "tag(\(rawValue))"
        }
    }
}
