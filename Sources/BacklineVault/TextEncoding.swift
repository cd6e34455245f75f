/// How text bytes of an input file are decoded. With ``utf8`` (the default) invalid UTF-8 in a
/// mapped text column is an `encoding` issue naming line and column; ``latin1`` maps every byte
/// to the code point of the same value (ISO 8859-1), for files such as Last.fm's `tags.dat`.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, strictly validated.
    case utf8
    /// ISO 8859-1: never fails.
    case latin1

    /// Decodes `bytes`, or nil when they are not valid in this encoding.
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8: return String(validating: bytes, as: UTF8.self)
        case .latin1:
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            return String(scalars)
        }
    }
}
