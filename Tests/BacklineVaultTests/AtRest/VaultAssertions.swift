import BacklineCore
import BacklineVault
import Testing

/// Runs `body` and checks it throws a ``VaultAtRestError`` with `code` (and `text` in its reason).
func expectVaultError(
    _ code: VaultAtRestError.Code,
    mentioning text: String? = nil,
    _ body: () throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        try body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as VaultAtRestError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let text { #expect(error.reason.contains(text), "\(error.reason)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
