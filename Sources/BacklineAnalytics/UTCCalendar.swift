/// Calendar arithmetic on Unix timestamps in UTC, without Foundation's calendar (fast, and the
/// vault stores no time zone).
enum UTCCalendar {
    /// Whole days since 1970-01-01 (floor, also for times before 1970).
    static func day(_ seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
    }

    /// Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
    static func weekday(_ seconds: Int64) -> Int {
        let value = (day(seconds) + 3) % 7
        return Int(value < 0 ? value + 7 : value)
    }

    /// The proleptic Gregorian year (H. Hinnant's `civil_from_days`).
    static func year(_ seconds: Int64) -> Int64 {
        let z = day(seconds) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}
