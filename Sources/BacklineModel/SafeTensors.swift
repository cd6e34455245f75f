internal import BacklineCore
internal import Foundation

/// The safetensors layout for ``ParameterSet``s: an 8-byte little-endian header length, a JSON
/// header mapping each tensor name to `dtype` (always `F32` here), `shape` and `data_offsets`
/// (relative to the data section) plus a string-to-string `__metadata__`, then the raw
/// little-endian buffers, contiguous, in offset order. Readable by `safetensors.numpy.load_file`.
public enum SafeTensors {
    /// Largest header accepted (the reference implementation's limit).
    public static let maximumHeaderLength = 100 * 1024 * 1024

    /// The encoded bytes of `parameters` with `metadata`; the tensor data is copied in bulk.
    /// - Throws: `nonFinite` naming the first tensor (in name order) that holds a NaN or ±Inf.
    public static func encode(_ parameters: ParameterSet, metadata: [String: String] = [:]) throws -> [UInt8] {
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in parameters.names {
            let tensor = parameters[name]!
            let size = tensor.count * 4
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}"
            )
            offset += size
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        let total = 8 + header.count + offset
        return try [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            base.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            header.withUnsafeBytes { (base + 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            var at = 8 + header.count
            // Names in order: the first tensor holding a NaN or infinity is the one named.
            for name in parameters.names {
                let values = parameters[name]!.values
                if values.withUnsafeBufferPointer({ storeLittleEndian($0, to: base + at) }) != nil {
                    throw ModelError.nonFinite("tensor '\(name)'")
                }
                at += values.count * 4
            }
            initialized = total
        }
    }

    /// Decodes bytes produced by ``encode(_:metadata:)`` or any safetensors writer (F32 only).
    /// - Throws: `malformed` (truncated, header length beyond the file, bad JSON, other dtype,
    ///   overlapping or gapped offsets), `invalidShape` (shape and byte count disagree),
    ///   `nonFinite` (NaN or ±Inf in a tensor).
    public static func decode(_ bytes: [UInt8]) throws -> (parameters: ParameterSet, metadata: [String: String]) {
        guard bytes.count >= 8 else { throw ModelError.malformed("file of \(bytes.count) bytes is shorter than the 8-byte header length") }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw ModelError.malformed("header length \(headerLength) exceeds the limit of \(maximumHeaderLength) bytes")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw ModelError.malformed("header length \(headerLength) runs beyond the file (\(bytes.count - 8) bytes after the length)")
        }
        let dataStart = 8 + Int(headerLength)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw ModelError.malformed("header is not valid JSON")
        }
        guard let header = object as? [String: Any] else { throw ModelError.malformed("header is not a JSON object") }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let dictionary = raw as? [String: Any] else { throw ModelError.malformed("__metadata__ is not an object") }
            for (key, value) in dictionary {
                guard let text = value as? String else { throw ModelError.malformed("__metadata__ value of '\(key)' is not a string") }
                metadata[key] = text
            }
        }
        var described: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let entry = raw as? [String: Any] else { throw ModelError.malformed("entry '\(name)' is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw ModelError.malformed("tensor '\(name)' has no dtype") }
            guard dtype == "F32" else { throw ModelError.malformed("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            guard let shape = (entry["shape"] as? [Any])?.compactMap(integer),
                shape.count == (entry["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 })
            else { throw ModelError.invalidShape("tensor '\(name)' has an invalid shape") }
            guard let offsets = (entry["data_offsets"] as? [Any])?.compactMap(integer), offsets.count == 2,
                offsets[0] >= 0, offsets[0] <= offsets[1]
            else { throw ModelError.malformed("tensor '\(name)' has invalid data_offsets") }
            described.append((name, shape, offsets[0], offsets[1]))
        }
        described.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var parameters = ParameterSet()
        var expected = 0
        let dataLength = bytes.count - dataStart
        for item in described {
            guard item.begin == expected else {
                throw ModelError.malformed("tensor '\(item.name)' starts at \(item.begin), expected \(expected) (gap or overlap)")
            }
            guard item.end <= dataLength else {
                throw ModelError.malformed("tensor '\(item.name)' ends at \(item.end), beyond the \(dataLength) data bytes (truncated)")
            }
            let (count, overflow) = item.shape.reduce((1, false)) { partial, d in
                let p = partial.0.multipliedReportingOverflow(by: d)
                return (p.partialValue, partial.1 || p.overflow)
            }
            // The byte count must not wrap either: a shape of 2⁶² + 1 values would otherwise claim 4 bytes.
            let size = count.multipliedReportingOverflow(by: 4)
            guard !overflow, !size.overflow, size.partialValue == item.end - item.begin else {
                throw ModelError.invalidShape("tensor '\(item.name)' has shape \(item.shape) but \(item.end - item.begin) bytes")
            }
            let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                try bytes.withUnsafeBytes { raw in
                    if let index = loadLittleEndian(from: raw.baseAddress! + dataStart + item.begin, into: buffer) {
                        throw ModelError.nonFinite("tensor '\(item.name)' element \(index)")
                    }
                }
                initialized = count
            }
            try parameters.insert(item.name, Tensor(shape: item.shape, values: values))
            expected = item.end
        }
        guard expected == dataLength else {
            throw ModelError.malformed("\(dataLength - expected) bytes after the last tensor")
        }
        return (parameters, metadata)
    }

    /// Writes the encoding atomically (temporary file, fsync, rename) to `path`, mode 0600.
    public static func write(_ parameters: ParameterSet, metadata: [String: String] = [:], to path: String) throws {
        try AtomicFileWriter.write(encode(parameters, metadata: metadata), to: path)
    }

    /// Reads and decodes the file at `path`.
    public static func read(path: String) throws -> (parameters: ParameterSet, metadata: [String: String]) {
        try decode(FileAccess.readAll(path))
    }

    /// A JSON number that is a whole number in 0...2⁵³, else nil (never traps on huge values).
    private static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double >= 0, double <= 9_007_199_254_740_992, double == double.rounded() else { return nil }
        return Int(double)
    }

    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
