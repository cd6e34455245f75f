import BacklineCore
import Testing

@Suite(.serialized) struct ProcessHardeningTests {
    @Test func coreDumpsAreDisabled() throws {
        try ProcessHardening.disableCoreDumps()
        #expect(ProcessHardening.coreDumpLimit() == 0)
    }
}
