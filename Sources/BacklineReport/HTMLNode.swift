/// A piece of an HTML (or inline SVG) document: text, or an element with attributes and children.
///
/// Every text and attribute value is escaped when rendered (``HTMLEscaping``); element and attribute
/// names are `StaticString`s, so nothing read from input can become markup. There is no raw-HTML node.
public struct HTMLNode: Sendable {
    private enum Content: Sendable {
        case text(String)
        case element(name: String, attributes: [HTMLAttribute], children: [HTMLNode])
    }

    private let content: Content

    /// HTML elements that have no end tag.
    private static let voidElements: Set<String> = ["meta", "br", "hr", "col", "wbr"]

    /// Text, escaped when rendered.
    public static func text(_ text: String) -> HTMLNode { HTMLNode(content: .text(text)) }

    /// The element `<name attributes…>children…</name>`.
    ///
    /// - Parameters:
    ///   - name: the tag name, e.g. `"td"` or `"circle"`; letters, digits and `-` only.
    ///   - attributes: the attributes in the order they are written.
    ///   - children: the content.
    public static func element(_ name: StaticString, _ attributes: [HTMLAttribute] = [], _ children: [HTMLNode] = []) -> HTMLNode {
        let tag = name.description
        precondition(
            !tag.isEmpty
                && tag.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
                && !["script", "iframe", "object", "embed", "img", "link", "base", "form", "style", "foreignObject", "a", "image", "use"]
                    .contains(tag),
            "element '\(tag)' is not allowed in a report"
        )
        return HTMLNode(content: .element(name: tag, attributes: attributes, children: children))
    }

    /// The element `<name attributes…>text</name>`.
    public static func element(_ name: StaticString, _ attributes: [HTMLAttribute] = [], text: String) -> HTMLNode {
        element(name, attributes, [.text(text)])
    }

    /// The markup of this node and its descendants.
    public var rendered: String {
        var output = ""
        render(into: &output)
        return output
    }

    /// Appends the markup of this node and its descendants to `output`.
    public func render(into output: inout String) {
        switch content {
        case .text(let text):
            output += HTMLEscaping.escape(text)
        case .element(let name, let attributes, let children):
            output += "<" + name
            for attribute in attributes {
                output += " " + attribute.name + "=\"" + HTMLEscaping.escape(attribute.value) + "\""
            }
            output += ">"
            if Self.voidElements.contains(name) { return }
            for child in children { child.render(into: &output) }
            output += "</" + name + ">"
        }
    }

    /// How many elements in this tree (this node included) satisfy `predicate`, given the tag name
    /// and the attributes.
    public func count(where predicate: (_ name: String, _ attributes: [HTMLAttribute]) -> Bool) -> Int {
        switch content {
        case .text: return 0
        case .element(let name, let attributes, let children):
            return (predicate(name, attributes) ? 1 : 0) + children.reduce(0) { $0 + $1.count(where: predicate) }
        }
    }
}
