import BacklineAudit
import BacklineCore
import Foundation

/// Loads the JSON fixtures in Tests/Vectors/audit (one generic Codable loader).
enum AuditVectors {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors/audit")

    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    struct Tree: Decodable {
        struct Hasher: Decodable { let leafInput, leafHash, nodeLeft, nodeRight, nodeHash: String }
        let leaves: [String]
        let roots: [String]
        let leafHashes: [String]
        let hasher: Hasher
    }

    struct Inclusion: Decodable {
        let desc: String
        let leafIndex: Int
        let treeSize: Int
        let leafHash: String
        let root: String
        let proof: [String]
        let wantErr: Bool
        var label: String { "\(desc) (\(leafIndex), \(treeSize))" }
    }

    struct Consistency: Decodable {
        let desc: String
        let size1: Int
        let size2: Int
        let root1: String
        let root2: String
        let proof: [String]
        let wantErr: Bool
        var label: String { "\(desc) (\(size1) -> \(size2))" }
    }

    struct Note: Decodable {
        let verifierKey: String
        let publicKey: String
        let text: String
        let signatureLine: String
        let checkpointOrigin: String
        let checkpointSize: Int
        let checkpointBody: String
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = hex.makeIterator()
        while let a = chars.next(), let b = chars.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }
}
