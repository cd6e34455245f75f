/// Collects generated rows into a ``VaultData`` (commit it with ``VaultData/commit(to:changed:)``).
public struct VaultSyntheticSink: SyntheticSink {
    /// The rows so far.
    public private(set) var data = VaultData()

    /// An empty sink.
    public init() {}

    public mutating func add(_ table: TableSchema, _ values: [SyntheticValue]) throws {
        var columnar = data.tables.removeValue(forKey: table.name)!
        var row = TableRow(schema: table)
        for (index, value) in values.enumerated() {
            switch value {
            case .integer(let number), .timestamp(let number): row.integers[index] = number
            case .cents(let cents): row.reals[index] = Float(cents) / 100
            case .text(let text): row.texts[index] = columnar.intern(text)
            case .integers(let list): row.lists[index] = list
            case .texts(let list): row.lists[index] = list.map { Int64(columnar.intern($0)) }
            case .missing: break
            }
        }
        columnar.append(row)
        data.tables[table.name] = columnar
    }
}
