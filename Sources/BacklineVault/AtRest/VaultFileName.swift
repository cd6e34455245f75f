internal import BacklineCore

/// Checks stream names before they become paths: `<vault>/<name>.bkv`.
enum VaultFileName {
    /// Longest accepted name.
    static let maximumCount = 128

    /// Throws unless `name` is 1…128 characters of `A-Z a-z 0-9 . _ -`, not starting with a dot,
    /// so it can never leave the vault directory or hide as a dot file.
    static func validate(_ name: String) throws {
        let utf8 = Array(name.utf8)
        let allowed = utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x2e || c == 0x5f || c == 0x2d
        }
        guard !utf8.isEmpty, utf8.count <= maximumCount, allowed, utf8.first != UInt8(ascii: ".") else {
            throw VaultAtRestError(
                code: .invalidName,
                reason:
                    "stream name \(String(reflecting: String(name.prefix(64)))) must be 1…\(maximumCount) characters of A-Z a-z 0-9 . _ - and not start with a dot"
            )
        }
    }
}
