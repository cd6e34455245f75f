extension AnalyticsEngine {
    /// Describes the clusters of ``AudienceClustering`` by demographics and top interest genres.
    ///
    /// - Parameters:
    ///   - memberIDs: the member id of each clustered vector.
    ///   - assignments: the cluster of each vector (``AudienceClustering/assignments``).
    ///   - topGenres: how many genres to list per cluster.
    /// - Returns: one profile per cluster 0..<max+1; ids not in the vault are left out.
    /// - Throws: `invalid_vectors` if the two arrays differ in length or a cluster is negative.
    public func describe(memberIDs: [Int64], assignments: [Int], topGenres: Int = 3) throws -> [SegmentProfile] {
        guard memberIDs.count == assignments.count, assignments.allSatisfy({ $0 >= 0 && $0 < 1024 }) else {
            throw AnalyticsError.invalidVectors(
                "\(memberIDs.count) member ids for \(assignments.count) assignments, clusters must be 0…1023"
            )
        }
        var index = [Int64: Int](minimumCapacity: facts.memberCount)
        for (row, id) in facts.memberIDs.enumerated() { index[id] = row }
        let clusterCount = (assignments.max() ?? -1) + 1
        let ageLabels = AnalyticsSegment.ageBand.cells
        let genderLabels = AnalyticsSegment.gender.cells
        let genreLabels = AnalyticsSegment.interestGenre.cells
        var ages = [[Int]](repeating: [Int](repeating: 0, count: ageLabels.count), count: clusterCount)
        var genders = [[Int]](repeating: [Int](repeating: 0, count: genderLabels.count), count: clusterCount)
        var genres = [[Int]](repeating: [Int](repeating: 0, count: genreLabels.count), count: clusterCount)
        var sizes = [Int](repeating: 0, count: clusterCount)
        let year = UTCCalendar.year(facts.lastShowStart)
        for (id, cluster) in zip(memberIDs, assignments) {
            guard let member = index[id] else { continue }
            sizes[cluster] += 1
            var age = facts.memberAgeCell[member]
            if age < 0 {
                let birth = facts.memberBirthYear[member]
                age =
                    birth == AudienceFacts.missing
                    ? AudienceFacts.Cell(AnalyticsSegment.ageBands.count) : AudienceFacts.ageCell(age: year - birth)
            }
            ages[cluster][Int(age)] += 1
            genders[cluster][Int(facts.memberGenderCell[member])] += 1
            for position in facts.memberInterests.offsets[member]..<facts.memberInterests.offsets[member + 1] {
                genres[cluster][Int(facts.memberInterests.cells[position])] += 1
            }
        }
        return (0..<clusterCount).map { cluster in
            let size = Double(max(sizes[cluster], 1))
            func shares(_ counts: [Int], _ labels: [String]) -> [String: Double] {
                Dictionary(uniqueKeysWithValues: zip(labels, counts).filter { $0.1 > 0 }.map { ($0.0, Double($0.1) / size) })
            }
            var ranked: [(label: String, count: Int)] = []
            for (label, count) in zip(genreLabels, genres[cluster]) where count > 0 && label != "unknown" {
                ranked.append((label, count))
            }
            ranked.sort { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
            let top: [SegmentProfile.Genre] = ranked.prefix(topGenres).map {
                SegmentProfile.Genre(genre: $0.label, share: Double($0.count) / size)
            }
            return SegmentProfile(
                cluster: cluster,
                members: sizes[cluster],
                ageBands: shares(ages[cluster], ageLabels),
                genders: shares(genders[cluster], genderLabels),
                topGenres: top
            )
        }
    }
}
