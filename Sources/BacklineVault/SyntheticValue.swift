/// One field value produced by the generator, before it becomes CSV text or a columnar row.
public enum SyntheticValue: Sendable, Equatable {
    /// An integer.
    case integer(Int64)
    /// Money in cents, stored as a real of `cents / 100`.
    case cents(Int64)
    /// Text.
    case text(String)
    /// Seconds since 1970 UTC.
    case timestamp(Int64)
    /// A list of integers.
    case integers([Int64])
    /// A list of strings.
    case texts([String])
    /// No value (an optional field left empty).
    case missing
}
