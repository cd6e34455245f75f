import BacklineCore
import Testing

@Suite struct AllocatorTuningTests {
    @Test func glibcAcceptsTheLargeBufferSettings() {
        // Found through dlsym and accepted by mallopt (it returns 1 only for a known parameter and
        // a value in range); a wrong parameter number or a missing symbol makes this false.
        #expect(AllocatorTuning.forLargeBuffers())
        #expect(AllocatorTuning.mmapThresholdBytes > 4_600_000)  // above one 4.5 MB update
    }
}
