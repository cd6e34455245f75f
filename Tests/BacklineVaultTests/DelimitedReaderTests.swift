import BacklineCore
import BacklineVault
import Foundation
import Testing

@Suite struct DelimitedReaderTests {
    static let tricky = "a,b,c\r\n1,\"x,y\",\"line\nbreak\"\r\n\r\n2,\"He said \"\"no\"\"\",\n3,,\"\"\n4,last,no-newline"

    static func records(
        _ text: String,
        bufferSize: Int,
        delimiter: UInt8? = nil,
        maximumRecordBytes: Int = 1 << 20
    ) throws -> (delimiter: UInt8, records: [[String]], lines: [Int]) {
        let fixture = try ImportFixture()
        let path = try fixture.write("input.csv", text)
        let fd = open(path, O_RDONLY)
        let reader = try DelimitedReader(
            descriptor: fd,
            ownsDescriptor: true,
            name: path,
            delimiter: delimiter,
            maximumRecordBytes: maximumRecordBytes,
            bufferSize: bufferSize
        )
        var records: [[String]] = []
        var lines: [Int] = []
        while try reader.nextRecord() {
            records.append((0..<reader.fieldCount).map { reader.fieldString($0) ?? "<invalid>" })
            lines.append(reader.recordLine)
        }
        return (reader.delimiter, records, lines)
    }

    @Test(arguments: [16, 17, 23, 64, 1 << 20])
    func recordsAreTheSameWhateverTheBufferSize(bufferSize: Int) throws {
        let result = try Self.records(Self.tricky, bufferSize: bufferSize)
        #expect(
            result.records == [
                ["a", "b", "c"], ["1", "x,y", "line\nbreak"], ["2", "He said \"no\"", ""], ["3", "", ""], ["4", "last", "no-newline"],
            ]
        )
        #expect(result.lines == [1, 2, 5, 6, 7])
    }

    @Test(arguments: [
        ("a\tb\tc\n1\t2\t3\n", UInt8(ascii: "\t")), ("a;b\n1;2\n", UInt8(ascii: ";")), ("a|b\n", UInt8(ascii: "|")),
        ("single\nx\n", UInt8(ascii: ",")),
    ])
    func delimiterIsDetectedFromTheHeader(text: String, expected: UInt8) throws {
        #expect(try Self.records(text, bufferSize: 1 << 16).delimiter == expected)
    }

    @Test func tabSeparatedFilesKeepQuotesLiterally() throws {
        let result = try Self.records("id\tname\n1\t\"Weird Al\" Yankovic\n", bufferSize: 1 << 16)
        #expect(result.records[1] == ["1", "\"Weird Al\" Yankovic"])
    }

    @Test func oversizedRecordIsRefusedWithBoundedMemory() throws {
        let long = "a,b\n1," + String(repeating: "x", count: 5000) + "\n"
        do {
            _ = try Self.records(long, bufferSize: 64, maximumRecordBytes: 1024)
            Issue.record("a 5000-byte record passed a 1024-byte limit")
        } catch let error as VaultError {
            #expect(error.code == .malformedInput)
            #expect(error.reason.contains(":2: record longer than 1024 bytes"))
        }
    }

    @Test func textAfterAClosingQuoteIsMalformed() throws {
        #expect(throws: VaultError.self) { try Self.records("a,b\n\"x\"y,2\n", bufferSize: 1 << 16) }
    }
}
