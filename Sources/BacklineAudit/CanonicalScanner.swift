/// Reads the canonical entry encoding byte by byte (see ``AuditEntry/init(canonicalBytes:)``).
struct CanonicalScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func accept(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { expected in
            guard bytes.count - position >= expected.count else { return false }
            for (offset, byte) in expected.enumerated() where bytes[position + offset] != byte { return false }
            position += expected.count
            return true
        }
    }

    mutating func expect(_ literal: StaticString) throws {
        guard accept(literal) else {
            throw AuditError.malformed("audit entry", "not in canonical form at byte \(position) (expected \(literal))")
        }
    }

    /// The characters up to the next quote, which is consumed. Backslashes and control
    /// characters are not canonical.
    mutating func stringValue() throws -> String {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\"") {
            guard bytes[position] != UInt8(ascii: "\\"), bytes[position] >= 0x20 else {
                throw AuditError.malformed("audit entry", "escape or control character at byte \(position)")
            }
            position += 1
        }
        guard position < bytes.count else { throw AuditError.malformed("audit entry", "unterminated string") }
        guard let text = String(validating: bytes[start..<position], as: UTF8.self) else {
            throw AuditError.malformed("audit entry", "invalid UTF-8 at byte \(start)")
        }
        position += 1
        return text
    }

    /// A non-negative decimal without leading zeros, at most 10 digits.
    mutating func integerValue() throws -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
        let digits = bytes[start..<position]
        guard !digits.isEmpty, digits.count <= 10, digits.count == 1 || digits.first != UInt8(ascii: "0") else {
            throw AuditError.malformed("audit entry field round", "not a canonical non-negative integer")
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
