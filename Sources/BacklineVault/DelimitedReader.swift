internal import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

/// Streams records out of a CSV/TSV file descriptor with a bounded buffer (RFC 4180 quoting:
/// `"a,b"`, `"say ""hi"""`, newlines inside quotes; CRLF or LF line ends; blank lines skipped).
///
/// Memory stays bounded: a read buffer of ``bufferSize`` bytes and one record of at most
/// ``maximumRecordBytes`` bytes (longer records are an error), whatever the file's size.
/// Quoting is honoured when the delimiter is not a tab; tab-separated files (Last.fm's `.dat`)
/// treat `"` as an ordinary character, as TSV has no quoting.
public final class DelimitedReader {
    /// Default read-buffer size.
    public static let bufferSize = 1 << 20
    /// Longest accepted record, in bytes.
    public let maximumRecordBytes: Int
    /// The field separator.
    public private(set) var delimiter: UInt8
    /// Name used in errors.
    public let path: String
    /// 1-based line on which the current record starts.
    public private(set) var recordLine = 0
    /// Bytes consumed so far.
    public private(set) var bytesRead = 0

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var atEnd = false
    private var line = 1
    private var quoting = true
    private var recordBytes: [UInt8] = []
    private var fieldEnds: [Int] = []

    /// Opens `path` (`-` for standard input). `delimiter` nil detects it from the first line
    /// (the most frequent of tab, comma, semicolon and `|`; comma if none occurs).
    public convenience init(path: String, delimiter: UInt8? = nil, maximumRecordBytes: Int = 1 << 20) throws {
        if path == "-" {
            try self.init(
                descriptor: 0,
                ownsDescriptor: false,
                name: "<stdin>",
                delimiter: delimiter,
                maximumRecordBytes: maximumRecordBytes
            )
        } else {
            let fd = try SystemCall.retrying("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
            try self.init(descriptor: fd, ownsDescriptor: true, name: path, delimiter: delimiter, maximumRecordBytes: maximumRecordBytes)
        }
    }

    /// Reads from an open descriptor, closed on release when `ownsDescriptor`.
    public init(
        descriptor: Int32,
        ownsDescriptor: Bool,
        name: String,
        delimiter: UInt8?,
        maximumRecordBytes: Int = 1 << 20,
        bufferSize: Int = DelimitedReader.bufferSize
    ) throws {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.path = name
        self.maximumRecordBytes = maximumRecordBytes
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 16))
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        if delimiter == nil {
            try refill()
            self.delimiter = Self.detectDelimiter(buffer[0..<filled])
        }
        quoting = self.delimiter != UInt8(ascii: "\t")
        recordBytes.reserveCapacity(4096)
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    /// Size of the input when it is a regular file (nil for pipes), to size columns ahead.
    public var fileSize: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// The most frequent candidate delimiter on the first line, outside quotes.
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: "\t"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        for byte in bytes {
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
                continue
            }
            if quoted { continue }
            if byte == UInt8(ascii: "\n") { break }
            if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else { return UInt8(ascii: ",") }
        return candidates[best]
    }

    private func refill() throws {
        if position < filled { return }
        let n = try buffer.withUnsafeMutableBytes { raw in
            try SystemCall.retrying("read", path: path) { read(descriptor, raw.baseAddress!, raw.count) }
        }
        position = 0
        filled = n
        bytesRead += n
        if n == 0 { atEnd = true }
    }

    /// Number of fields in the current record.
    public var fieldCount: Int { fieldEnds.count }

    /// The bytes of field `index` of the current record (valid until the next ``nextRecord()``).
    public func withField<R, E: Error>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        let end = fieldEnds[index]
        let result: Result<R, E> = recordBytes.withUnsafeBufferPointer { all in
            do throws(E) {
                return .success(try body(UnsafeBufferPointer(rebasing: all[start..<end])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Field `index` decoded as UTF-8 (nil if invalid).
    public func fieldString(_ index: Int) -> String? {
        withField(index) { String(validating: $0, as: UTF8.self) }
    }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    /// Advances to the next non-blank record; false at the end of the input.
    public func nextRecord() throws -> Bool {
        while true {
            recordBytes.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            var state = State.fieldStart
            recordLine = line
            var sawAnything = false
            var complete = false
            while !complete {
                if position == filled {
                    try refill()
                    if atEnd { break }
                }
                let delimiter = self.delimiter
                let quoting = self.quoting
                let limit = maximumRecordBytes
                let end = filled
                var position = self.position
                var line = self.line
                var recordBytes = self.recordBytes
                var fieldEnds = self.fieldEnds
                self.recordBytes = []
                self.fieldEnds = []
                defer {
                    self.position = position
                    self.line = line
                    self.recordBytes = recordBytes
                    self.fieldEnds = fieldEnds
                }
                try buffer.withUnsafeBufferPointer { bytes in
                    while position < end {
                        let byte = bytes[position]
                        position += 1
                        sawAnything = true
                        switch state {
                        case .fieldStart, .unquoted:
                            if byte == delimiter {
                                fieldEnds.append(recordBytes.count)
                                state = .fieldStart
                            } else if byte == 10 {
                                line += 1
                                if state == .unquoted, recordBytes.last == 13 { recordBytes.removeLast() }
                                fieldEnds.append(recordBytes.count)
                                complete = true
                                return
                            } else if byte == 34 && quoting && state == .fieldStart {
                                state = .quoted
                            } else {
                                recordBytes.append(byte)
                                state = .unquoted
                            }
                        case .quoted:
                            if byte == 34 {
                                state = .afterQuote
                            } else {
                                if byte == 10 { line += 1 }
                                recordBytes.append(byte)
                            }
                        case .afterQuote:
                            if byte == 34 {
                                recordBytes.append(34)
                                state = .quoted
                            } else if byte == delimiter {
                                fieldEnds.append(recordBytes.count)
                                state = .fieldStart
                            } else if byte == 10 {
                                line += 1
                                fieldEnds.append(recordBytes.count)
                                complete = true
                                return
                            } else if byte != 13 {
                                throw VaultError.malformedInput(
                                    self.path,
                                    line: line,
                                    "unexpected character after a closing quote in field \(fieldEnds.count + 1)"
                                )
                            }
                        }
                        if recordBytes.count > limit {
                            throw VaultError.malformedInput(self.path, line: self.recordLine, "record longer than \(limit) bytes")
                        }
                    }
                }
            }
            if !complete {
                if state == .quoted { throw VaultError.malformedInput(path, line: recordLine, "quoted field is never closed") }
                guard sawAnything else { return false }
                if state == .unquoted, recordBytes.last == 13 { recordBytes.removeLast() }
                fieldEnds.append(recordBytes.count)
            }
            if fieldEnds.count == 1 && recordBytes.isEmpty && state != .afterQuote {
                if atEnd && !complete { return false }
                continue
            }
            return true
        }
    }
}
