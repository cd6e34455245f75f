import BacklineCore
import Foundation
import Testing

@testable import BacklineTestSupport

/// The fault proxy itself, against a plain line server on loopback: each fault does what it says
/// and a seed replays the same fault sequence.
@Suite struct FaultProxyTests {
    private typealias Fault = FaultProxy.Fault
    private typealias Position = FaultProxy.Position

    @Test func sameSeedGivesTheSameFaultSequenceInTheConfiguredShares() throws {
        let mix = try FaultProxy.Mix(drop: 0.10, reset: 0.05, truncate: 0.05, duplicate: 0.05, reorder: 0.25, delay: 0.05)
        var first = FaultProxy.Schedule.seeded(mix, seed: 53)
        var second = FaultProxy.Schedule.seeded(mix, seed: 53)
        var other = FaultProxy.Schedule.seeded(mix, seed: 54)
        let draws = 4_000
        let a = (0..<draws).map { _ in first.next() }
        let b = (0..<draws).map { _ in second.next() }
        let c = (0..<draws).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
        func share(_ matches: (Fault) -> Bool) -> Double { Double(a.filter(matches).count) / Double(draws) }
        // Binomial standard deviation at n = 4000 is under 0.007; allow about 4 of them.
        #expect(abs(share { if case .drop = $0 { true } else { false } } - 0.10) < 0.03)
        #expect(abs(share { $0 == .duplicate } - 0.05) < 0.03)
        #expect(abs(share { $0 == .reorder } - 0.25) < 0.03)
        #expect(abs(share { $0 == .pass } - 0.45) < 0.03)
    }

    @Test(arguments: [[Double.nan, 0], [-0.1, 0], [1.5, 0], [0.6, 0.6], [Double.infinity, 0]])
    func mixRefusesSharesThatAreNotProbabilities(_ shares: [Double]) {
        #expect(throws: FaultProxyError.self) { _ = try FaultProxy.Mix(drop: shares[0], reset: shares[1]) }
    }

    @Test func scriptedScheduleGivesItsFaultsThenTheDefault() {
        var schedule = FaultProxy.Schedule.scripted([.reorder, .duplicate], then: .delay(milliseconds: 5))
        #expect((0..<4).map { _ in schedule.next() } == [.reorder, .duplicate, .delay(milliseconds: 5), .delay(milliseconds: 5)])
    }

    @Test func pumpFiresAtTheAimedPositionAndNowhereElse() {
        var drop = FaultProxy.Pump(fault: .drop(at: Position(phase: 2, offset: 10)))
        #expect(drop.receive(50, flowing: .toUpstream) == [.forward(50)])
        #expect(drop.receive(4, flowing: .toClient) == [.forward(4)])
        #expect(drop.receive(20, flowing: .toClient) == [.forward(6), .close])
        // An offset past the phase's end fires when the next phase starts.
        var late = FaultProxy.Pump(fault: .reset(at: Position(phase: 1, offset: 1_000)))
        #expect(late.receive(100, flowing: .toUpstream) == [.forward(100)])
        #expect(late.receive(7, flowing: .toClient) == [.reset])
        var stall = FaultProxy.Pump(fault: .stall(at: Position(phase: 1, offset: 3), milliseconds: 40))
        #expect(stall.receive(10, flowing: .toUpstream) == [.forward(3), .pause(milliseconds: 40), .forward(7)])
        #expect(stall.receive(10, flowing: .toUpstream) == [.forward(10)])
        var truncate = FaultProxy.Pump(fault: .truncate(keeping: 5))
        #expect(truncate.receive(8, flowing: .toUpstream) == [.forward(8)])
        #expect(truncate.receive(8, flowing: .toClient) == [.forward(8)])
        #expect(truncate.receive(8, flowing: .toUpstream) == [.forward(5), .close])
        var pass = FaultProxy.Pump(fault: .pass)
        for phase in 0..<6 { #expect(pass.receive(9, flowing: phase % 2 == 0 ? .toUpstream : .toClient) == [.forward(9)]) }
        #expect(pass.phase == 6)
    }

    @Test func passForwardsBothWaysAndCountsThePhases() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(upstreamPort: server.port, schedule: .passThrough, log: { _ in })
        let client = try FaultProxyLineClient(port: proxy.port)
        #expect(client.send("hello"))
        #expect(client.receiveLine() == "ok hello")
        #expect(client.send("again"))
        #expect(client.receiveLine() == "ok again")
        client.socket.close()
        let record = try #require(waitForEnd(proxy, 0))
        #expect(record.outcome == .completed)
        #expect(record.phaseBytes == [6, 9, 6, 9])
    }

