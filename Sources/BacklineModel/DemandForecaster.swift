internal import Foundation

/// A show that already happened: its lineup (artist indices) and who bought tickets (member indices).
public struct PastShow: Sendable, Equatable {
    /// Artist indices of the lineup.
    public let lineup: [Int]
    /// Member indices of the buyers.
    public let buyers: Set<Int>

    /// A past show.
    public init(lineup: [Int], buyers: Set<Int>) {
        self.lineup = lineup
        self.buyers = buyers
    }
}

/// A forecast of tickets sold for a planned show.
public struct DemandForecast: Sendable, Equatable, Codable {
    /// Expected tickets (sum of calibrated purchase probabilities, capped at capacity).
    public let expected: Double
    /// Lower end of the interval.
    public let lower: Double
    /// Upper end of the interval.
    public let upper: Double
    /// The venue's capacity.
    public let capacity: Int
}

/// Forecast quality over past shows replayed in order.
public struct ForecastEvaluation: Sendable, Equatable, Codable {
    /// Shows forecast.
    public let shows: Int
    /// Mean absolute percentage error of the model's forecasts.
    public let modelMAPE: Double
    /// MAPE of the naive forecast (the artist's previous sales, else the average of previous shows).
    public let naiveMAPE: Double
}

/// Expected tickets for a planned show from per-member purchase probabilities: each member's
/// score for the lineup (mean of u·v over its artists) goes through a Platt calibration fitted
/// on past shows; the sum over the audience is the expectation, and its Poisson-binomial
/// variance Σ p(1 − p) gives a normal-approximation interval.
public struct DemandForecaster: Sendable {
    /// The score → probability calibration.
    public let calibration: PlattCalibration
    private let recommender: Recommender
    private let members: DenseMatrix

    /// Fits the calibration on every (member, past show) pair.
    /// - Throws: `invalidArgument` without past shows or without both buyers and non-buyers;
    ///   `unknownIdentifier` for an artist or member index out of range.
    public init(recommender: Recommender, members: DenseMatrix, pastShows: [PastShow]) throws {
        guard !pastShows.isEmpty else { throw ModelError.invalidArgument("calibration needs at least one past show") }
        var scores: [Float] = []
        var labels: [Bool] = []
        for show in pastShows {
            try Self.checkBuyers(show, memberCount: members.rows)
            let showScores = try recommender.showScores(lineup: show.lineup, members: members)
            scores += showScores
            labels += showScores.indices.map { show.buyers.contains($0) }
        }
        calibration = try PlattCalibration.fit(scores: scores, labels: labels)
        self.recommender = recommender
        self.members = members
    }

    private static func checkBuyers(_ show: PastShow, memberCount: Int) throws {
        if let bad = show.buyers.first(where: { $0 < 0 || $0 >= memberCount }) {
            throw ModelError.unknownIdentifier("member index", String(bad))
        }
    }

    /// The forecast for a show of `lineup` at a venue of `capacity`, with a two-sided interval at
    /// `z` standard deviations (1.96 ≈ 95 %).
    public func forecast(lineup: [Int], capacity: Int, z: Double = 1.96) throws -> DemandForecast {
        guard capacity > 0 else { throw ModelError.invalidArgument("capacity must be > 0, got \(capacity)") }
        guard z.isFinite, z >= 0 else { throw ModelError.invalidArgument("z must be finite and ≥ 0") }
        let scores = try recommender.showScores(lineup: lineup, members: members)
        var mean = 0.0
        var variance = 0.0
        for score in scores {
            let p = calibration.probability(score)
            mean += p
            variance += p * (1 - p)
        }
        let cap = Double(capacity)
        let spread = z * variance.squareRoot()
        return DemandForecast(
            expected: min(mean, cap),
            lower: min(max(0, mean - spread), cap),
            upper: min(mean + spread, cap),
            capacity: capacity
        )
    }

    /// Replays `shows` in order: show i (from `warmUp` on) is forecast with a calibration fitted on
    /// shows before it, and compared with the naive forecast; shows with no buyers are skipped
    /// (their percentage error is undefined). Capacity is taken as unbounded (the member count).
    public static func evaluate(
        recommender: Recommender,
        members: DenseMatrix,
        shows: [PastShow],
        warmUp: Int = 2
    ) throws -> ForecastEvaluation {
        guard warmUp >= 1, shows.count > warmUp else {
            throw ModelError.invalidArgument("evaluation needs more than \(max(warmUp, 1)) shows, got \(shows.count)")
        }
        var modelError = 0.0
        var naiveError = 0.0
        var count = 0
        for index in warmUp..<shows.count {
            let show = shows[index]
            let actual = Double(show.buyers.count)
            guard actual > 0 else { continue }
            let history = Array(shows[..<index])
            let forecaster = try DemandForecaster(recommender: recommender, members: members, pastShows: history)
            let predicted = try forecaster.forecast(lineup: show.lineup, capacity: members.rows).expected
            let previous = history.last { !Set($0.lineup).isDisjoint(with: show.lineup) }
            let naive =
                previous.map { Double($0.buyers.count) } ?? history.reduce(0.0) { $0 + Double($1.buyers.count) } / Double(history.count)
            modelError += abs(predicted - actual) / actual
            naiveError += abs(naive - actual) / actual
            count += 1
        }
        guard count > 0 else { throw ModelError.invalidArgument("no show with buyers to evaluate") }
        return ForecastEvaluation(shows: count, modelMAPE: modelError / Double(count), naiveMAPE: naiveError / Double(count))
    }
}
