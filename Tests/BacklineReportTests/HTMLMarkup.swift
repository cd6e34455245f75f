import Foundation

/// Looks at rendered markup the way the tests need: counting elements by class and attribute, and
/// finding script or network references. Independent of the builder, so it can catch its mistakes.
enum HTMLMarkup {
    /// How many start tags in `html` are `<tag …>` with `class` containing the word `className`.
    static func count(_ html: String, tag: String, className: String) -> Int {
        let pattern = "<\(tag)\\b[^>]*\\bclass=\"([^\"]*)\""
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(html.startIndex..., in: html)
        return regex.matches(in: html, range: range).filter { match in
            let classes = (html as NSString).substring(with: match.range(at: 1))
            return classes.split(separator: " ").contains(Substring(className))
        }.count
    }

    /// How many times `needle` occurs in `html`.
    static func occurrences(_ needle: String, in html: String) -> Int {
        html.components(separatedBy: needle).count - 1
    }

    /// Whether `html` has a script element, an event-handler attribute, or a `src`/`href`/`url()` to the
    /// network, looking inside start tags only (escaped text cannot open one).
    static func hasActiveOrRemoteContent(_ html: String) -> Bool {
        let lower = html.lowercased()
        if lower.contains("<script") { return true }
        let tags = try! NSRegularExpression(pattern: "<[a-z][^>]*>")
        let patterns = ["\\s(src|href|xlink:href)\\s*=", "\\son[a-z]+\\s*=", "url\\(", "(https?:)?//"]
        return tags.matches(in: lower, range: NSRange(lower.startIndex..., in: lower)).contains { match in
            let tag = (lower as NSString).substring(with: match.range)
            return patterns.contains { tag.range(of: $0, options: .regularExpression) != nil }
        }
    }
}
