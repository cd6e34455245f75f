internal import Foundation

/// Turns what a user gives `backline data import` (files, `--preset`, `--table`, `--map`,
/// a mapping file, `--delimiter`, `--encoding`) into ``ImportSource``s.
///
/// Presets:
/// - `backline`: the generator's CSV files; the table is the file name's stem
///   (`members.csv` → `members`) and headers are the field names.
/// - `lastfm-user-artists`: `user_artists.dat` → `listening` (userID, artistID, weight).
/// - `lastfm-artists`: `artists.dat` → `artists` (id, name).
/// - `lastfm-tags`: `user_taggedartists.dat` and `tags.dat` (in any order) → `artist_tags`.
///   `tags.dat` holds Latin-1 bytes: import it with `--encoding latin1`.
public enum ImportPlan {
    /// Names of the built-in presets.
    public static let presets = ["backline", "lastfm-user-artists", "lastfm-artists", "lastfm-tags"]

    /// Builds the sources.
    /// - Parameters:
    ///   - files: input paths.
    ///   - preset: one of ``presets``, or nil.
    ///   - table: the target table (required without a preset that names one).
    ///   - mapOptions: `field=column` overrides.
    ///   - mappingJSON: a JSON object `{"field": "column", …}`, applied before `mapOptions`.
    ///   - delimiter: `tab`, `comma`, `semicolon`, `pipe` or one ASCII character; nil detects.
    ///   - encoding: `utf8` (default) or `latin1`.
    /// - Throws: ``VaultError`` `invalidMapping` naming the bad option.
    public static func make(
        files: [String],
        preset: String?,
        table: String?,
        mapOptions: [String] = [],
        mappingJSON: [UInt8]? = nil,
        delimiter: String? = nil,
        encoding: String? = nil
    ) throws -> [ImportSource] {
        guard !files.isEmpty else { throw VaultError.invalidMapping("no input files given") }
        let separator = try parseDelimiter(delimiter)
        let textEncoding: TextEncoding
        if let encoding {
            guard let parsed = TextEncoding(rawValue: encoding.lowercased()) else {
                throw VaultError.invalidMapping("--encoding must be utf8 or latin1, got '\(encoding)'")
            }
            textEncoding = parsed
        } else {
            textEncoding = .utf8
        }
        var overrides: [String: String] = [:]
        if let mappingJSON {
            guard let object = try? JSONSerialization.jsonObject(with: Data(mappingJSON)) as? [String: String] else {
                throw VaultError.invalidMapping("the mapping file must be a JSON object of field names to column names")
            }
            overrides = object
        }
        for option in mapOptions {
            guard let equals = option.firstIndex(of: "="), equals != option.startIndex, option.index(after: equals) != option.endIndex
            else {
                throw VaultError.invalidMapping("--map expects field=column, got '\(option)'")
            }
            overrides[String(option[..<equals])] = String(option[option.index(after: equals)...])
        }
        let explicitTable = try table.map { name -> TableSchema in
            guard let schema = VaultSchema.table(named: name) else {
                throw VaultError.invalidMapping(
                    "unknown table '\(name)' (tables: \(VaultSchema.tables.map(\.name).joined(separator: ", ")))"
                )
            }
            return schema
        }
        func checked(_ mapping: [String: String], for schema: TableSchema) throws -> [String: String] {
            for field in mapping.keys where schema.index(of: field) == nil {
                throw VaultError.invalidMapping(
                    "table \(schema.name) has no field '\(field)' (fields: \(schema.fields.map(\.name).joined(separator: ", ")))"
                )
            }
            return mapping
        }
        switch preset {
        case nil:
            guard let explicitTable else {
                throw VaultError.invalidMapping("give --table or --preset (presets: \(presets.joined(separator: ", ")))")
            }
            return try files.map {
                ImportSource(
                    path: $0,
                    table: explicitTable,
                    mapping: try checked(overrides, for: explicitTable),
                    delimiter: separator,
                    encoding: textEncoding
                )
            }
        case "backline":
            return try files.map { path in
                let stem = (path as NSString).lastPathComponent.split(separator: ".").first.map(String.init) ?? path
                guard let schema = explicitTable ?? VaultSchema.table(named: stem) else {
                    throw VaultError.invalidMapping(
                        "\(path): the backline preset takes the table from the file name; '\(stem)' is not a table (or give --table)"
                    )
                }
                return ImportSource(
                    path: path,
                    table: schema,
                    mapping: try checked(overrides, for: schema),
                    delimiter: separator,
                    encoding: textEncoding
                )
            }
        case "lastfm-user-artists":
            let mapping = ["member": "userID", "artist": "artistID", "plays": "weight"].merging(overrides) { $1 }
            return try files.map {
                ImportSource(
                    path: $0,
                    table: VaultSchema.listening,
                    mapping: try checked(mapping, for: VaultSchema.listening),
                    delimiter: separator,
                    encoding: textEncoding
                )
            }
        case "lastfm-artists":
            let mapping = ["id": "id", "name": "name"].merging(overrides) { $1 }
            return try files.map {
                ImportSource(
                    path: $0,
                    table: VaultSchema.artists,
                    mapping: try checked(mapping, for: VaultSchema.artists),
                    delimiter: separator,
                    encoding: textEncoding
                )
            }
        case "lastfm-tags":
            guard files.count == 2 else {
                throw VaultError.invalidMapping("the lastfm-tags preset takes user_taggedartists.dat and tags.dat")
            }
            let names = files.map { ($0 as NSString).lastPathComponent }
            let tagIndex = names.firstIndex { $0.hasPrefix("tags") } ?? 1
            return [
                ImportSource(
                    path: files[1 - tagIndex],
                    table: VaultSchema.artistTags,
                    mapping: overrides,
                    delimiter: separator,
                    encoding: textEncoding,
                    layout: .lastfmTags(tagNamesPath: files[tagIndex])
                )
            ]
        case let other?:
            throw VaultError.invalidMapping("unknown preset '\(other)' (presets: \(presets.joined(separator: ", ")))")
        }
    }

    /// Parses a `--delimiter` value.
    static func parseDelimiter(_ text: String?) throws -> UInt8? {
        guard let text else { return nil }
        switch text.lowercased() {
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        case "comma": return UInt8(ascii: ",")
        case "semicolon": return UInt8(ascii: ";")
        case "pipe": return UInt8(ascii: "|")
        default:
            guard text.utf8.count == 1, let byte = text.utf8.first, byte < 128, byte != UInt8(ascii: "\""), byte != 10, byte != 13 else {
                throw VaultError.invalidMapping("--delimiter must be tab, comma, semicolon, pipe or one ASCII character, got '\(text)'")
            }
            return byte
        }
    }
}
