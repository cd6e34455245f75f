import BacklineCore
public import Foundation

/// A published global model version: either its bytes or the path of its file, and a checksum.
public struct ModelVersionRecord: Sendable, Hashable {
    /// The version number (positive, strictly increasing).
    public var version: Int64
    /// The model bytes, when stored inline.
    public var bytes: [UInt8]?
    /// The model file's path, when stored outside the database.
    public var path: String?
    /// SHA-256 of the model bytes (32 bytes).
    public var checksum: [UInt8]
    /// The round it came from, if any.
    public var round: Int64?
    /// When it was created.
    public var createdAt: Date

    /// Creates a record; at least one of `bytes` and `path` must be given.
    public init(
        version: Int64,
        bytes: [UInt8]? = nil,
        path: String? = nil,
        checksum: [UInt8],
        round: Int64? = nil,
        createdAt: Date
    ) {
        self.version = version
        self.bytes = bytes
        self.path = path
        self.checksum = checksum
        self.round = round
        self.createdAt = createdAt
    }
}
