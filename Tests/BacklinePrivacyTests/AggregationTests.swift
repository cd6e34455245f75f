import BacklineCore
import BacklinePrivacy
import Testing

/// The input count above which the order-statistic rules switch from the sorting network to quickselect.
private enum CoordinateKernelLimits { static let network = 1024 }

@Suite struct AggregationTests {
    private func validated(
        _ rows: [[Float]],
        weights: [Double]? = nil,
        privacy: MechanismParameters? = nil
    ) throws
        -> [ValidatedUpdate]
    {
        let shape = try ParameterShape.flat(rows[0].count)
        let validator = try UpdateValidator(round: 1, shape: shape)
        return try rows.enumerated().map { index, row in
            try validator.validate(
                ModelUpdate(
                    node: "p\(index)",
                    round: 1,
                    shape: shape,
                    values: row,
                    sampleCount: weights?[index] ?? 1,
                    privacy: privacy
                )
            ).get()
        }
    }

    private func randomRows(_ n: Int, _ d: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        // Few distinct values so that ties are common.
        return (0..<n).map { _ in (0..<d).map { _ in Float(Int(generator.next() % 21) - 10) / 4 } }
    }

    private func column(_ rows: [[Float]], _ j: Int) -> [Double] { rows.map { Double($0[j]) }.sorted() }

