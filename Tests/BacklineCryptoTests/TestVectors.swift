import Foundation

/// One file of published or pinned test vectors under `Tests/Vectors/`: `{ "source": …, "vectors": [ … ] }`.
struct VectorFile<Vector: Decodable>: Decodable {
    let source: String
    let vectors: [Vector]

    /// Loads `Tests/Vectors/<name>`, found relative to this source file.
    static func load(_ name: String, filePath: String = #filePath) throws -> [Vector] {
        let testsDirectory = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        let url = testsDirectory.appendingPathComponent("Vectors").appendingPathComponent(name)
        let file = try JSONDecoder().decode(VectorFile<Vector>.self, from: Data(contentsOf: url))
        precondition(!file.vectors.isEmpty, "\(name) holds no vectors")
        return file.vectors
    }
}

/// Hex strings in vector files.
enum Hex {
    static func bytes(_ text: String) -> [UInt8] {
        precondition(text.count % 2 == 0, "odd-length hex")
        var result = [UInt8]()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            result.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static func string(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// `bytes` with bit `bit` (0 = lowest bit of byte 0) inverted.
func flippingBit(_ bytes: [UInt8], _ bit: Int) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= UInt8(1 << (bit % 8))
    return copy
}
