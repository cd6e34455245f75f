/// A titled section of a report: a heading, paragraphs, then tables and charts.
public struct ReportSection: Sendable {
    /// The `id` of the section element (for tests and printing).
    public let id: String
    /// The heading.
    public let title: String
    /// Paragraphs under the heading.
    public let paragraphs: [String]
    /// Tables, charts and other content after the paragraphs.
    public let content: [HTMLNode]

    /// A section `id` headed `title`.
    public init(id: String, title: String, paragraphs: [String] = [], content: [HTMLNode]) {
        self.id = id
        self.title = title
        self.paragraphs = paragraphs
        self.content = content
    }

    /// The `<section>` element.
    public var node: HTMLNode {
        .element(
            "section",
            [HTMLAttribute("id", id)],
            [.element("h2", text: title)] + paragraphs.map { .element("p", text: $0) } + content
        )
    }
}