    @Test(arguments: [1, 2, 5, 6, 17, 100, 1030])
    func medianAndTrimmedMeanMatchASortedReference(_ n: Int) throws {
        // Above one parallel range, so several threads run; 1030 takes the quickselect path.
        let d = n > CoordinateKernelLimits.network ? 300 : max(8_200, min(40_003, 400_000 / n))
        let rows = randomRows(n, d, seed: UInt64(n))
        let global = [Float](repeating: 0, count: d)
        let median = try FederatedStrategy(rule: .coordinateMedian, optimizer: .sgd(), minimumContributions: 1)
        let trimmed = try FederatedStrategy(
            rule: .trimmedMean(trimFraction: 0.2),
            optimizer: .sgd(),
            minimumContributions: 1
        )
        let medianModel = try #require(
            median.aggregate(round: 1, global: global, updates: try validated(rows), state: .initial).model
        )
        let trimmedModel = try #require(
            trimmed.aggregate(round: 1, global: global, updates: try validated(rows), state: .initial).model
        )
        let trim = Int(0.2 * Double(n))
        for j in stride(from: 0, to: d, by: 7) {
            let sorted = column(rows, j)
            let expectedMedian = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            #expect(abs(Double(medianModel[j]) - expectedMedian) < 1e-6, "median at \(j)")
            let kept = sorted[trim..<(n - trim)]
            let expectedTrimmed = kept.reduce(0, +) / Double(kept.count)
            #expect(abs(Double(trimmedModel[j]) - expectedTrimmed) < 1e-5, "trimmed mean at \(j)")
        }
    }

    @Test func fedAvgWeighsByCappedCounts() throws {
        let updates = try validated([[1, 0], [0, 1], [3, 3]], weights: [1, 3, 4])
        let outcome = try FederatedStrategy.fedAvg().aggregate(
            round: 1,
            global: [10, 10],
            updates: updates,
            state: .initial
        )
        let model = try #require(outcome.model)
        #expect(abs(model[0] - (10 + 13.0 / 8)) < 1e-6 && abs(model[1] - (10 + 15.0 / 8)) < 1e-6)
        #expect(outcome.contributors == ["p0", "p1", "p2"])
    }

    /// SECURITY-TESTS 77 (pure part): fewer than k = 3 contributions → no model.
    @Test(arguments: [0, 1, 2])
    func fewerThanThreeContributionsPublishNothing(_ count: Int) throws {
        let rows = Array(repeating: [Float](repeating: 1, count: 4), count: max(count, 1))
        let updates = count == 0 ? [] : try validated(Array(rows.prefix(count)))
        let state = ServerOptimizerState(firstMoment: [1], secondMoment: [2], step: 7)
        let outcome = try FederatedStrategy.fedAvg().aggregate(
            round: 9,
            global: [0, 0, 0, 0],
            updates: updates,
            state: state
        )
        #expect(!outcome.isPublished)
        #expect(outcome.notPublishedReason?.contains("at least 3") == true)
        #expect(outcome.state == state)
        let three = try validated(Array(repeating: [Float](repeating: 1, count: 4), count: 3))
        #expect(
            try FederatedStrategy.fedAvg().aggregate(round: 9, global: [0, 0, 0, 0], updates: three, state: state)
                .isPublished
        )
    }

    /// SECURITY-TESTS 67: 1 of 5 nodes sends a ×100 update. With a server norm bound plus median or
    /// trimmed mean, every coordinate of the change stays within the honest nodes' range and the
    /// change's norm within the bound; plain FedAvg is dragged far off (the attack is real).
    @Test func robustRulesBoundOneHundredfoldUpdate() throws {
        let d = 1000
        var generator = SeededGenerator(seed: 67)
        let honestDirection = (0..<d).map { _ in Float(generator.nextGaussian()) }
        let honestNorm = Float(VectorNorm.l2(honestDirection))
        var rows = (0..<4).map { _ in
            honestDirection.map { $0 / honestNorm * (1 + Float(generator.nextGaussian()) * 0.05) }
        }
        rows.append(rows[0].map { $0 * 100 })
        let honest = Array(rows.prefix(4))
        let bound = 1.2
        let global = [Float](repeating: 0, count: d)
        for rule in [AggregationRule.coordinateMedian, try .trimmedMean(trimFraction: 0.2)] {
            let strategy = try FederatedStrategy(rule: rule, optimizer: .sgd(), serverNormBound: bound)
            let change = try #require(
                strategy.aggregate(round: 1, global: global, updates: try validated(rows), state: .initial).model
            )
            #expect(VectorNorm.l2(change) <= bound * (1 + 1e-6), "\(rule.name): norm \(VectorNorm.l2(change))")
            for j in 0..<d {
                let values = honest.map { $0[j] }
                #expect(
                    change[j] >= values.min()! - 1e-6 && change[j] <= values.max()! + 1e-6,
                    "\(rule.name) coordinate \(j)"
                )
            }
        }
        let plain = try #require(
            try FederatedStrategy.fedAvg().aggregate(
                round: 1,
                global: global,
                updates: try validated(rows),
                state: .initial
            ).model
        )
        #expect(VectorNorm.l2(plain) > 15)
    }

    @Test func fedAdamAndFedYogiFollowReddiEtAl() throws {
        let updates = try validated([[0.5, -1], [0.5, -1], [0.5, -1]])
        let adam = try FederatedStrategy.fedAdam(learningRate: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3)
        let first = adam.aggregate(round: 1, global: [0, 0], updates: updates, state: .initial)
        // m = 0.1Δ, v = 0.99τ² + 0.01Δ², x = η·m/(√v + τ).
        for (j, delta) in [0.5, -1.0].enumerated() {
            let m = 0.1 * delta
            let v = 0.99 * 1e-6 + 0.01 * delta * delta
            #expect(abs(Double(first.model![j]) - 0.1 * m / (v.squareRoot() + 1e-3)) < 1e-5)
        }
        #expect(first.state.step == 1 && first.state.firstMoment.count == 2)
        let second = adam.aggregate(round: 2, global: first.model!, updates: updates, state: first.state)
        #expect(abs(second.state.firstMoment[0] - Float(0.9 * 0.05 + 0.1 * 0.5)) < 1e-6)

        let yogi = try FederatedStrategy.fedYogi(learningRate: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3)
        let yogiFirst = yogi.aggregate(round: 1, global: [0, 0], updates: updates, state: .initial)
        // v0 = τ² < Δ², so v = τ² + 0.01·Δ².
        #expect(abs(Double(yogiFirst.state.secondMoment[1]) - (1e-6 + 0.01)) < 1e-7)
        #expect(yogiFirst.state.secondMoment[1] != first.state.secondMoment[1])
    }

    @Test func privacyWrapperConfiguresRoundsAndSetsAsideUnprotectedUpdates() throws {
        let requirement = MechanismParameters(noiseMultiplier: 1.1, samplingRate: 0.1, steps: 1, sensitivity: 1)
        let strategy = try DifferentialPrivacyStrategy(
            wrapping: try FederatedStrategy.fedAvg(),
            requirement: requirement
        )
        #expect(strategy.configureRound(5).privacy == requirement)
        #expect(strategy.configureRound(5).minimumContributions == 3)
        let protected = try validated(Array(repeating: [Float](repeating: 1, count: 3), count: 3), privacy: requirement)
        let weak = try validated([[9, 9, 9]], privacy: MechanismParameters(noiseMultiplier: 0.1, sensitivity: 1))
        let none = try validated([[9, 9, 9]])
        let outcome = strategy.aggregate(
            round: 5,
            global: [0, 0, 0],
            updates: protected + weak + none,
            state: .initial
        )
        #expect(outcome.model == [1, 1, 1])
        #expect(outcome.excluded.map(\.reason) == [.privacy, .privacy])
        // Without the three protected updates, too few remain: nothing is published.
        #expect(!strategy.aggregate(round: 5, global: [0, 0, 0], updates: weak + none, state: .initial).isPublished)
        #expect(throws: PrivacyError(code: .invalidParameter, reason: "")) {
            try DifferentialPrivacyStrategy(
                wrapping: try FederatedStrategy.fedAvg(),
                requirement: MechanismParameters(noiseMultiplier: 0)
            )
        }
    }
}
