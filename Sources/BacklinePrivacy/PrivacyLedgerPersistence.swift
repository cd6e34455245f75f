public import Foundation

/// Where a node keeps its privacy ledgers; the caller implements it (the node writes the bytes
/// encrypted into its vault, atomically). The privacy module itself does no I/O.
public protocol PrivacyLedgerPersistence {
    /// Stores `encoded` (``PrivacyLedger/encoded()``) as the ledger of `promoter`, replacing the old
    /// one durably before returning; throws if it could not.
    func storeLedger(_ encoded: Data, promoter: String) throws
}
