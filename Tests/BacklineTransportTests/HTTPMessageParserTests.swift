import BacklineCore
import Testing

@testable import BacklineTransport

/// The request/response parser as a state machine, without I/O.
@Suite struct HTTPMessageParserTests {
    static let limits = HTTPLimits(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 8, maxBodyBytes: 4096)

    private func parse(_ text: String, kind: HTTPMessageParser.Kind = .request, limits: HTTPLimits = limits) -> [HTTPMessageParser.Action] {
        var parser = HTTPMessageParser(kind: kind, limits: limits)
        Array(text.utf8).withUnsafeBytes { parser.append($0) }
        var actions: [HTTPMessageParser.Action] = []
        while true {
            let action = parser.next()
            actions.append(action)
            if case .needMoreData = action { break }
            if case .failed = action { break }
        }
        return actions
    }

    private func messages(_ actions: [HTTPMessageParser.Action]) -> [(HTTPMessageHead, [UInt8])] {
        actions.compactMap { if case .message(let head, let body) = $0 { return (head, body) } else { return nil } }
    }

    private func failure(_ actions: [HTTPMessageParser.Action]) -> HTTPParseFailure? {
        actions.compactMap { if case .failed(let failure) = $0 { return failure } else { return nil } }.first
    }

    @Test func parsesGetWithQueryAndHeaders() {
        let parsed = messages(parse("GET /v1/rounds/current?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing:  v  \r\n\r\n"))
        #expect(parsed.count == 1)
        #expect(parsed[0].0.method == "GET")
        #expect(parsed[0].0.path == "/v1/rounds/current")
        #expect(parsed[0].0.query == "x=1")
        #expect(parsed[0].0.headers["x-thing"] == "v")
        #expect(parsed[0].0.keepAlive)
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let one = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        let two = "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        let parsed = messages(parse(one + two))
        #expect(parsed.map(\.0.path) == ["/a", "/b"])
        #expect(parsed[0].1 == Array("abc".utf8))
        #expect(!parsed[1].0.keepAlive)
    }

    @Test func parsesChunkedBodyWithExtensionsAndTrailers() {
        let text =
            "POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n"
        let parsed = messages(parse(text))
        #expect(parsed.count == 1)
        #expect(parsed.first?.1 == Array("Wikipedia".utf8))
    }

    @Test func parsesInputFedOneByteAtATime() {
        let text = Array("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8)
        var parser = HTTPMessageParser(kind: .request, limits: Self.limits)
        var bodies: [[UInt8]] = []
        for byte in text {
            [byte].withUnsafeBytes { parser.append($0) }
            loop: while true {
                switch parser.next() {
                case .message(_, let body): bodies.append(body)
                case .needMoreData: break loop
                case .failed(let failure):
                    Issue.record("failed: \(failure)")
                    return
                case .head: continue
                }
            }
        }
        #expect(bodies == [Array("abc".utf8)])
        #expect(parser.isIdle)
    }

    @Test func refusesOversizedBodyFromContentLengthBeforeReadingIt() {
        let actions = parse("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 4097\r\n\r\n")
        #expect(failure(actions)?.status == 413)
        #expect(failure(actions)?.code == "body_too_large")
    }

    @Test func refusesOversizedChunkedBody() {
        let actions = parse(
            "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFF\r\n" + String(repeating: "x", count: 0xFFF) + "\r\n2\r\n"
        )
        #expect(failure(actions)?.status == 413)
    }

    @Test(arguments: [
        (
            "GET / HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Pad: " + String(repeating: "p", count: 100) + "\r\n", count: 10)
                + "\r\n", 431
        ),
        ("GET / HTTP/1.1\r\nHost: a\r\n" + (0..<9).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        ("GET /" + String(repeating: "a", count: 300) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("GET / HTTP/1.1\nHost: a\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("get / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
        ("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{1}b\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 400),
    ])
    func refusesMalformedOrOversizedRequests(text: String, status: Int) {
        #expect(failure(parse(text))?.status == status, "\(text.debugDescription)")
    }

    @Test func waitsForMoreWhileHeaderIsIncompleteAndWithinLimits() {
        let actions = parse("GET / HTTP/1.1\r\nHost: a\r\n")
        #expect(actions == [.needMoreData])
    }

    @Test func parsesResponsesWithLengthChunkedAndUntilClose() {
        #expect(messages(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", kind: .response)).first?.1 == Array("hi".utf8))
        #expect(messages(parse("HTTP/1.1 204 No Content\r\n\r\n", kind: .response)).first?.0.status == 204)
        var parser = HTTPMessageParser(kind: .response, limits: Self.limits)
        Array("HTTP/1.0 200 OK\r\n\r\nbody".utf8).withUnsafeBytes { parser.append($0) }
        _ = parser.next()
        _ = parser.next()
        guard case .message(let head, let body) = parser.finishAtEndOfInput() else {
            Issue.record("read-until-close response not completed at EOF")
            return
        }
        #expect(head.status == 200)
        #expect(body == Array("body".utf8))
    }

    @Test func reportsTruncationWhenInputEndsMidBody() {
        var parser = HTTPMessageParser(kind: .request, limits: Self.limits)
        Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc".utf8).withUnsafeBytes { parser.append($0) }
        _ = parser.next()
        _ = parser.next()
        guard case .failed(let failure) = parser.finishAtEndOfInput() else {
            Issue.record("truncation not reported")
            return
        }
        #expect(failure.code == "truncated")
    }

    @Test func survivesTenThousandMutatedRequests() {
        let seed = Array(
            "POST /v1/rounds/3/updates?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nX: y\r\n\r\n5\r\nhello\r\n0\r\n\r\n".utf8
        )
        var generator = SeededGenerator(seed: 42)
        var outcomes = [0, 0, 0]
        for _ in 0..<10_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            var parser = HTTPMessageParser(kind: .request, limits: Self.limits)
            bytes.withUnsafeBytes { parser.append($0) }
            var steps = 0
            loop: while steps < 100 {
                steps += 1
                switch parser.next() {
                case .needMoreData:
                    outcomes[0] += 1
                    break loop
                case .failed(let failure):
                    #expect([400, 413, 414, 431, 501, 505].contains(failure.status))
                    outcomes[1] += 1
                    break loop
                case .message: outcomes[2] += 1
                case .head: continue
                }
            }
            #expect(steps < 100, "parser did not settle")
        }
        #expect(outcomes[1] > 1000, "mutations were not refused: \(outcomes)")
    }
}
