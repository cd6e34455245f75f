/// Errors of the core module (files, system calls).
public enum CoreErrorDomain: ErrorDomain { public static let name = "core" }
/// The core module's error.
public typealias CoreError = BacklineError<CoreErrorDomain>

extension BacklineError<CoreErrorDomain>.Code {
    /// A system call failed; `libraryCode` holds errno.
    public static let systemCall = Self("system_call")
    /// A file's permissions are looser than required.
    public static let insecurePermissions = Self("insecure_permissions")
}

extension BacklineError where Domain == CoreErrorDomain {
    /// A failed system call `call` on `path`, with its errno.
    public static func systemCall(_ call: String, path: String, errno code: Int32, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(
            code: .systemCall,
            reason: "\(call) failed for \(path): \(SystemCall.errorString(code))",
            libraryCode: Int(code),
            fileID: fileID,
            line: line
        )
    }
}
