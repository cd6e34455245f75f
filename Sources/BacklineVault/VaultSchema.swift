/// The vault's tables (schema version 1). Tables are listed in dependency order: a table's
/// references point only to tables before it, which is also the order imports are applied in.
///
/// Missing optional values are stored as ``ColumnarTable/missingInteger`` (integers and
/// timestamps), `0` (reals), the empty string (text) or an empty list.
public enum VaultSchema {
    /// Version of this schema, stored in every table stream and the manifest.
    public static let version = 1

    /// Members: pseudonymous id, demographics and declared interest genres.
    public static let members = TableSchema(
        name: "members",
        fields: [
            FieldSpec("id", .integer, minimum: 0),
            FieldSpec("birth_year", .integer, required: false, minimum: 1900, maximum: 2100),
            FieldSpec("age_band", .text, required: false),
            FieldSpec("gender", .text, required: false),
            FieldSpec("region", .text, required: false),
            FieldSpec("interests", .textList, required: false),
        ],
        key: ["id"]
    )

    /// The shared artist catalogue (stable artist ids across promoters).
    public static let artists = TableSchema(
        name: "artists",
        fields: [
            FieldSpec("id", .integer, minimum: 0),
            FieldSpec("name", .text),
            FieldSpec("genres", .textList, required: false),
        ],
        key: ["id"]
    )

    /// Free-form tags of artists with how often each was given (Last.fm tags).
    public static let artistTags = TableSchema(
        name: "artist_tags",
        fields: [
            FieldSpec("artist", .integer, minimum: 0),
            FieldSpec("tag", .text),
            FieldSpec("count", .integer, minimum: 1),
        ],
        key: ["artist", "tag"]
    )

    /// Shows: artists on the bill, venue, city, start, capacity and price band.
    public static let shows = TableSchema(
        name: "shows",
        fields: [
            FieldSpec("id", .integer, minimum: 0),
            FieldSpec("artists", .integerList),
            FieldSpec("venue", .text, required: false),
            FieldSpec("city", .text, required: false),
            FieldSpec("start", .timestamp),
            FieldSpec("capacity", .integer, required: false, minimum: 0, maximum: 10_000_000),
            FieldSpec("price_band", .text, required: false),
        ],
        key: ["id"]
    )

    /// Ticket purchases.
    public static let tickets = TableSchema(
        name: "tickets",
        fields: [
            FieldSpec("member", .integer, minimum: 0, references: "members"),
            FieldSpec("show", .integer, minimum: 0, references: "shows"),
            FieldSpec("purchased", .timestamp),
            FieldSpec("quantity", .integer, minimum: 1, maximum: 10_000),
            FieldSpec("price", .real, minimum: 0, maximum: 1_000_000),
        ],
        key: ["member", "show", "purchased"]
    )

    /// Attendance and in-show behaviour (a ticket without attendance is a no-show).
    public static let attendance = TableSchema(
        name: "attendance",
        fields: [
            FieldSpec("member", .integer, minimum: 0, references: "members"),
            FieldSpec("show", .integer, minimum: 0, references: "shows"),
            FieldSpec("scan_in", .timestamp),
            FieldSpec("scan_out", .timestamp, required: false),
            FieldSpec("merch_spend", .real, required: false, minimum: 0, maximum: 1_000_000),
        ],
        key: ["member", "show"],
        ordered: [(earlier: "scan_in", later: "scan_out")]
    )

    /// Listening: play counts per member and artist. Members need not be in `members`
    /// (listening exports such as Last.fm's come without a member table).
    public static let listening = TableSchema(
        name: "listening",
        fields: [
            FieldSpec("member", .integer, minimum: 0),
            FieldSpec("artist", .integer, minimum: 0),
            FieldSpec("plays", .integer, minimum: 0),
        ],
        key: ["member", "artist"]
    )

    /// Every table, in dependency order.
    public static let tables: [TableSchema] = [members, artists, artistTags, shows, tickets, attendance, listening]

    /// The table called `name`.
    public static func table(named name: String) -> TableSchema? { tables.first { $0.name == name } }

    /// Position of `name` in ``tables`` (dependency order).
    static func order(of name: String) -> Int { tables.firstIndex { $0.name == name } ?? tables.count }
}
