import BacklineCore
import Testing

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameSequence() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
    }

    @Test func differentSeedsDiffer() {
        var a = SeededGenerator(seed: 1)
        var b = SeededGenerator(seed: 2)
        #expect(a.next() != b.next())
    }

    @Test func gaussianHasUnitMoments() {
        var rng = SeededGenerator(seed: 7)
        let n = 100_000
        let draws = (0..<n).map { _ in rng.nextGaussian() }
        let mean = draws.reduce(0, +) / Double(n)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        #expect(abs(mean) < 4 / Double(n).squareRoot())
        #expect(abs(variance.squareRoot() - 1) < 0.01)
    }
}

@Suite struct BlockingExecutorTests {
    @Test func runsWorkAndSurvivesItsLastReferenceBeingDropped() async throws {
        var executor: BlockingExecutor? = BlockingExecutor(threadCount: 2, name: "test-executor")
        let result = try await executor!.run { 21 * 2 }
        #expect(result == 42)
        executor!.shutdown()
        executor = nil
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(executor == nil)
    }

    @Test func errorsReachTheCaller() async throws {
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await BlockingExecutor.shared.run { throw Boom() } }
    }
}
