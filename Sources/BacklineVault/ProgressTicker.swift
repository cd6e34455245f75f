/// Calls the progress callback about once per interval.
final class ProgressTicker {
    private let options: ImportOptions
    private let file: String
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var last: ContinuousClock.Instant

    init(options: ImportOptions, file: String) {
        self.options = options
        self.file = file
        started = clock.now
        last = started
    }

    func tick(rows: Int, bytes: Int) {
        guard let progress = options.progress, rows & 0xFFFF == 0 else { return }
        let now = clock.now
        guard now - last >= options.progressInterval else { return }
        last = now
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        progress(ImportProgress(file: file, rows: rows, bytes: bytes, rowsPerSecond: seconds > 0 ? Double(rows) / seconds : 0))
    }
}
