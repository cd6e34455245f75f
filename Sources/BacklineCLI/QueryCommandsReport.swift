internal import BacklineModel
import Foundation

/// Output of the vault queries: ranked rows with an id, a score and optionally a name.
enum QueryReport {
    /// One ranked result.
    struct Row: Encodable {
        let rank: Int
        let id: String
        let score: Float
        let name: String?
        /// Extra information (e.g. a show's start and bill).
        let detail: String?
    }

    /// Rows from scored items; `describe` gives the id, name and detail of an item index.
    static func rows(_ items: [ScoredItem], describe: (Int) -> (id: String, name: String?, detail: String?)) -> [Row] {
        items.enumerated().map { offset, item in
            let description = describe(item.index)
            return Row(rank: offset + 1, id: description.id, score: item.score, name: description.name, detail: description.detail)
        }
    }

    /// Human lines of `rows` under `header`.
    static func text(_ header: String, _ rows: [Row]) -> String {
        ([header]
            + rows.map { row in
                var line = "\(row.rank)\t\(row.id)\t\(String(format: "%.4f", row.score))"
                if let name = row.name { line += "\t\(name)" }
                if let detail = row.detail { line += "\t\(detail)" }
                return line
            }).joined(separator: "\n")
    }
}
