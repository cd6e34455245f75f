/// One input of an import: a delimited file, the table its rows go to and which column feeds
/// each field.
public struct ImportSource: Sendable {
    /// How the file's rows become table rows.
    public enum Layout: Sendable {
        /// One input row is one table row.
        case rows
        /// Last.fm tags: `path` is `user_taggedartists.dat` (userID, artistID, tagID, …) and
        /// `tagNamesPath` is `tags.dat` (tagID, tagValue); rows are counted per (artist, tag)
        /// into `artist_tags`.
        case lastfmTags(tagNamesPath: String)
    }

    /// The input file (`-` for standard input).
    public var path: String
    /// The table its rows go to.
    public var table: TableSchema
    /// Field name → column (a header name, or `#N` for the N-th column, 1-based). Fields not
    /// listed are looked up by their own name in the header; optional fields may be absent.
    public var mapping: [String: String]
    /// Field separator, or nil to detect it.
    public var delimiter: UInt8?
    /// How text is decoded.
    public var encoding: TextEncoding
    /// How rows are formed.
    public var layout: Layout

    /// A source.
    public init(
        path: String,
        table: TableSchema,
        mapping: [String: String] = [:],
        delimiter: UInt8? = nil,
        encoding: TextEncoding = .utf8,
        layout: Layout = .rows
    ) {
        self.path = path
        self.table = table
        self.mapping = mapping
        self.delimiter = delimiter
        self.encoding = encoding
        self.layout = layout
    }
}
