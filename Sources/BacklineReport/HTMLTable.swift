/// A table with a caption, a header row and text cells; numeric columns are right-aligned.
public struct HTMLTable: Sendable {
    /// One column: its heading and whether its cells are numbers.
    public struct Column: Sendable {
        /// The heading.
        public let title: String
        /// Whether cells are right-aligned numbers.
        public let numeric: Bool
        /// A column headed `title`.
        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    /// A stable identifier written as `data-table`, for tests.
    public let id: String
    /// The caption above the table.
    public let caption: String
    /// The columns.
    public let columns: [Column]
    /// The rows; a row shorter than ``columns`` is padded with empty cells, extra cells are dropped.
    public let rows: [[String]]

    /// A table `id` with `caption`, `columns` and `rows`.
    public init(id: String, caption: String, columns: [Column], rows: [[String]]) {
        self.id = id
        self.caption = caption
        self.columns = columns
        self.rows = rows
    }

    /// The `<table>` element.
    public var node: HTMLNode {
        let head = HTMLNode.element(
            "thead",
            [],
            [.element("tr", [], columns.map { .element("th", [HTMLAttribute("scope", "col")], text: $0.title) })]
        )
        let body = HTMLNode.element(
            "tbody",
            [],
            rows.map { row in
                .element(
                    "tr",
                    [],
                    columns.indices.map { index in
                        let cell = index < row.count ? row[index] : ""
                        return .element("td", columns[index].numeric ? [HTMLAttribute("class", "num")] : [], text: cell)
                    }
                )
            }
        )
        return .element("table", [HTMLAttribute("data-table", id)], [.element("caption", text: caption), head, body])
    }
}
