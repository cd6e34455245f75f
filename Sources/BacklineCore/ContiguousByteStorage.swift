/// Byte containers whose bytes can be read in place; lets crypto and encoding APIs take
/// `[UInt8]`, `ArraySlice<UInt8>`, `UnsafeRawBufferPointer` and `SecureBytes` alike.
public protocol ContiguousByteStorage {
    /// Calls `body` with the bytes; the pointer must not escape.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousByteStorage where Element == UInt8 {}
extension ArraySlice: ContiguousByteStorage where Element == UInt8 {}
extension ContiguousArray: ContiguousByteStorage where Element == UInt8 {}
extension SecureBytes: ContiguousByteStorage {}
extension UnsafeRawBufferPointer: ContiguousByteStorage {
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try body(self) }
}
