public import Foundation

/// The audit log's timestamps: UTC, millisecond precision, fixed width
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, so that string order is time order.
public enum AuditTime {
    /// Length of a timestamp (24).
    public static let length = 24

    /// The timestamp of `date`.
    public static func string(from date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = floorDivide(millis, 86_400_000)
        let msOfDay = millis - days * 86_400_000
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(msOfDay / 3_600_000, 2)):"
            + "\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    /// Whether `text` is a well-formed timestamp (digits where digits belong, fields in range).
    public static func isValid(_ text: String) -> Bool {
        let c = Array(text.utf8)
        guard c.count == length else { return false }
        for (index, byte) in c.enumerated() {
            let expected: UInt8?
            switch index {
            case 4, 7: expected = UInt8(ascii: "-")
            case 10: expected = UInt8(ascii: "T")
            case 13, 16: expected = UInt8(ascii: ":")
            case 19: expected = UInt8(ascii: ".")
            case 23: expected = UInt8(ascii: "Z")
            default: expected = nil
            }
            if let expected {
                guard byte == expected else { return false }
            } else if byte < 48 || byte > 57 {
                return false
            }
        }
        func number(_ range: Range<Int>) -> Int { c[range].reduce(0) { $0 * 10 + Int($1 - 48) } }
        return (1...12).contains(number(5..<7)) && (1...31).contains(number(8..<10)) && number(11..<13) < 24
            && number(14..<16) < 60 && number(17..<19) < 60
    }

    /// Whether `text` is a valid bound for `--since`/`--until`: a full timestamp or a prefix of
    /// one cut after the date, hour or minute (`2026-12-03`, `2026-12-03T14`, `2026-12-03T14:05`).
    public static func isValidBound(_ text: String) -> Bool {
        let template = "2000-01-01T00:00:00.000Z"
        guard [10, 13, 16, 19, 24].contains(text.utf8.count) else { return false }
        return isValid(text + template.dropFirst(text.utf8.count))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
