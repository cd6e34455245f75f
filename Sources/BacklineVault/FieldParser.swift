/// Parses field bytes into values without building intermediate strings, and says why a value
/// is refused. Numbers are plain ASCII decimals (`-12`, `3.50`, `1e3`); timestamps are ISO 8601
/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` (space also allowed for `T`, an
/// optional trailing `Z`), interpreted as UTC and limited to the years 1900–2100.
enum FieldParser {
    /// A refused value: a stable reason code and a message.
    struct Failure: Error {
        let reason: String
        let message: String
    }

    /// Seconds of 1900-01-01T00:00:00Z and of 2101-01-01T00:00:00Z (exclusive).
    static let earliestTimestamp: Int64 = -2_208_988_800
    static let latestTimestamp: Int64 = 4_133_980_800

    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int64 {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { throw Failure(reason: "not_a_number", message: "not a whole number") }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- 48
            guard digit < 10 else { throw Failure(reason: "not_a_number", message: "not a whole number") }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { throw Failure(reason: "out_of_range", message: "whole number too large") }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    static func real(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Float {
        guard bytes.count <= 64, bytes.allSatisfy({ $0 < 128 }) else { throw Failure(reason: "not_a_number", message: "not a number") }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = Double(text) else { throw Failure(reason: "not_a_number", message: "not a number") }
        guard value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) else {
            throw Failure(reason: "out_of_range", message: "number is not finite")
        }
        return Float(value)
    }

    static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int64 {
        let bad = Failure(reason: "bad_timestamp", message: "not a date (YYYY-MM-DD[THH:MM[:SS]][Z])")
        var count = bytes.count
        if count > 0, bytes[count - 1] == UInt8(ascii: "Z") { count -= 1 }
        func number(_ start: Int, _ length: Int) throws(Failure) -> Int64 {
            guard start + length <= count else { throw bad }
            var value: Int64 = 0
            for index in start..<(start + length) {
                let digit = bytes[index] &- 48
                guard digit < 10 else { throw bad }
                value = value * 10 + Int64(digit)
            }
            return value
        }
        guard count == 10 || count == 16 || count == 19 else { throw bad }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { throw bad }
        let year = try number(0, 4)
        let month = try number(5, 2)
        let day = try number(8, 2)
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        if count >= 16 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":") else { throw bad }
            hour = try number(11, 2)
            minute = try number(14, 2)
            if count == 19 {
                guard bytes[16] == UInt8(ascii: ":") else { throw bad }
                second = try number(17, 2)
            }
        }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour < 24, minute < 60, second < 60 else {
            throw Failure(reason: "bad_timestamp", message: "not a valid calendar date or time")
        }
        guard (1900...2100).contains(year) else {
            throw Failure(reason: "out_of_range", message: "year \(year) outside 1900–2100")
        }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// ISO 8601 UTC text of `seconds` (`YYYY-MM-DDTHH:MM:SSZ`).
    static func formatTimestamp(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
