/// Maps rows of one import source to the input lines they started on, storing only the points
/// where the row→line step is not 1 (quoted newlines, skipped rows), so it stays tiny.
struct LineIndex: Sendable {
    let file: String
    let firstRow: Int
    private var rows: [Int] = []
    private var lines: [Int] = []

    init(file: String, firstRow: Int) {
        self.file = file
        self.firstRow = firstRow
    }

    mutating func record(row: Int, line: Int) {
        if let lastRow = rows.last, let lastLine = lines.last, line - lastLine == row - lastRow { return }
        rows.append(row)
        lines.append(line)
    }

    func line(of row: Int) -> Int {
        var low = 0
        var high = rows.count - 1
        var found = 0
        while low <= high {
            let mid = (low + high) / 2
            if rows[mid] <= row {
                found = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        guard !rows.isEmpty else { return 0 }
        return lines[found] + (row - rows[found])
    }
}
