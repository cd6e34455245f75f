/// A C2SP tlog-checkpoint body: `<origin>\n<decimal size>\n<base64 root>\n[extension lines]`.
public struct Checkpoint: Sendable, Hashable {
    /// The log's identity, e.g. `example.org/fl-audit`.
    public let origin: String
    /// Number of entries the root covers.
    public let size: Int
    /// RFC 6962 root of the first ``size`` entries.
    public let root: TreeHash
    /// Optional extension lines (each non-empty, without the newline).
    public let extensions: [String]

    /// A checkpoint; throws ``AuditError`` `malformed` for an empty origin, a newline in a
    /// field, or a negative size.
    public init(origin: String, size: Int, root: TreeHash, extensions: [String] = []) throws {
        guard !origin.isEmpty, !origin.contains("\n"), origin.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) else {
            throw AuditError.malformed("checkpoint origin", "must be one non-empty line of printable text")
        }
        guard size >= 0 else { throw AuditError.malformed("checkpoint size", "negative: \(size)") }
        for line in extensions where line.isEmpty || line.contains("\n") {
            throw AuditError.malformed("checkpoint extension", "must be a non-empty single line")
        }
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The exact text that is signed.
    public var body: String {
        var text = "\(origin)\n\(size)\n\(root.base64)\n"
        for line in extensions { text += line + "\n" }
        return text
    }

    /// Parses a body strictly: decimal size without sign or leading zeros, canonical base64 of
    /// exactly 32 bytes, a final newline. Errors name the line.
    public init(parsing body: String) throws {
        guard body.hasSuffix("\n") else { throw AuditError.malformed("checkpoint", "does not end with a newline") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw AuditError.malformed("checkpoint", "needs at least 3 lines, has \(lines.count)") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            sizeText == "0" || !sizeText.hasPrefix("0"), let size = Int(sizeText)
        else {
            throw AuditError.malformed("checkpoint line 2", "size '\(sizeText.prefix(40))' is not a canonical decimal")
        }
        let root: TreeHash
        do { root = try TreeHash(base64: lines[2]) } catch {
            throw AuditError.malformed("checkpoint line 3", "root is not base64 of 32 bytes")
        }
        guard root.base64 == lines[2] else { throw AuditError.malformed("checkpoint line 3", "root is not canonical base64") }
        try self.init(origin: lines[0], size: size, root: root, extensions: Array(lines[3...]))
    }
}
