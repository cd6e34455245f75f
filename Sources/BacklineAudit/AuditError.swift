public import BacklineCore

/// Errors of the audit module.
public enum AuditErrorDomain: ErrorDomain { public static let name = "audit" }
/// The audit module's error.
public typealias AuditError = BacklineError<AuditErrorDomain>

extension BacklineError<AuditErrorDomain>.Code {
    /// An inclusion or consistency proof did not verify, or its parameters are impossible.
    public static let invalidProof = Self("invalid_proof")
    /// A hash, checkpoint, note, key or entry is malformed (wrong length, encoding or syntax).
    public static let malformed = Self("malformed")
    /// No signature by a trusted key verified, or a trusted key's signature was bad.
    public static let signatureRejected = Self("signature_rejected")
    /// The signer was asked to sign a checkpoint that does not extend the last one it signed.
    public static let refusedToSign = Self("refused_to_sign")
    /// The storage failed to append or read; the guarded action must not run.
    public static let storageFailure = Self("storage_failure")
    /// A requested index or range lies outside the log.
    public static let outOfRange = Self("out_of_range")
    /// The log contradicts a signed or saved checkpoint (tampering or roll-back).
    public static let tampered = Self("tampered")
}

extension BacklineError where Domain == AuditErrorDomain {
    /// A proof failed; `reason` says which check.
    public static func invalidProof(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidProof, reason: reason, fileID: fileID, line: line)
    }
    /// `what` is malformed; `reason` names the field or line.
    public static func malformed(_ what: String, _ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .malformed, reason: "\(what): \(reason)", fileID: fileID, line: line)
    }
    /// The note carries no valid signature by a trusted key.
    public static func signatureRejected(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .signatureRejected, reason: reason, fileID: fileID, line: line)
    }
    /// The signer refused a non-extension.
    public static func refusedToSign(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .refusedToSign, reason: reason, fileID: fileID, line: line)
    }
    /// The storage failed; `underlying` holds its error.
    public static func storageFailure(
        _ reason: String,
        underlying: (any Error)? = nil,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> Self {
        Self(code: .storageFailure, reason: reason, underlying: underlying, fileID: fileID, line: line)
    }
    /// `what` is outside `0..<count` (or the allowed range).
    public static func outOfRange(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .outOfRange, reason: reason, fileID: fileID, line: line)
    }
    /// The log contradicts a checkpoint.
    public static func tampered(_ reason: String, fileID: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .tampered, reason: reason, fileID: fileID, line: line)
    }
}
