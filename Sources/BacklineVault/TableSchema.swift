/// The shape of one vault table: its fields, the fields forming its unique key, and field pairs
/// whose order is checked (`scan_out` not before `scan_in`).
public struct TableSchema: Sendable {
    /// Table name, also the stem of its stream name and of its CSV file in the `backline` preset.
    public let name: String
    /// Fields in storage order.
    public let fields: [FieldSpec]
    /// Names of the fields whose values must be unique together.
    public let key: [String]
    /// Pairs (earlier, later) of timestamp fields: `later` may be missing but never before `earlier`.
    public let ordered: [(earlier: String, later: String)]

    /// A table description.
    public init(name: String, fields: [FieldSpec], key: [String], ordered: [(earlier: String, later: String)] = []) {
        self.name = name
        self.fields = fields
        self.key = key
        self.ordered = ordered
    }

    /// Position of the field called `name`.
    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

    /// Positions of the key fields.
    var keyIndices: [Int] { key.compactMap { index(of: $0) } }
}
