internal import CBacklineShims
internal import COpenSSL

/// An OpenSSL memory BIO (`BIO_s_mem`, or `BIO_s_secmem` for secrets, which is wiped on free).
final class MemoryBIO {
    let pointer: OpaquePointer

    /// An empty BIO; `secure` selects the wiping variant.
    init(secure: Bool = false) throws {
        guard let bio = BIO_new(secure ? BIO_s_secmem() : BIO_s_mem()) else {
            throw OpenSSLErrorQueue.error("BIO_new")
        }
        pointer = bio
    }

    /// A BIO holding a copy of `bytes`.
    convenience init(bytes: UnsafeRawBufferPointer, secure: Bool = false) throws {
        try self.init(secure: secure)
        guard bytes.count < Int32.max else { throw TransportError.invalidArgument("buffer", "too large for a BIO") }
        if bytes.count > 0 {
            guard BIO_write(pointer, bytes.baseAddress, Int32(bytes.count)) == Int32(bytes.count) else {
                throw OpenSSLErrorQueue.error("BIO_write")
            }
        }
    }

    /// Calls `body` with the BIO's current contents, without copying them.
    func withContents<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var data: UnsafeMutablePointer<CChar>?
        let length = CBacklineShims_BIO_get_mem_data(pointer, &data)
        guard length > 0, let data else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: Int(length)))
    }

    /// A copy of the contents (for public material only: certificates, CRLs).
    var bytes: [UInt8] { withContents { Array($0) } }

    deinit { BIO_free(pointer) }
}
