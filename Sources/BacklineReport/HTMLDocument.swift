/// A whole report page: UTF-8, one inline stylesheet, no scripts, nothing loaded from anywhere.
public struct HTMLDocument: Sendable {
    /// The page title (the `<title>` and the `<h1>`).
    public var title: String
    /// Lines under the heading (federation, time of generation…).
    public var subtitle: [String]
    /// The body after the heading, usually ``ReportSection``s.
    public var body: [HTMLNode]

    /// A page titled `title`.
    public init(title: String, subtitle: [String] = [], body: [HTMLNode]) {
        self.title = title
        self.subtitle = subtitle
        self.body = body
    }

    /// The `<body>` element, for counting charts and marks.
    public var bodyNode: HTMLNode {
        .element(
            "body",
            [],
            [.element("h1", text: title)] + subtitle.map { .element("p", [HTMLAttribute("class", "meta")], text: $0) } + body
        )
    }

    /// The complete document.
    public func render() -> String {
        var output = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        output += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        output += "<meta name=\"generator\" content=\"backline report\">\n"
        output += "<title>" + HTMLEscaping.escape(title) + "</title>\n"
        output += "<style>\n" + ReportStylesheet.css + "\n</style>\n</head>\n"
        bodyNode.render(into: &output)
        output += "\n</html>\n"
        return output
    }

    /// How many charts (`data-chart` figures), chart marks (`mark` class) and tables the body holds.
    public var counts: ReportCounts {
        let node = bodyNode
        return ReportCounts(
            charts: node.count { _, attributes in attributes.contains { $0.name == "data-chart" } },
            marks: node.count { _, attributes in
                attributes.contains { $0.name == "class" && $0.value.split(separator: " ").contains("mark") }
            },
            tables: node.count { name, _ in name == "table" }
        )
    }
}
