extension ImportSession {
    /// Last.fm tags: reads `tags.dat` (tagID → tag), then counts (artist, tag) pairs of
    /// `user_taggedartists.dat` into `artist_tags` rows.
    func importLastfmTags(_ source: ImportSource, tagNamesPath: String) throws {
        var tagNames: [Int64: String] = [:]
        var tagLines: [Int64: Int] = [:]
        let tagReader = try DelimitedReader(path: tagNamesPath, delimiter: source.delimiter)
        let tagHeader = try readHeader(tagReader, path: tagNamesPath)
        guard let idColumn = tagHeader.firstIndex(of: "tagID"), let valueColumn = tagHeader.firstIndex(of: "tagValue") else {
            throw VaultError.invalidMapping("\(tagNamesPath): expected columns tagID and tagValue")
        }
        var tagRows = 0
        while try tagReader.nextRecord() {
            tagRows += 1
            let line = tagReader.recordLine
            guard tagReader.fieldCount == tagHeader.count else {
                report(
                    ImportIssue(
                        reason: "column_count",
                        file: tagNamesPath,
                        line: line,
                        column: nil,
                        field: nil,
                        message: "has \(tagReader.fieldCount) fields, the header has \(tagHeader.count)"
                    )
                )
                continue
            }
            do {
                let id = try tagReader.withField(idColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                guard let text = tagReader.withField(valueColumn, { source.encoding.decode($0) }) else {
                    report(
                        ImportIssue(
                            reason: "encoding",
                            file: tagNamesPath,
                            line: line,
                            column: valueColumn + 1,
                            field: "tag",
                            message: "text is not valid UTF-8 (use --encoding latin1 for ISO 8859-1 files)"
                        )
                    )
                    continue
                }
                if let first = tagLines[id] {
                    report(
                        ImportIssue(
                            reason: "duplicate",
                            file: tagNamesPath,
                            line: line,
                            column: idColumn + 1,
                            field: "tagID",
                            message: "same tagID as line \(first)"
                        )
                    )
                    continue
                }
                tagNames[id] = text.trimmingSpaces
                tagLines[id] = line
            } catch {
                report(
                    ImportIssue(
                        reason: error.reason,
                        file: tagNamesPath,
                        line: line,
                        column: idColumn + 1,
                        field: "tagID",
                        message: error.message
                    )
                )
            }
        }
        if tagRows == 0 { throw VaultError.emptyInput(tagNamesPath, "the file has a header but no data rows") }
        summary.rowsRead += tagRows

        let reader = try DelimitedReader(path: source.path, delimiter: source.delimiter)
        let header = try readHeader(reader, path: source.path)
        let artistName = source.mapping["artist"] ?? "artistID"
        guard let artistColumn = header.firstIndex(of: artistName), let tagColumn = header.firstIndex(of: source.mapping["tag"] ?? "tagID")
        else {
            throw VaultError.invalidMapping("\(source.path): expected columns artistID and tagID")
        }
        struct Pair: Hashable {
            let artist: Int64
            let tag: String
        }
        var counts: [Pair: (count: Int64, line: Int)] = [:]
        var order: [Pair] = []
        var rows = 0
        let progress = ProgressTicker(options: options, file: source.path)
        while try reader.nextRecord() {
            rows += 1
            progress.tick(rows: rows, bytes: reader.bytesRead)
            let line = reader.recordLine
            guard reader.fieldCount == header.count else {
                report(
                    ImportIssue(
                        reason: "column_count",
                        file: source.path,
                        line: line,
                        column: nil,
                        field: nil,
                        message: "has \(reader.fieldCount) fields, the header has \(header.count)"
                    )
                )
                continue
            }
            var column = artistColumn
            do {
                let artist = try reader.withField(artistColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                try Self.checkRange(Double(artist), field: VaultSchema.artistTags.fields[0], text: "\(artist)")
                column = tagColumn
                let tagID = try reader.withField(tagColumn) { bytes throws(FieldParser.Failure) in try FieldParser.integer(bytes) }
                guard let tag = tagNames[tagID] else {
                    report(
                        ImportIssue(
                            reason: "unknown_reference",
                            file: source.path,
                            line: line,
                            column: tagColumn + 1,
                            field: "tag",
                            message: "tagID \(tagID) is not in \(tagNamesPath)"
                        )
                    )
                    continue
                }
                let pair = Pair(artist: artist, tag: tag)
                if let existing = counts[pair] {
                    counts[pair] = (existing.count + 1, existing.line)
                } else {
                    counts[pair] = (1, line)
                    order.append(pair)
                }
            } catch {
                report(
                    ImportIssue(
                        reason: error.reason,
                        file: source.path,
                        line: line,
                        column: column + 1,
                        field: column == artistColumn ? "artist" : "tag",
                        message: error.message
                    )
                )
            }
        }
        if rows == 0 { throw VaultError.emptyInput(source.path, "the file has a header but no data rows") }
        summary.rowsRead += rows
        let schema = VaultSchema.artistTags
        var table = data.tables[schema.name]!
        _ = begin(schema, file: source.path)
        var lineIndex = lineIndexes[schema.name]!.removeLast()
        var row = TableRow(schema: schema)
        for pair in order {
            let entry = counts[pair]!
            row.integers[0] = pair.artist
            row.texts[1] = table.intern(pair.tag)
            row.integers[2] = entry.count
            lineIndex.record(row: table.rowCount, line: entry.line)
            table.append(row)
        }
        lineIndexes[schema.name]!.append(lineIndex)
        data.tables[schema.name] = table
    }
}
