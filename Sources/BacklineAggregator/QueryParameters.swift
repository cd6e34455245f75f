import BacklineTransport
import Foundation

/// The `name=value&…` pairs of a request's query string, percent-decoded; later values win.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    /// Parses `query`; a pair that is not valid percent-encoded UTF-8 is a 400.
    init(_ query: String?) throws {
        guard let query, !query.isEmpty else { return }
        guard query.utf8.count <= 2048 else { throw HTTPError(status: 400, code: "bad_query", message: "query string too long") }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = String(parts[0]).removingPercentEncoding,
                let value = (parts.count > 1 ? String(parts[1]) : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { throw HTTPError(status: 400, code: "bad_query", message: "query string is not valid percent-encoding") }
            values[name] = value
        }
    }

    /// The text value of `name`, if given.
    subscript(_ name: String) -> String? { values[name] }

    /// The integer value of `name` within `range`, if given; otherwise a 400 naming it.
    func integer(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = values[name] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw HTTPError(
                status: 400,
                code: "bad_query",
                message: "query parameter '\(name)' must be an integer in \(range.lowerBound)…\(range.upperBound)"
            )
        }
        return value
    }
}
