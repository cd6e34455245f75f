internal import BacklineCore
/// Hexadecimal for the manifest's public fields (ids, nonces, wrapped keys).
enum Hex {
    /// Lowercase hex of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text`, which must be hex of exactly `count` bytes.
    /// - Throws: ``VaultAtRestError`` `manifest` naming `field` in `path`.
    static func decode(_ text: String, count: Int, field: String, path: String) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count == count * 2 else {
            throw VaultAtRestError.at(.manifest, path, "field \(field) must be \(count * 2) hex digits, got \(utf8.count)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw VaultAtRestError.at(.manifest, path, "field \(field) is not hexadecimal")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
