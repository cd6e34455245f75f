/// The kind of values a field holds; the raw value is the tag stored in table streams.
public enum FieldKind: UInt8, Sendable, CustomStringConvertible {
    /// A signed 64-bit integer (ids, counts, years).
    case integer = 1
    /// A finite 32-bit float (prices, spend).
    case real = 2
    /// A UTF-8 string, stored as an index into the table's ``StringTable``.
    case text = 3
    /// Seconds since 1970-01-01T00:00:00Z, between 1900 and 2100; written as ISO 8601 in CSV.
    case timestamp = 4
    /// A list of integers (a show's artist ids), `;`-separated in CSV.
    case integerList = 5
    /// A list of strings (genres, interests), `;`-separated in CSV.
    case textList = 6

    public var description: String {
        switch self {
        case .integer: return "integer"
        case .real: return "real"
        case .text: return "text"
        case .timestamp: return "timestamp"
        case .integerList: return "integer list"
        case .textList: return "text list"
        }
    }

    /// Whether values live in the integer columns (integers and timestamps).
    var isIntegerStorage: Bool { self == .integer || self == .timestamp }
    /// Whether values are lists.
    var isList: Bool { self == .integerList || self == .textList }
}
