/// One problem with one input row: where it is and why it was refused. Messages name the file,
/// line, column and field, and numeric values, never text values (they may be member data).
public struct ImportIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Why a row was refused, as a stable code (`column_count`, `encoding`, `missing`,
    /// `not_a_number`, `out_of_range`, `order`, `unknown_reference`, `duplicate`).
    public let reason: String
    /// The input file.
    public let file: String
    /// 1-based line where the row starts (the header is line 1).
    public let line: Int
    /// 1-based column, or nil for whole-row problems.
    public let column: Int?
    /// The field the column maps to, if any.
    public let field: String?
    /// Human-readable detail.
    public let message: String

    /// An issue.
    public init(reason: String, file: String, line: Int, column: Int?, field: String?, message: String) {
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = "\(file):\(line)"
        if let column { location += ":\(column)" }
        if let field { location += " (\(field))" }
        return "\(location): \(reason): \(message)"
    }
}
