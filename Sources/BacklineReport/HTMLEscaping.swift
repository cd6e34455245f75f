/// Escaping for HTML text and attribute values, applied by ``HTMLNode`` to every string it renders.
///
/// Text and attribute values are escaped the same way (`&`, `<`, `>`, `"`, `'`), so a value is safe in
/// either place. C0 control characters other than tab, line feed and carriage return, and DEL, become
/// U+FFFD: they are not allowed in HTML documents and a browser would report a parse error.
public enum HTMLEscaping {
    /// `text` with markup characters replaced by character references.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0xFDD0...0xFDEF).contains(scalar.value) {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
