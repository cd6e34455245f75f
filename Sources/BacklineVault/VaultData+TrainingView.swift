extension VaultData {
    /// Builds the training view: interactions from listening, tickets and attendance weighted by
    /// `weighting`; members are every member id of the member table or any interaction, artists
    /// every artist id of the artist table, tags, show bills or listening. Age bands come from
    /// `age_band` or, failing that, `birth_year` at `referenceYear`. Tags given fewer than
    /// `minimumTagCount` times are left out.
    /// - Throws: ``VaultError`` `invalidParameter` for a bad weighting, `corrupt` when a ticket
    ///   names a show that is not in the vault.
    public func trainingView(
        weighting: InteractionWeighting = InteractionWeighting(),
        referenceYear: Int = 2026,
        minimumTagCount: Int64 = 1
    ) throws -> TrainingView {
        try weighting.validate()
        let members = self[VaultSchema.members]
        let artists = self[VaultSchema.artists]
        let tags = self[VaultSchema.artistTags]
        let shows = self[VaultSchema.shows]
        let tickets = self[VaultSchema.tickets]
        let attendance = self[VaultSchema.attendance]
        let listening = self[VaultSchema.listening]

        let bill = shows.list("artists")
        var memberIDs = Set(members.integers("id"))
        memberIDs.formUnion(tickets.integers("member"))
        memberIDs.formUnion(attendance.integers("member"))
        memberIDs.formUnion(listening.integers("member"))
        var artistIDs = Set(artists.integers("id"))
        artistIDs.formUnion(tags.integers("artist"))
        artistIDs.formUnion(bill.values)
        artistIDs.formUnion(listening.integers("artist"))
        let sortedMembers = memberIDs.sorted()
        let sortedArtists = artistIDs.sorted()
        let memberIndex = Dictionary(uniqueKeysWithValues: sortedMembers.enumerated().map { ($1, Int32($0)) })
        let artistIndex = Dictionary(uniqueKeysWithValues: sortedArtists.enumerated().map { ($1, Int32($0)) })
        let showRow = Dictionary(shows.integers("id").enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var rows: [Int32] = []
        var columns: [Int32] = []
        var values: [Float] = []
        if weighting.playWeight > 0 {
            let plays = listening.integers("plays")
            rows.reserveCapacity(plays.count)
            columns.reserveCapacity(plays.count)
            values.reserveCapacity(plays.count)
            for (row, (member, artist)) in zip(listening.integers("member"), listening.integers("artist")).enumerated() {
                let count = Float(plays[row])
                rows.append(memberIndex[member]!)
                columns.append(artistIndex[artist]!)
                values.append(weighting.playWeight * (weighting.logPlays ? log1pf(count) : count))
            }
        }
        func addShow(_ table: ColumnarTable, weight: (Int) -> Float) throws {
            for (row, (member, show)) in zip(table.integers("member"), table.integers("show")).enumerated() {
                guard let position = showRow[show] else {
                    throw VaultError.corrupt("table \(table.schema.name)", "row \(row) names a show that is not in the vault")
                }
                let value = weight(row)
                for artist in bill.values[bill.offsets[position]..<bill.offsets[position + 1]] {
                    rows.append(memberIndex[member]!)
                    columns.append(artistIndex[artist]!)
                    values.append(value)
                }
            }
        }
        if weighting.ticketWeight > 0 {
            let quantity = tickets.integers("quantity")
            try addShow(tickets) { weighting.ticketWeight * Float(quantity[$0]) }
        }
        if weighting.attendanceWeight > 0 { try addShow(attendance) { _ in weighting.attendanceWeight } }
        let interactions = CSRMatrix.build(
            rowCount: sortedMembers.count,
            columnCount: sortedArtists.count,
            rows: rows,
            columns: columns,
            values: values
        )

        // Member side features.
        var featureNames = StringTable()
        var featureRows: [Int32] = []
        var featureColumns: [Int32] = []
        func add(_ row: Int32, _ name: String) {
            featureRows.append(row)
            featureColumns.append(featureNames.intern(name) - 1)
        }
        let birthYears = members.integers("birth_year")
        let interests = members.list("interests")
        for (row, id) in members.integers("id").enumerated() {
            let dense = memberIndex[id]!
            let band = members.text("age_band", row: row)
            if !band.isEmpty {
                add(dense, "age:" + band)
            } else if birthYears[row] != ColumnarTable.missingInteger {
                add(dense, "age:" + TrainingView.ageBand(birthYear: birthYears[row], referenceYear: referenceYear))
            }
            let gender = members.text("gender", row: row)
            if !gender.isEmpty { add(dense, "gender:" + gender) }
            let region = members.text("region", row: row)
            if !region.isEmpty { add(dense, "region:" + region) }
            for value in interests.values[interests.offsets[row]..<interests.offsets[row + 1]] {
                add(dense, "interest:" + members.strings[Int32(value)])
            }
        }
        let memberFeatureNames = Array(featureNames.strings.dropFirst())
        let memberFeatures = CSRMatrix.build(
            rowCount: sortedMembers.count,
            columnCount: memberFeatureNames.count,
            rows: featureRows,
            columns: featureColumns,
            values: [Float](repeating: 1, count: featureRows.count)
        ).binarized()

        // Artist side features.
        featureNames = StringTable()
        featureRows = []
        featureColumns = []
        let genres = artists.list("genres")
        for (row, id) in artists.integers("id").enumerated() {
            for value in genres.values[genres.offsets[row]..<genres.offsets[row + 1]] {
                add(artistIndex[id]!, "genre:" + artists.strings[Int32(value)])
            }
        }
        let tagCounts = tags.integers("count")
        for (row, artist) in tags.integers("artist").enumerated() where tagCounts[row] >= minimumTagCount {
            add(artistIndex[artist]!, "tag:" + tags.text("tag", row: row))
        }
        let artistFeatureNames = Array(featureNames.strings.dropFirst())
        let artistFeatures = CSRMatrix.build(
            rowCount: sortedArtists.count,
            columnCount: artistFeatureNames.count,
            rows: featureRows,
            columns: featureColumns,
            values: [Float](repeating: 1, count: featureRows.count)
        ).binarized()
        return TrainingView(
            interactions: interactions,
            memberIDs: sortedMembers,
            artistIDs: sortedArtists,
            memberFeatures: memberFeatures,
            memberFeatureNames: memberFeatureNames,
            artistFeatures: artistFeatures,
            artistFeatureNames: artistFeatureNames
        )
    }
}

extension CSRMatrix {
    /// The same pattern with every value set to 1 (a feature given twice is still one feature).
    func binarized() -> CSRMatrix {
        CSRMatrix(rowOffsets: rowOffsets, columns: columns, values: [Float](repeating: 1, count: values.count), columnCount: columnCount)
    }
}

#if canImport(Glibc)
import Glibc
#endif
