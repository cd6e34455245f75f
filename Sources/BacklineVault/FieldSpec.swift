/// One field of a table: its name, kind, whether it must be present, its allowed range and the
/// table whose `id` it must name.
public struct FieldSpec: Sendable {
    /// The field's name, used in CSV headers of the `backline` preset and in mappings.
    public let name: String
    /// What it holds.
    public let kind: FieldKind
    /// Whether an empty value is an error (otherwise it is stored as missing/empty/zero).
    public let required: Bool
    /// Smallest allowed value (integers, reals; timestamps are always 1900–2100).
    public let minimum: Double?
    /// Largest allowed value.
    public let maximum: Double?
    /// The table whose `id` field this integer field must name, if any.
    public let references: String?

    /// A field description.
    public init(
        _ name: String,
        _ kind: FieldKind,
        required: Bool = true,
        minimum: Double? = nil,
        maximum: Double? = nil,
        references: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.required = required
        self.minimum = minimum
        self.maximum = maximum
        self.references = references
    }
}
