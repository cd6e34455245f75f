/// Small conversions used at the libsodium boundary.
extension UnsafeRawBufferPointer {
    /// The base address as `const unsigned char *`, or nil for an empty buffer.
    var bytePointer: UnsafePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}

extension Array where Element == UInt8 {
    /// Lowercase hexadecimal, for public values only (ids, public keys).
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters = [UInt8]()
        characters.reserveCapacity(count * 2)
        for byte in self {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
