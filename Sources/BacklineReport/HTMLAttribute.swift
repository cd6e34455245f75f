/// One attribute of an ``HTMLNode`` element: a name fixed in the source and an escaped value.
///
/// Names are `StaticString`s, so input can never choose one; names that could run code or load
/// something (`on…`, `src`, `href`, `srcset`, `style`, `action`, `formaction`, `xlink:href`) are refused
/// by a precondition, which keeps every report free of scripts and network references.
public struct HTMLAttribute: Sendable, Equatable {
    /// The attribute name, e.g. `class`.
    public let name: String
    /// The unescaped value; escaped when rendered.
    public let value: String

    /// An attribute `name="value"`.
    public init(_ name: StaticString, _ value: String) {
        let text = name.description
        precondition(Self.isAllowed(text), "attribute '\(text)' is not allowed in a report")
        self.name = text
        self.value = value
    }

    /// Whether `name` is a well-formed attribute name that cannot run code or fetch anything.
    static func isAllowed(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else {
            return false
        }
        let wellFormed = name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
                || scalar == ":"
        }
        let lower = name.lowercased()
        let forbidden: Set<String> = ["src", "href", "srcset", "style", "action", "formaction", "xlink:href", "poster", "data"]
        return wellFormed && !lower.hasPrefix("on") && !forbidden.contains(lower)
    }
}
