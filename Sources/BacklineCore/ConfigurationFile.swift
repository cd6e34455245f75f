public import Foundation

/// Reads JSON configuration files that may carry `//` comment lines (the examples the
/// `init-config` commands print load as they are), and names the field at fault when decoding fails.
public enum ConfigurationFile {
    /// Why a configuration file could not be decoded: the dotted field path (or `file`) and the problem.
    public struct Failure: Error, Sendable, Equatable {
        /// The dotted path of the field at fault, `file` when the whole file is.
        public let field: String
        /// What is wrong with it.
        public let problem: String
    }

    /// Decodes `T` from the file at `path`.
    /// - Throws: ``Failure`` naming the field (missing, wrong type, null, invalid) or the file
    ///   (unreadable, not JSON).
    public static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure(field: "file", problem: "cannot be read")
        }
        do { return try JSONDecoder().decode(T.self, from: removingComments(data)) } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw Failure(field: "file", problem: "is not valid JSON")
        }
    }

    /// `data` without its comment lines (first non-blank characters `//`).
    public static func removingComments(_ data: Data) -> Data {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return Data(lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n").utf8)
    }

    /// The field and problem a decoding error reports.
    public static func describe(_ error: DecodingError) -> Failure {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "file" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return Failure(field: path(context.codingPath + [key]), problem: "is missing")
        case .typeMismatch(_, let context):
            return Failure(field: path(context.codingPath), problem: "has the wrong type: \(context.debugDescription)")
        case .valueNotFound(_, let context): return Failure(field: path(context.codingPath), problem: "is null")
        case .dataCorrupted(let context): return Failure(field: path(context.codingPath), problem: context.debugDescription)
        @unknown default: return Failure(field: "file", problem: "cannot be decoded")
        }
    }
}
