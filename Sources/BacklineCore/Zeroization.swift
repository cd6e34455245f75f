internal import CSodium

/// A value that can wipe the secrets it holds. Best-effort: see ``SecureBytes``.
public protocol Zeroization {
    /// Overwrites every secret byte with zero.
    mutating func zeroize()
}

extension Array: Zeroization where Element == UInt8 {
    /// Overwrites the array's bytes with zero (`sodium_memzero`), keeping its count.
    public mutating func zeroize() {
        SodiumRuntime.ensureInitialized()
        withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }
}

extension SecureBytes: Zeroization {
    public mutating func zeroize() { wipe() }
}
