internal import BacklineCore

/// Writes generated rows as the `backline` preset's CSV files (`<table>.csv`, header = field
/// names) in a directory; each file is written atomically (temporary file, fsync, rename) by
/// ``finish()``.
public final class CSVSyntheticSink: SyntheticSink {
    private var writers: [String: (file: AtomicFileWriter, buffer: [UInt8])] = [:]
    private let directory: String

    /// A sink writing into `directory` (which must exist).
    public init(directory: String) { self.directory = directory }

    public func add(_ table: TableSchema, _ values: [SyntheticValue]) throws {
        if writers[table.name] == nil {
            let file = try AtomicFileWriter(path: directory + "/" + table.name + ".csv", mode: 0o600)
            writers[table.name] = (file, Array((table.fields.map(\.name).joined(separator: ",") + "\n").utf8))
        }
        var buffer = writers[table.name]!.buffer
        writers[table.name]!.buffer = []
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            Self.append(value, to: &buffer)
        }
        buffer.append(10)
        if buffer.count >= 1 << 20 {
            try writers[table.name]!.file.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        writers[table.name]!.buffer = buffer
    }

    /// Flushes and commits every file.
    public func finish() throws {
        for name in writers.keys.sorted() {
            let writer = writers[name]!
            try writer.file.write(writer.buffer)
            try writer.file.commit()
        }
        writers = [:]
    }

    static func append(_ value: SyntheticValue, to buffer: inout [UInt8]) {
        switch value {
        case .integer(let number): buffer.append(contentsOf: String(number).utf8)
        case .cents(let cents):
            buffer.append(contentsOf: String(cents / 100).utf8)
            buffer.append(UInt8(ascii: "."))
            let rest = cents % 100
            if rest < 10 { buffer.append(UInt8(ascii: "0")) }
            buffer.append(contentsOf: String(rest).utf8)
        case .text(let text): appendQuoted(text, to: &buffer)
        case .timestamp(let seconds): buffer.append(contentsOf: FieldParser.formatTimestamp(seconds).utf8)
        case .integers(let list): buffer.append(contentsOf: list.map(String.init).joined(separator: ";").utf8)
        case .texts(let list): appendQuoted(list.joined(separator: ";"), to: &buffer)
        case .missing: break
        }
    }

    /// RFC 4180: quoted when the text holds a comma, quote, CR or LF; quotes doubled.
    static func appendQuoted(_ text: String, to buffer: inout [UInt8]) {
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            buffer.append(contentsOf: text.utf8)
            return
        }
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }
}
