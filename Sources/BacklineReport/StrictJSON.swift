import Foundation

/// Strict JSON decoding for report inputs: unknown fields are errors, and every failure becomes a
/// ``ReportError`` naming the document and the field path (`rounds[2].epsilon_spent`).
public enum StrictJSON {
    /// The largest input document accepted (bytes).
    public static let maximumSize = 16 << 20

    /// Decodes `T` from `bytes`, naming `document` in errors.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], document: String) throws -> T {
        guard bytes.count <= maximumSize else { throw ReportError.inputTooLarge(document, size: bytes.count, limit: maximumSize) }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw translate(error, document: document)
        }
    }

    /// A field path such as `rounds[2].epsilon_spent`, or `(top level)`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func translate(_ error: DecodingError, document: String) -> ReportError {
        switch error {
        case .keyNotFound(let key, let context):
            return .invalidInput(document, field: path(context.codingPath + [key]), "required field is missing")
        case .typeMismatch(let type, let context):
            return .invalidInput(document, field: path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .invalidInput(document, field: path(context.codingPath), "expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            let reason = context.codingPath.isEmpty ? "not valid JSON" : context.debugDescription
            return .invalidInput(document, field: path(context.codingPath), reason)
        @unknown default:
            return .invalidInput(document, field: "(unknown)", "could not be decoded")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : name.hasPrefix("Dictionary") ? "an object" : "an object (\(name))"
        }
    }
}

/// Any key of a JSON object, used to find keys a schema does not know.
struct AnyJSONKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// The keyed container for `Keys`, after checking that the object has no key outside `Keys`.
    func strictContainer<Keys: CodingKey & CaseIterable>(keyedBy: Keys.Type) throws -> KeyedDecodingContainer<Keys> {
        let all = try container(keyedBy: AnyJSONKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [AnyJSONKey(stringValue: unknown)],
                    debugDescription: "unknown field (expected one of: \(known.sorted().joined(separator: ", ")))"
                )
            )
        }
        return try container(keyedBy: Keys.self)
    }
}
