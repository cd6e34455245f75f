/// An incremental HTTP/1.1 parser for requests (server side) or responses (client side): a
/// struct state machine fed bytes with ``append(_:)`` and asked for the next ``Action``. No I/O.
///
/// Strict on purpose: CRLF line endings only, no obs-fold, no whitespace before the colon,
/// token method and header names, a single consistent Content-Length, `Transfer-Encoding:
/// chunked` only and never together with Content-Length (request smuggling), a Host header on
/// HTTP/1.1 requests. Limits from ``HTTPLimits`` are checked before more is buffered; a body
/// that is too large is refused from its Content-Length before a byte of it is read.
package struct HTTPMessageParser {
    /// Which side's messages are parsed.
    package enum Kind: Sendable { case request, response }

    /// What the caller should do next.
    package enum Action: Equatable {
        /// Feed more bytes (``isIdle`` tells whether a message has started).
        case needMoreData
        /// A head was parsed and its body is acceptable; the body follows (send 100 Continue if asked).
        case head(HTTPMessageHead)
        /// A whole message.
        case message(HTTPMessageHead, body: [UInt8])
        /// The bytes are not acceptable; answer with the failure's status and close.
        case failed(HTTPParseFailure)
    }

    private enum State {
        case head
        case announceHead(HTTPMessageHead)
        /// A Content-Length body: its bytes stay in `buffer` until all `length` are there, or
        /// ``receiveFixedBody(_:)`` reads them straight into the body.
        case fixedBody(HTTPMessageHead, length: Int)
        /// A Content-Length body read in place, whole, into `body`.
        case receivedBody(HTTPMessageHead)
        case chunkSize(HTTPMessageHead)
        case chunkData(HTTPMessageHead, remaining: Int)
        case chunkDataEnd(HTTPMessageHead)
        case trailers(HTTPMessageHead, bytes: Int)
        case untilClose(HTTPMessageHead)
        case failed(HTTPParseFailure)
    }

    private let kind: Kind
    private let limits: HTTPLimits
    private var state: State = .head
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var body: [UInt8] = []
    /// The next response answers a HEAD request (no body whatever the headers say).
    package var nextResponseIsToHead = false

    package init(kind: Kind, limits: HTTPLimits) {
        self.kind = kind
        self.limits = limits
    }

    /// Bytes buffered and not yet consumed.
    package var bufferedCount: Int { buffer.count - start }

    /// True between messages with nothing buffered: a connection waiting here is idle.
    package var isIdle: Bool {
        if case .head = state { return bufferedCount == 0 }
        return false
    }

    /// Adds bytes received from the peer.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
        } else if start > 1 << 16 && start > buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether the parser is waiting for the rest of a Content-Length body: then
    /// ``receiveFixedBody(_:)`` may read it in place instead of ``append(_:)``.
    package var isAwaitingFixedBody: Bool {
        if case .fixedBody = state { return true }
        return false
    }

    /// Reads the rest of the current Content-Length body straight into the body's own buffer,
    /// allocated once at the announced length (already checked against ``HTTPLimits/maxBodyBytes``):
    /// buffered bytes first, then `read` (which fills a prefix of the buffer it is given and returns
    /// the count, 0 at end of input) until the body is complete; bytes after the body stay with the
    /// reader. True when the body is complete (``next()`` then yields the message); false when the
    /// input ended first, or the parser is not awaiting a body. If `read` throws, or the input ends
    /// early, the parser fails as `truncated`.
    package mutating func receiveFixedBody(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Bool {
        guard case .fixedBody(let head, let length) = state else { return false }
        let buffered = min(length, bufferedCount)
        let received: [UInt8]
        do {
            // Only bytes already written count as initialised; the rest is never read.
            received = try [UInt8](unsafeUninitializedCapacity: length) { storage, initialized in
                let target = UnsafeMutableRawBufferPointer(storage)
                buffer.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<(start + buffered)])) }
                initialized = buffered
                while initialized < length {
                    let count = try read(UnsafeMutableRawBufferPointer(rebasing: target[initialized...]))
                    guard count > 0 else { break }
                    initialized += min(count, length - initialized)
                }
            }
        } catch {
            _ = fail(400, "truncated", "the body ended before its announced length")
            throw error
        }
        start += buffered
        guard received.count == length else {
            _ = fail(400, "truncated", "the connection closed in the middle of a message")
            return false
        }
        body = received
        state = .receivedBody(head)
        return true
    }

    /// The peer closed the connection: completes a read-until-close response, or reports truncation.
    package mutating func finishAtEndOfInput() -> Action {
        if case .untilClose(let head) = state {
            let message = Action.message(head, body: body)
            reset()
            return message
        }
        if isIdle { return .needMoreData }
        return fail(400, "truncated", "the connection closed in the middle of a message")
    }

    /// Parses as far as the buffered bytes allow.
    package mutating func next() -> Action {
        while true {
            switch state {
            case .failed(let failure):
                return .failed(failure)
            case .head:
                guard let end = findHeadEnd() else {
                    if case .failed(let failure) = state { return .failed(failure) }
                    return .needMoreData
                }
                guard let head = parseHead(end: end) else {
                    if case .failed(let failure) = state { return .failed(failure) }
                    return .needMoreData
                }
                start = end
                scanned = start
                body = []
                state = .announceHead(head)
            case .announceHead(let head):
                switch head.framing {
                case .none:
                    state = .head
                    let message = Action.message(head, body: [])
                    return message
                case .length(let length):
                    state = .fixedBody(head, length: length)
                case .chunked:
                    state = .chunkSize(head)
                case .untilClose:
                    state = .untilClose(head)
                }
                return .head(head)
            case .fixedBody(let head, let length):
                // Complete bodies (small ones arrive with their head) are copied once; a larger one
                // waits for receiveFixedBody(_:), or for the caller to append the rest.
                guard bufferedCount >= length else { return .needMoreData }
                body = Array(buffer[start..<(start + length)])
                start += length
                return complete(head)
            case .receivedBody(let head):
                return complete(head)
            case .chunkSize(let head):
                guard let line = takeLine(maximum: 1024, what: "chunk size line") else { return pendingOrFailure() }
                let sizeText = line.prefix { $0 != UInt8(ascii: ";") }
                guard !sizeText.isEmpty, sizeText.count <= 15, let size = Int(String(decoding: sizeText, as: UTF8.self), radix: 16) else {
                    return fail(400, "bad_chunk", "chunk size is not a hex number")
                }
                if size == 0 {
                    state = .trailers(head, bytes: 0)
                } else {
                    guard body.count + size <= limits.maxBodyBytes else {
                        return fail(413, "body_too_large", "chunked body exceeds \(limits.maxBodyBytes) bytes")
                    }
                    state = .chunkData(head, remaining: size)
                }
            case .chunkData(let head, let remaining):
                let take = min(remaining, bufferedCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                if remaining - take > 0 {
                    state = .chunkData(head, remaining: remaining - take)
                    return .needMoreData
                }
                state = .chunkDataEnd(head)
            case .chunkDataEnd(let head):
                guard bufferedCount >= 2 else { return .needMoreData }
                guard buffer[start] == 13, buffer[start + 1] == 10 else { return fail(400, "bad_chunk", "chunk data not followed by CRLF") }
                start += 2
                state = .chunkSize(head)
            case .trailers(let head, let bytes):
                guard let line = takeLine(maximum: limits.maxHeaderBytes, what: "trailer") else { return pendingOrFailure() }
                if line.isEmpty { return complete(head) }
                let total = bytes + line.count + 2
                guard total <= limits.maxHeaderBytes else {
                    return fail(431, "headers_too_large", "trailers exceed \(limits.maxHeaderBytes) bytes")
                }
                state = .trailers(head, bytes: total)
            case .untilClose(let head):
                guard body.count + bufferedCount <= limits.maxBodyBytes else {
                    return fail(413, "body_too_large", "body exceeds \(limits.maxBodyBytes) bytes")
                }
                body.append(contentsOf: buffer[start...])
                start = buffer.count
                state = .untilClose(head)
                return .needMoreData
            }
        }
    }

    private mutating func complete(_ head: HTTPMessageHead) -> Action {
        let message = Action.message(head, body: body)
        body = []
        state = .head
        scanned = start
        return message
    }

    private mutating func reset() {
        body = []
        state = .head
        scanned = start
    }

    private mutating func fail(_ status: Int, _ code: String, _ message: String) -> Action {
        let failure = HTTPParseFailure(status: status, code: code, message: message)
        state = .failed(failure)
        return .failed(failure)
    }

    private func pendingOrFailure() -> Action {
        if case .failed(let failure) = state { return .failed(failure) }
        return .needMoreData
    }

    /// Takes one CRLF-terminated line (without the CRLF), or nil if incomplete or too long (then failed).
    private mutating func takeLine(maximum: Int, what: String) -> ArraySlice<UInt8>? {
        var index = start
        while index < buffer.count {
            if buffer[index] == 10 {
                guard index > start, buffer[index - 1] == 13 else {
                    _ = fail(400, "bare_lf", "\(what) ends in LF without CR")
                    return nil
                }
                let line = buffer[start..<(index - 1)]
                start = index + 1
                return line
            }
            index += 1
            if index - start > maximum {
                _ = fail(400, "line_too_long", "\(what) longer than \(maximum) bytes")
                return nil
            }
        }
        return nil
    }

    /// Finds the end of the head (index after CRLF CRLF), skipping leading blank lines; enforces size limits.
    private mutating func findHeadEnd() -> Int? {
        while bufferedCount >= 2 && buffer[start] == 13 && buffer[start + 1] == 10 { start += 2 }
        if scanned < start { scanned = start }
        var index = scanned
        while index < buffer.count {
            let byte = buffer[index]
            if byte == 10 {
                guard index > start, buffer[index - 1] == 13 else {
                    _ = fail(400, "bare_lf", "header line ends in LF without CR")
                    return nil
                }
                if index >= start + 3 && buffer[index - 2] == 10 && buffer[index - 3] == 13 {
                    return index + 1
                }
            }
            index += 1
        }
        scanned = max(start, buffer.count - 3)
        let firstLineEnd = buffer[start...].firstIndex(of: 10)
        if kind == .request && firstLineEnd == nil && bufferedCount > limits.maxRequestLineBytes {
            _ = fail(414, "uri_too_long", "request line longer than \(limits.maxRequestLineBytes) bytes")
            return nil
        }
        if bufferedCount > limits.maxHeaderBytes {
            _ = fail(431, "headers_too_large", "header block longer than \(limits.maxHeaderBytes) bytes")
            return nil
        }
        return nil
    }

    private mutating func parseHead(end: Int) -> HTTPMessageHead? {
        guard end - start <= limits.maxHeaderBytes else {
            _ = fail(431, "headers_too_large", "header block longer than \(limits.maxHeaderBytes) bytes")
            return nil
        }
        let lines = buffer[start..<(end - 4)].split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard let first = lines.first else {
            _ = fail(400, "bad_request", "empty head")
            return nil
        }
        if kind == .request && first.count > limits.maxRequestLineBytes {
            _ = fail(414, "uri_too_long", "request line longer than \(limits.maxRequestLineBytes) bytes")
            return nil
        }
        guard lines.count - 1 <= limits.maxHeaderCount else {
            _ = fail(431, "too_many_headers", "more than \(limits.maxHeaderCount) header fields")
            return nil
        }
        var head: HTTPMessageHead
        switch kind {
        case .request:
            guard let parsed = parseRequestLine(first) else { return nil }
            head = parsed
        case .response:
            guard let parsed = parseStatusLine(first) else { return nil }
            head = parsed
        }
        for line in lines.dropFirst() {
            guard let (name, value) = parseField(line) else { return nil }
            head.headers.add(name, value)
        }
        guard let framing = framing(for: head) else { return nil }
        head.framing = framing
        return head
    }

    private mutating func parseRequestLine(_ line: ArraySlice<UInt8>) -> HTTPMessageHead? {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            _ = fail(400, "bad_request_line", "request line is not METHOD SP target SP version")
            return nil
        }
        let method = parts[0]
        let target = parts[1]
        let version = parts[2]
        guard (1...16).contains(method.count), method.allSatisfy({ (65...90).contains($0) }) else {
            _ = fail(400, "bad_method", "method is not an upper-case token")
            return nil
        }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            _ = fail(400, "bad_target", "request target must be an origin-form path of visible ASCII")
            return nil
        }
        guard let minor = httpMinorVersion(version) else { return nil }
        let targetText = String(decoding: target, as: UTF8.self)
        let question = targetText.firstIndex(of: "?")
        return HTTPMessageHead(
            method: String(decoding: method, as: UTF8.self),
            path: question.map { String(targetText[..<$0]) } ?? targetText,
            query: question.map { String(targetText[targetText.index(after: $0)...]) },
            status: 0,
            minorVersion: minor
        )
    }

    private mutating func parseStatusLine(_ line: ArraySlice<UInt8>) -> HTTPMessageHead? {
        let parts = line.split(separator: 32, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let minor = httpMinorVersion(parts[0]), parts[1].count == 3,
            let status = Int(String(decoding: parts[1], as: UTF8.self)), (100...599).contains(status)
        else {
            _ = fail(400, "bad_status_line", "status line is not HTTP/1.x NNN reason")
            return nil
        }
        return HTTPMessageHead(method: "", path: "", query: nil, status: status, minorVersion: minor)
    }

    private mutating func httpMinorVersion(_ version: ArraySlice<UInt8>) -> Int? {
        switch String(decoding: version, as: UTF8.self) {
        case "HTTP/1.1": return 1
        case "HTTP/1.0": return 0
        default:
            _ = fail(505, "version_not_supported", "only HTTP/1.1 and HTTP/1.0 are spoken")
            return nil
        }
    }

    private mutating func parseField(_ line: ArraySlice<UInt8>) -> (String, String)? {
        guard let first = line.first, first != 32, first != 9 else {
            _ = fail(400, "obs_fold", "folded header lines are not accepted")
            return nil
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            _ = fail(400, "bad_header", "header line without a name and colon")
            return nil
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(Self.isTokenByte) else {
            _ = fail(400, "bad_header_name", "header name is not a token (no spaces before the colon)")
            return nil
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 32 || byte == 9 { value = value.dropFirst() }
        while let byte = value.last, byte == 32 || byte == 9 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 9 || $0 >= 32 && $0 != 127 }) else {
            _ = fail(400, "bad_header_value", "header value contains control characters")
            return nil
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private mutating func framing(for head: HTTPMessageHead) -> HTTPMessageHead.Framing? {
        let lengths = head.headers.values("Content-Length")
        let encodings = head.headers.values("Transfer-Encoding")
        if kind == .request && head.minorVersion == 1 && head.headers.values("Host").count != 1 {
            _ = fail(400, "bad_host", "HTTP/1.1 requests need exactly one Host header")
            return nil
        }
        if kind == .response {
            let noBody = nextResponseIsToHead || head.status < 200 || head.status == 204 || head.status == 304
            nextResponseIsToHead = false
            if noBody { return HTTPMessageHead.Framing.none }
        }
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                _ = fail(400, "ambiguous_length", "both Content-Length and Transfer-Encoding")
                return nil
            }
            guard encodings.count == 1, encodings[0].lowercased() == "chunked" else {
                _ = fail(501, "unsupported_transfer_encoding", "only Transfer-Encoding: chunked is supported")
                return nil
            }
            return .chunked
        }
        if !lengths.isEmpty {
            let first = lengths[0]
            guard lengths.allSatisfy({ $0 == first }), (1...18).contains(first.utf8.count),
                first.utf8.allSatisfy({ (48...57).contains($0) }), let length = Int(first)
            else {
                _ = fail(400, "bad_content_length", "Content-Length is not one decimal number")
                return nil
            }
            guard length <= limits.maxBodyBytes else {
                _ = fail(413, "body_too_large", "body of \(length) bytes exceeds \(limits.maxBodyBytes)")
                return nil
            }
            return length == 0 ? HTTPMessageHead.Framing.none : .length(length)
        }
        return kind == .request ? HTTPMessageHead.Framing.none : .untilClose
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }
}
