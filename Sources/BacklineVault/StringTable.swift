/// Interned strings of one table (names, genres, cities): each distinct string is stored once
/// and columns hold its index. Index 0 is always the empty string.
public struct StringTable: Sendable {
    /// The strings, by index.
    public private(set) var strings: [String] = [""]
    private var indices: [String: Int32] = ["": 0]

    /// A table holding only the empty string.
    public init() {}

    /// Number of distinct strings.
    public var count: Int { strings.count }

    /// The index of `string`, adding it if new.
    public mutating func intern(_ string: String) -> Int32 {
        if let index = indices[string] { return index }
        let index = Int32(strings.count)
        strings.append(string)
        indices[string] = index
        return index
    }

    /// The index of `string`, if present.
    public func index(of string: String) -> Int32? { indices[string] }

    /// The string at `index`.
    public subscript(index: Int32) -> String { strings[Int(index)] }
}
