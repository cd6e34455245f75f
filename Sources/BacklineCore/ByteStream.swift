/// A destination for a stream of bytes (a vault file: encrypted in production, plain in tests).
public protocol ByteStreamWriter: AnyObject {
    /// Appends bytes to the stream.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the stream durably; nothing written is visible under the final name before this.
    func finish() throws
}

/// A source of a stream of bytes.
public protocol ByteStreamReader: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 only at the verified end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
