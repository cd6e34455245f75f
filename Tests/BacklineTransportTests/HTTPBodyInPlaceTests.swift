import BacklineCore
import Testing

@testable import BacklineTransport

/// Content-Length bodies read straight into their buffer (``HTTPMessageParser/receiveFixedBody(_:)``):
/// the same bytes as the buffered path, pipelined data kept, truncation and errors reported, and
/// every refusal of the head still made before a body byte is read.
@Suite struct HTTPBodyInPlaceTests {
    static let limits = HTTPLimits(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 8, maxBodyBytes: 1 << 20)

    /// A reader over `source` that hands out at most `piece` bytes per call and counts its calls.
    final class PieceReader {
        let source: [UInt8]
        let piece: Int
        var offset = 0
        var calls = 0
        init(_ source: [UInt8], piece: Int) {
            self.source = source
            self.piece = piece
        }
        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            calls += 1
            let count = min(piece, buffer.count, source.count - offset)
            source.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) }
            offset += count
            return count
        }
    }

    struct ReadFailure: Error {}

    private func body(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Feeds `prefix` and steps the parser until it waits for the body.
    private func parserAwaitingBody(_ prefix: [UInt8]) -> HTTPMessageParser {
        var parser = HTTPMessageParser(kind: .request, limits: Self.limits)
        prefix.withUnsafeBytes { parser.append($0) }
        if case .head = parser.next() {} else { Issue.record("no head") }
        #expect(parser.next() == .needMoreData)
        #expect(parser.isAwaitingFixedBody)
        return parser
    }

    /// Part of the body came with the head, the rest arrives in uneven pieces, and the next
    /// pipelined request stays unread for the buffered path: bytes match exactly.
    @Test(arguments: [(1, 1), (1000, 7), (65_537, 16_384), (1 << 20, 4093)])
    func bodyReadInPlaceMatchesTheBytesSent(length: Int, piece: Int) throws {
        let payload = body(length, seed: UInt64(length))
        let head = Array("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: \(length)\r\n\r\n".utf8)
        let withHead = min(length - 1, 300)
        var parser = parserAwaitingBody(head + payload[0..<withHead])
        let next = Array("GET /after HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let reader = PieceReader(Array(payload[withHead...]) + next, piece: piece)
        let complete = parser.receiveFixedBody(reader.read)
        #expect(complete)
        #expect(reader.offset == length - withHead, "read past the body")
        guard case .message(let parsed, let received) = parser.next() else {
            Issue.record("no message after the body was read")
            return
        }
        #expect(parsed.path == "/u")
        #expect(received == payload)
        Array(reader.source[reader.offset...]).withUnsafeBytes { parser.append($0) }
        guard case .message(let after, let empty) = parser.next() else {
            Issue.record("the pipelined request was lost")
            return
        }
        #expect(after.path == "/after" && empty.isEmpty)
        #expect(parser.isIdle)
    }

    @Test func inputEndingMidBodyIsReportedAsTruncation() {
        var parser = parserAwaitingBody(Array("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc".utf8))
        let reader = PieceReader(Array(repeating: 1, count: 40), piece: 9)
        let complete = parser.receiveFixedBody(reader.read)
        #expect(!complete)
        guard case .failed(let failure) = parser.next() else {
            Issue.record("a short body was not refused")
            return
        }
        #expect(failure.code == "truncated")
        #expect(!parser.isIdle)
    }

    @Test func aReadErrorIsRethrownAndTheParserFails() {
        var parser = parserAwaitingBody(Array("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n".utf8))
        do {
            _ = try parser.receiveFixedBody { _ in throw ReadFailure() }
            Issue.record("the read error was swallowed")
        } catch {
            #expect(error is ReadFailure)
        }
        guard case .failed(let failure) = parser.next() else {
            Issue.record("the parser went on after a read error")
            return
        }
        #expect(failure.code == "truncated")
    }

    @Test func aReaderClaimingMoreThanItWasGivenCannotOverrunTheBody() {
        var parser = parserAwaitingBody(Array("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n".utf8))
        let complete = parser.receiveFixedBody { buffer in
            for index in buffer.indices { buffer[index] = 5 }
            return buffer.count + 1000
        }
        #expect(complete)
        guard case .message(_, let received) = parser.next() else {
            Issue.record("no message")
            return
        }
        #expect(received == [UInt8](repeating: 5, count: 10))
    }

    @Test func nothingIsReadInPlaceUnlessABodyIsAwaited() {
        var idle = HTTPMessageParser(kind: .request, limits: Self.limits)
        let reader = PieceReader(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8), piece: 100)
        #expect(!idle.isAwaitingFixedBody)
        let complete = idle.receiveFixedBody(reader.read)
        #expect(!complete)
        #expect(reader.calls == 0)
        var chunked = HTTPMessageParser(kind: .request, limits: Self.limits)
        Array("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".utf8).withUnsafeBytes { chunked.append($0) }
        _ = chunked.next()
        #expect(!chunked.isAwaitingFixedBody)
    }

    /// Smuggling and size refusals are made from the head, so the in-place path never starts.
    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", "ambiguous_length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", "bad_content_length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc", "bad_content_length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\nabc", "body_too_large"),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "bad_host"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 3\r\n\r\nabc", "bad_header_name"),
    ])
    func refusalsHappenBeforeAnyBodyIsRead(text: String, code: String) {
        var parser = HTTPMessageParser(kind: .request, limits: Self.limits)
        Array(text.utf8).withUnsafeBytes { parser.append($0) }
        guard case .failed(let failure) = parser.next() else {
            Issue.record("\(text.debugDescription) was not refused")
            return
        }
        #expect(failure.code == code)
        #expect(!parser.isAwaitingFixedBody)
        let reader = PieceReader([1, 2, 3], piece: 3)
        let complete = parser.receiveFixedBody(reader.read)
        #expect(!complete)
        #expect(reader.calls == 0)
    }

    /// A body smuggling a second request inside it is just body bytes; what follows it is parsed
    /// and refused on its own.
    @Test func requestAfterAnInPlaceBodyIsStillChecked() {
        let inner = "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"
        var parser = parserAwaitingBody(Array("POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: \(inner.utf8.count)\r\n\r\n".utf8))
        let reader = PieceReader(
            Array((inner + "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n").utf8),
            piece: 5
        )
        let complete = parser.receiveFixedBody(reader.read)
        #expect(complete)
        guard case .message(let head, let received) = parser.next() else {
            Issue.record("no message")
            return
        }
        #expect(head.path == "/u" && received == Array(inner.utf8))
        Array(reader.source[reader.offset...]).withUnsafeBytes { parser.append($0) }
        guard case .failed(let failure) = parser.next() else {
            Issue.record("the smuggling request after the body was not refused")
            return
        }
        #expect(failure.code == "ambiguous_length")
    }
}
