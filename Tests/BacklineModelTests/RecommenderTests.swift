import BacklineCore
import BacklineModel
import Testing

@Suite struct RecommenderTests {
    func trained() throws -> (TrainingResult, SparseMatrix) {
        let interactions = try ModelFixtures.twoGroups()
        // Two factors: the best rank-2 fit separates the two groups.
        var configuration = ModelFixtures.configuration(factors: 2, iterations: 20)
        configuration.regularization = 0.5
        let result = try ALSTrainer(configuration: configuration).train(
            interactions: interactions,
            features: .none(memberCount: 12, artistCount: 8)
        )
        return (result, interactions)
    }

    @Test func recommendsTheMissingArtistOfTheMembersGroup() throws {
        let (result, interactions) = try trained()
        let recommender = Recommender(model: result.model)
        for member in [1, 2, 7, 10] {
            let owned = Set(interactions.columns(ofRow: member).map(Int.init))
            let top = try recommender.recommend(member: result.memberRepresentations.row(member), excluding: owned, top: 1)
            let expected = (member < 6 ? 0 : 4) + member % 4
            #expect(top.map(\.index) == [expected], "member \(member)")
        }
    }

    @Test func similarArtistsAreTheSameGroup() throws {
        let (result, _) = try trained()
        let similar = try Recommender(model: result.model).similar(artist: 0, top: 3)
        #expect(Set(similar.map(\.index)) == [1, 2, 3])
        let other = try Recommender(model: result.model).similar(artist: 6, top: 3)
        #expect(Set(other.map(\.index)) == [4, 5, 7])
    }

    @Test func matchRanksTheGroupsMembersFirst() throws {
        let (result, _) = try trained()
        let recommender = Recommender(model: result.model)
        let matched = try recommender.match(lineup: [5], members: result.memberRepresentations, top: 6)
        #expect(Set(matched.map(\.index)) == Set(6..<12))
        let shows = try recommender.recommendShows(member: result.memberRepresentations.row(0), shows: [[4, 5], [0, 1], [6]], top: 1)
        #expect(shows.map(\.index) == [1])
    }

    @Test func badQueriesGiveClearErrors() throws {
        let (result, _) = try trained()
        let recommender = Recommender(model: result.model)
        let member = result.memberRepresentations.row(0)
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try recommender.recommend(member: member, top: 0) }
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try recommender.similar(artist: 0, top: -3) }
        #expect(throws: ModelError(code: .unknownIdentifier, reason: "")) { try recommender.similar(artist: 8, top: 1) }
        #expect(throws: ModelError(code: .unknownIdentifier, reason: "")) {
            try recommender.match(lineup: [99], members: result.memberRepresentations, top: 1)
        }
        #expect(throws: ModelError(code: .invalidShape, reason: "")) { try recommender.recommend(member: [1, 2, 3], top: 1) }
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try recommender.recommend(member: [.nan, 0], top: 1) }
        #expect(throws: ModelError(code: .unknownIdentifier, reason: "")) { try IdentifierIndex(["a"]).require("b", kind: "artist") }
    }

    @Test func newArtistWithTagsOnlyScoresForTheRightGroup() throws {
        // Tag 0 marks group A's artists, tag 1 group B's; a new artist with tag 1 has no interactions.
        let interactions = try ModelFixtures.twoGroups()
        let tags = try SparseMatrix(rowCount: 8, columnCount: 2, triples: (0..<8).map { ($0, $0 < 4 ? 0 : 1, 1) })
        var configuration = ModelFixtures.configuration(factors: 2, iterations: 20)
        configuration.regularization = 2
        configuration.featureRegularization = 0.01
        let result = try ALSTrainer(configuration: configuration).train(
            interactions: interactions,
            features: SideFeatures(members: .empty(rowCount: 12, columnCount: 0), artists: tags)
        )
        let newArtist = try result.model.newArtistRepresentation(features: [1], weights: [1])
        let recommender = Recommender(artistRepresentations: try DenseMatrix(rows: 1, columns: 2, storage: newArtist))
        let scores = try recommender.showScores(lineup: [0], members: result.memberRepresentations)
        #expect(scores[6..<12].min()! > scores[0..<6].max()!, "scores \(scores)")
        let top = try recommender.match(lineup: [0], members: result.memberRepresentations, top: 6)
        #expect(Set(top.map(\.index)) == Set(6..<12))
        #expect(throws: ModelError(code: .outOfRange, reason: "")) { try result.model.newArtistRepresentation(features: [2], weights: [1]) }
    }
}
