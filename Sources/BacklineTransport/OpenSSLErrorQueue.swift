internal import BacklineCore
internal import CBacklineShims
internal import COpenSSL

/// Turns OpenSSL's thread-local error queue into ``TransportError`` values.
enum OpenSSLErrorQueue {
    /// Empties the queue (call before an operation whose failure is judged by the queue).
    static func clear() { ERR_clear_error() }

    /// Drains every queued error into one text, and returns the first packed code.
    static func drain() -> (text: String, firstCode: UInt) {
        var parts: [String] = []
        var first: UInt = 0
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == 0 { first = code }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            parts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return (parts.isEmpty ? "no OpenSSL error queued" : parts.joined(separator: "; "), first)
    }

    /// The reason part of a packed OpenSSL error code.
    static func reasonCode(of packed: Int) -> Int {
        Int(CBacklineShims_ERR_GET_REASON(UInt(truncatingIfNeeded: packed)))
    }

    /// A ``TransportError`` for failed `operation`, carrying the drained queue.
    static func error(
        _ operation: String,
        code: TransportError.Code = .libraryFailure,
        fileID: String = #fileID,
        line: UInt = #line
    ) -> TransportError {
        let drained = drain()
        return TransportError(
            code: code,
            reason: "\(operation): \(drained.text)",
            libraryCode: drained.firstCode == 0 ? nil : Int(drained.firstCode),
            fileID: fileID,
            line: line
        )
    }
}
