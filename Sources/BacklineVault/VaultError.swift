public import BacklineCore

/// Errors of the vault module (schema, import, serialization, generator).
public enum VaultErrorDomain: ErrorDomain { public static let name = "vault" }
/// The vault module's error.
public typealias VaultError = BacklineError<VaultErrorDomain>

extension BacklineError<VaultErrorDomain>.Code {
    /// A stored table or manifest ended before its declared length.
    public static let truncated = Self("truncated")
    /// A stored table or manifest is malformed (bad magic, count, index or checksum).
    public static let corrupt = Self("corrupt")
    /// A stored format or schema version this build cannot read.
    public static let unsupportedVersion = Self("unsupported_version")
    /// An import had invalid rows and nothing was imported.
    public static let importRejected = Self("import_rejected")
    /// An input file has no header or no rows.
    public static let emptyInput = Self("empty_input")
    /// A delimited file is malformed beyond a single row (unterminated quote, oversized record).
    public static let malformedInput = Self("malformed_input")
    /// A column mapping, preset, table or option is wrong.
    public static let invalidMapping = Self("invalid_mapping")
    /// A generator or view parameter is out of range.
    public static let invalidParameter = Self("invalid_parameter")
}

extension BacklineError where Domain == VaultErrorDomain {
    /// `what` ended early: `expected` bytes were needed, the stream had fewer.
    public static func truncated(_ what: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .truncated, reason: "\(what) ends before its declared length (truncated stream)", fileID: fileID, line: line)
    }
    /// `what` is malformed because of `detail`.
    public static func corrupt(_ what: String, _ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .corrupt, reason: "\(what) is corrupt: \(detail)", fileID: fileID, line: line)
    }
    /// `what` has version `found`; this build reads `supported`.
    public static func unsupportedVersion(_ what: String, found: Int, supported: Int, fileID: String = #fileID, line: UInt = #line) -> Self
    {
        Self(
            code: .unsupportedVersion,
            reason: "\(what) has version \(found); this build reads version \(supported)",
            fileID: fileID,
            line: line
        )
    }
    /// An import with `issues` (the first few named) was refused as a whole.
    public static func importRejected(_ issues: [ImportIssue], total: Int, fileID: String = #fileID, line: UInt = #line) -> Self {
        var text = "\(total) invalid row\(total == 1 ? "" : "s"); nothing was imported (use --skip-invalid to import the valid rows)"
        for issue in issues.prefix(10) { text += "\n  " + issue.description }
        if total > 10 { text += "\n  … \(total - 10) more" }
        return Self(code: .importRejected, reason: text, fileID: fileID, line: line)
    }
    /// `path` has no header or no data rows.
    public static func emptyInput(_ path: String, _ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .emptyInput, reason: "\(path): \(detail)", fileID: fileID, line: line)
    }
    /// `path` is malformed at `lineNumber`.
    public static func malformedInput(
        _ path: String,
        line lineNumber: Int,
        _ detail: String,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .malformedInput, reason: "\(path):\(lineNumber): \(detail)", fileID: fileID, line: line)
    }
    /// A mapping or option problem.
    public static func invalidMapping(_ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidMapping, reason: detail, fileID: fileID, line: line)
    }
    /// A parameter problem.
    public static func invalidParameter(_ detail: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidParameter, reason: detail, fileID: fileID, line: line)
    }
}
