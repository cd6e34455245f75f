extension ImportSession {
    /// Finds rows whose key repeats an earlier row of the vault or the import; reports each
    /// later copy, and drops it when skipping.
    func checkDuplicates() {
        for (name, start) in firstNewRow {
            var table = data.tables[name]!
            let keyIndices = table.schema.keyIndices
            let count = table.rowCount
            guard count > start else { continue }
            // Common case first: sort 32-bit key hashes alone (4 bytes a row plus the sort's
            // buffer, freed at once); only hashes that repeat (true duplicates and the few
            // thousand chance collisions of ten million rows) are examined row by row.
            var hashes = [UInt32](repeating: 0, count: count)
            for row in 0..<count { hashes[row] = UInt32(truncatingIfNeeded: table.keyHash(row: row, keyIndices: keyIndices)) }
            hashes.sort()
            var collided = Set<UInt32>()
            for position in 1..<max(count, 1) where hashes[position] == hashes[position - 1] { collided.insert(hashes[position]) }
            hashes = []
            guard !collided.isEmpty else { continue }
            var groups: [UInt32: [Int]] = [:]
            for row in 0..<count {
                let hash = UInt32(truncatingIfNeeded: table.keyHash(row: row, keyIndices: keyIndices))
                if collided.contains(hash) { groups[hash, default: []].append(row) }
            }
            var duplicates: [Int: Int] = [:]
            for rows in groups.values {
                for (position, row) in rows.enumerated() where row >= start {
                    if let earlier = rows[..<position].first(where: {
                        duplicates[$0] == nil && table.keysEqual($0, row, keyIndices: keyIndices)
                    }) {
                        duplicates[row] = earlier
                    }
                }
            }
            guard !duplicates.isEmpty else { continue }
            let keyNames = table.schema.key.joined(separator: ", ")
            for (row, first) in duplicates.sorted(by: { $0.key < $1.key }) {
                let (file, line) = location(table: name, row: row)
                let earlier = first < start ? "a row already in the vault" : "line \(location(table: name, row: first).line)"
                report(
                    ImportIssue(
                        reason: "duplicate",
                        file: file,
                        line: line,
                        column: nil,
                        field: keyNames,
                        message: "same \(keyNames) as \(earlier)"
                    )
                )
            }
            if options.skipInvalid {
                table.retainRows(from: start) { duplicates[$0] == nil }
                data.tables[name] = table
            }
        }
    }

    /// File and line of new row `row` of table `name`.
    func location(table name: String, row: Int) -> (file: String, line: Int) {
        guard let index = lineIndexes[name]?.last(where: { $0.firstRow <= row }) else { return ("?", 0) }
        return (index.file, index.line(of: row))
    }
}
