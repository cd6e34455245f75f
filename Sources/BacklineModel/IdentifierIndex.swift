/// External identifiers (member ids, artist ids, tag ids as strings) mapped to dense indices.
public struct IdentifierIndex: Sendable, Equatable {
    /// Identifiers in index order.
    public private(set) var identifiers: [String] = []
    private var positions: [String: Int] = [:]

    /// An empty index.
    public init() {}

    /// An index over `identifiers` in the given order; throws `malformed` on a duplicate or an
    /// identifier containing a comma, tab or newline.
    public init(_ identifiers: [String]) throws {
        for identifier in identifiers {
            guard positions[identifier] == nil else { throw ModelError.malformed("identifier '\(identifier)' appears twice") }
            guard !identifier.isEmpty, !identifier.contains(where: { $0 == "," || $0 == "\t" || $0.isNewline }) else {
                throw ModelError.malformed("identifier '\(identifier)' is empty or contains a separator")
            }
            _ = insert(identifier)
        }
    }

    /// The index of `identifier`, adding it if new.
    @discardableResult
    public mutating func insert(_ identifier: String) -> Int {
        if let position = positions[identifier] { return position }
        positions[identifier] = identifiers.count
        identifiers.append(identifier)
        return identifiers.count - 1
    }

    /// The index of `identifier`, if known.
    public func index(of identifier: String) -> Int? { positions[identifier] }

    /// The index of `identifier`, or `unknownIdentifier` naming `kind`.
    public func require(_ identifier: String, kind: String) throws -> Int {
        guard let position = positions[identifier] else { throw ModelError.unknownIdentifier(kind, identifier) }
        return position
    }

    /// Number of identifiers.
    public var count: Int { identifiers.count }

    /// Identifiers joined by commas (for model metadata).
    public var joined: String { identifiers.joined(separator: ",") }

    /// Parses ``joined`` output.
    public init(joined: String) throws {
        try self.init(joined.isEmpty ? [] : joined.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
}