    @Test func truncatedRequestReachesTheUpstreamCutAndThenClosed() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(upstreamPort: server.port, schedule: .scripted([.truncate(keeping: 3)]), log: { _ in })
        let client = try FaultProxyLineClient(port: proxy.port)
        #expect(client.send("hello"))
        #expect(client.receiveLine() == "ok hello")
        #expect(client.send("request-body"))
        #expect(client.ending() == "eof")
        #expect(try #require(waitForEnd(proxy, 0)).outcome == .closedByFault)
        // The proxy has closed; the server may still be reading the last bytes it was sent.
        let expected = [Array("hello\nreq".utf8)]
        let deadline = Date().addingTimeInterval(5)
        while server.received != expected && Date() < deadline { usleep(10_000) }
        #expect(server.received == expected)
        #expect(server.lines == ["hello"])
    }

    @Test func resetReachesTheClientAsAConnectionReset() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(
            upstreamPort: server.port,
            schedule: .scripted([.reset(at: Position(phase: 2, offset: 0))]),
            log: { _ in }
        )
        let client = try FaultProxyLineClient(port: proxy.port)
        #expect(client.send("hello"))
        #expect(client.ending() == "reset")
        #expect(try #require(waitForEnd(proxy, 0)).outcome == .resetByFault)
    }

    @Test func duplicateReplaysTheClientBytesOnASecondConnection() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(upstreamPort: server.port, schedule: .scripted([.duplicate]), log: { _ in })
        let client = try FaultProxyLineClient(port: proxy.port)
        #expect(client.send("submit"))
        #expect(client.receiveLine() == "ok submit")
        client.socket.close()
        let record = try #require(waitForEnd(proxy, 0))
        #expect(record.replay?.sent == 7)
        #expect(record.replay?.answered == 10)
        #expect(server.received == [Array("submit\n".utf8), Array("submit\n".utf8)])
    }

    @Test func reorderedConnectionReachesTheUpstreamAfterTheNextOne() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(upstreamPort: server.port, schedule: .scripted([.reorder]), holdTimeout: .seconds(5), log: { _ in })
        let first = try FaultProxyLineClient(port: proxy.port)
        #expect(first.send("first"))
        usleep(100_000)
        let second = try FaultProxyLineClient(port: proxy.port)
        #expect(second.send("second"))
        #expect(second.receiveLine() == "ok second")
        second.socket.close()
        #expect(first.receiveLine() == "ok first")
        #expect(server.lines == ["second", "first"])
    }

    @Test func delayAndStallHoldTheBytesForTheirTime() throws {
        let server = try FaultProxyLineServer()
        let proxy = try FaultProxy(
            upstreamPort: server.port,
            schedule: .scripted([.delay(milliseconds: 300), .stall(at: Position(phase: 3, offset: 2), milliseconds: 300)]),
            log: { _ in }
        )
        let clock = ContinuousClock()
        let delayed = try FaultProxyLineClient(port: proxy.port)
        let delayTime = clock.measure {
            #expect(delayed.send("one"))
            #expect(delayed.receiveLine() == "ok one")
        }
        let stalled = try FaultProxyLineClient(port: proxy.port)
        #expect(stalled.send("two"))
        #expect(stalled.receiveLine() == "ok two")
        let stallTime = clock.measure {
            #expect(stalled.send("three"))
            #expect(stalled.receiveLine() == "ok three")
        }
        #expect(delayTime >= .milliseconds(290))
        #expect(stallTime >= .milliseconds(290))
        #expect(server.lines == ["one", "two", "three"])
    }

    /// The record of connection `index` once every connection has ended.
    private func waitForEnd(_ proxy: FaultProxy, _ index: Int) -> FaultProxy.Record? {
        proxy.settledRecords().dropFirst(index).first
    }
}
