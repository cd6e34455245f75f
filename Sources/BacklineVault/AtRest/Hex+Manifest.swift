internal import BacklineCore

extension Hex {
    /// The bytes of `text`, which must be hex of exactly `count` bytes (a field of the key manifest).
    /// - Throws: ``VaultAtRestError`` `manifest` naming `field` in `path`.
    static func decode(_ text: String, count: Int, field: String, path: String) throws -> [UInt8] {
        guard text.utf8.count == count * 2 else {
            throw VaultAtRestError.at(.manifest, path, "field \(field) must be \(count * 2) hex digits, got \(text.utf8.count)")
        }
        guard let bytes = Hex.decode(text) else {
            throw VaultAtRestError.at(.manifest, path, "field \(field) is not hexadecimal")
        }
        return bytes
    }
}
