import BacklineCore
import BacklineModel
import Foundation
import Testing

@Suite struct DemandForecasterTests {
    /// 300 members and 8 artists with random 2-d representations; 40 one-artist shows whose
    /// buyers are drawn with probability σ(3·score − 2).
    func world(seed: UInt64) throws -> (Recommender, DenseMatrix, [PastShow]) {
        var generator = SeededGenerator(seed: seed)
        let members = try DenseMatrix(rows: 300, columns: 2, storage: (0..<600).map { _ in Float(generator.nextGaussian()) })
        let artists = try DenseMatrix(rows: 8, columns: 2, storage: (0..<16).map { _ in Float(generator.nextGaussian()) * 0.7 })
        let recommender = Recommender(artistRepresentations: artists)
        var shows: [PastShow] = []
        for _ in 0..<40 {
            let artist = Int(generator.next() % 8)
            let scores = try recommender.showScores(lineup: [artist], members: members)
            var buyers = Set<Int>()
            for (member, score) in scores.enumerated() where generator.nextUnitDouble() < 1 / (1 + exp(-(3 * Double(score) - 2))) {
                buyers.insert(member)
            }
            shows.append(PastShow(lineup: [artist], buyers: buyers))
        }
        return (recommender, members, shows)
    }

    @Test func calibrationRecoversTheGeneratingCurve() throws {
        let (recommender, members, shows) = try world(seed: 5)
        let forecaster = try DemandForecaster(recommender: recommender, members: members, pastShows: shows)
        #expect(abs(forecaster.calibration.slope - 3) < 0.4, "slope \(forecaster.calibration.slope)")
        #expect(abs(forecaster.calibration.intercept + 2) < 0.3, "intercept \(forecaster.calibration.intercept)")
    }

    @Test func forecastIntervalCoversMostShowsAndBeatsTheNaiveForecast() throws {
        let (recommender, members, shows) = try world(seed: 6)
        let forecaster = try DemandForecaster(recommender: recommender, members: members, pastShows: Array(shows[..<20]))
        var covered = 0
        for show in shows[20...] {
            let forecast = try forecaster.forecast(lineup: show.lineup, capacity: 1000)
            #expect(forecast.lower <= forecast.expected && forecast.expected <= forecast.upper)
            if Double(show.buyers.count) >= forecast.lower && Double(show.buyers.count) <= forecast.upper { covered += 1 }
        }
        #expect(covered >= 16, "95 % intervals covered only \(covered) of 20 shows")
        let evaluation = try DemandForecaster.evaluate(recommender: recommender, members: members, shows: shows, warmUp: 5)
        #expect(evaluation.shows == 35)
        #expect(evaluation.modelMAPE < evaluation.naiveMAPE, "model \(evaluation.modelMAPE) vs naive \(evaluation.naiveMAPE)")
    }

    @Test func capacityCapsTheForecast() throws {
        let (recommender, members, shows) = try world(seed: 7)
        let forecaster = try DemandForecaster(recommender: recommender, members: members, pastShows: shows)
        let forecast = try forecaster.forecast(lineup: [0, 1], capacity: 3)
        #expect(forecast.expected <= 3 && forecast.upper <= 3)
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try forecaster.forecast(lineup: [0], capacity: 0) }
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) { try forecaster.forecast(lineup: [], capacity: 10) }
    }

    @Test func calibrationNeedsBuyersAndNonBuyers() throws {
        let (recommender, members, _) = try world(seed: 8)
        #expect(throws: ModelError(code: .invalidArgument, reason: "")) {
            try DemandForecaster(recommender: recommender, members: members, pastShows: [PastShow(lineup: [0], buyers: [])])
        }
        #expect(throws: ModelError(code: .unknownIdentifier, reason: "")) {
            try DemandForecaster(recommender: recommender, members: members, pastShows: [PastShow(lineup: [0], buyers: [400])])
        }
        #expect(throws: ModelError(code: .nonFinite, reason: "")) { try PlattCalibration.fit(scores: [.nan, 1], labels: [true, false]) }
    }
}
