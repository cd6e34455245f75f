import BacklineCore
import BacklineModel
import BacklinePrivacy
import Testing

@testable import BacklineFederation

@Suite struct NodeRoundTests {
    @Test func kernelGradientMatchesTheModelsMemberGradient() throws {
        let federation = try Fixtures.federation(members: [12])
        let specification = try federation.specification(factors: 4)
        var generator = SeededGenerator(seed: 5)
        var parameters = try specification.initialParameters(seed: 1, scale: 0.3)
        let flat = parameters.flattened().map { $0 + Float(generator.nextGaussian()) * 0.1 }
        parameters = try parameters.unflattened(flat)
        let model = try specification.model(parameters)
        let data = federation.promoters[0]
        let confidence = specification.weighting.extraConfidence(for: data.interactions)
        let kernel = MemberGradientKernel(model: model)
        for member in 0..<data.memberCount {
            let row = try MemberRow(row: member, extraConfidence: confidence, memberFeatures: data.memberFeatures)
            let own = try model.solveOwnFactor(row)
            let u = try model.memberRepresentation(row, ownFactor: own)
            let expected = try model.memberLossAndGradient(row, ownFactor: own)
            var gradient = [Float](repeating: .nan, count: kernel.parameterCount)
            let loss = u.withUnsafeBufferPointer { u in
                own.withUnsafeBufferPointer { own in
                    gradient.withUnsafeMutableBufferPointer { out in
                        kernel.lossAndGradient(
                            row: member,
                            confidence: confidence,
                            features: data.memberFeatures,
                            u: u,
                            own: own,
                            into: out
                        )
                    }
                }
            }
            #expect(abs(loss - expected.loss) <= 1e-3 * max(1, abs(expected.loss)))
            let reference = expected.gradient.flattened()
            #expect(reference.count == gradient.count)
            let error = zip(reference, gradient).map { Double(abs($0 - $1)) }.max() ?? .infinity
            #expect(error <= 1e-3 * max(1, reference.map { Double(abs($0)) }.max() ?? 1))
        }
    }

    @Test func nonPrivateReleaseIsTheExactSumOverAllMembers() throws {
        let federation = try Fixtures.federation(members: [10])
        let specification = try federation.specification(factors: 4)
        let parameters = try specification.initialParameters(seed: 2, scale: 0.3)
        let model = try specification.model(parameters)
        let data = federation.promoters[0]
        var node = try Fixtures.node(data, specification, privacy: nil)
        var noise = SeededNoise(seed: 1)
        let release = try node.run(round: 1, global: parameters, noise: &noise)
        #expect(release.count == Double(data.memberCount))
        #expect(!release.isPrivate)
        let confidence = specification.weighting.extraConfidence(for: data.interactions)
        var expected = [Double](repeating: 0, count: release.gradientSum.count)
        for member in 0..<data.memberCount {
            let row = try MemberRow(row: member, extraConfidence: confidence, memberFeatures: data.memberFeatures)
            let gradient = try model.memberLossAndGradient(row, ownFactor: model.solveOwnFactor(row)).gradient.flattened()
            for index in gradient.indices { expected[index] += Double(gradient[index]) }
        }
        let scale = expected.map(abs).max() ?? 1
        let error = zip(expected, release.gradientSum).map { abs($0 - Double($1)) }.max() ?? .infinity
        #expect(error <= 1e-3 * max(1, scale))
    }

    @Test func ledgerIsChargedBeforeComputeAndAnOverBudgetRoundReleasesNothing() throws {
        let federation = try Fixtures.federation(members: [20])
        let specification = try federation.specification(factors: 4)
        let parameters = try specification.initialParameters(seed: 2, scale: 0.3)
        let privacy = try PrivacySettings(clipNorm: 1, noiseMultiplier: 1, countNoiseMultiplier: 10)
        let oneRound = try RDPAccountant.loss(
            of: Fixtures.node(federation.promoters[0], specification, privacy: privacy).accountedParameters!,
            delta: 1e-6
        ).epsilon
        // Budget for one round but not two.
        var node = try Fixtures.node(federation.promoters[0], specification, privacy: privacy, epsilon: oneRound * 1.2)
        var noise = SeededNoise(seed: 1)
        _ = try node.run(round: 1, global: parameters, noise: &noise)
        #expect(node.ledger!.entries.count == 1)
        let factorsAfterFirst = node.memberFactors
        // A changed global model would change the locally solved factors if compute ran.
        let moved = try parameters.unflattened(parameters.flattened().map { $0 * 3 + 0.1 })
        var released: NodeRelease?
        #expect(throws: PrivacyError.self) { released = try node.run(round: 2, global: moved, noise: &noise) }
        #expect(released == nil)
        #expect(node.ledger!.entries.count == 1)
        #expect(node.memberFactors == factorsAfterFirst)
    }

    @Test func hugeContributionMovesTheReleaseByAtMostTheClipNorm() throws {
        let federation = try Fixtures.federation(members: [15])
        let specification = try federation.specification(factors: 4)
        let parameters = try specification.initialParameters(seed: 2, scale: 0.5)
        let base = federation.promoters[0]
        // Neighbour: one extra member who played every artist 10⁹ times.
        let artists = specification.artistCount
        let outlier = try SparseMatrix(rowCount: 1, columnCount: artists, triples: (0..<artists).map { (0, $0, Float(1e9)) })
        let outlierFeatures = try SparseMatrix(rowCount: 1, columnCount: specification.memberFeatureCount, triples: [(0, 0, 1)])
        let neighbour = try PromoterData(
            name: base.name,
            interactions: SparseStacking.stacked([base.interactions, outlier]),
            memberFeatures: SparseStacking.stacked([base.memberFeatures, outlierFeatures]),
            specification: specification
        )
        let clip = 0.5
        func difference(_ privacy: PrivacySettings?) throws -> Double {
            var first = try Fixtures.node(base, specification, privacy: privacy)
            var second = try Fixtures.node(neighbour, specification, privacy: privacy)
            var noiseA = SeededNoise(seed: 9)
            var noiseB = SeededNoise(seed: 9)
            let a = try first.run(round: 1, global: parameters, noise: &noiseA).gradientSum
            let b = try second.run(round: 1, global: parameters, noise: &noiseB).gradientSum
            return zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        }
        // Same noise draws on both sides: the difference is the outlier's clipped contribution.
        let privateDifference = try difference(PrivacySettings(clipNorm: clip, noiseMultiplier: 2, countNoiseMultiplier: 20))
        #expect(privateDifference <= clip * 1.0001)
        #expect(privateDifference > 0)
        // Without clipping the same outlier moves the sum far more: the bound above is the clipping's doing.
        let openDifference = try difference(nil)
        #expect(openDifference > 100 * clip)
    }

    @Test func nonFiniteContributionIsRefusedBeforeTheSum() throws {
        for privacy in [nil, try PrivacySettings(clipNorm: 1, noiseMultiplier: 1, countNoiseMultiplier: 10)] {
            var sink = try ContributionSink(privacy: privacy, parameterCount: 3)
            try sink.add([1, 0, 0])
            for bad: Float in [.nan, .infinity, -.infinity] {
                #expect(throws: (any Error).self) { try sink.add([0, bad, 0]) }
            }
            var noise = SeededNoise(seed: 4)
            let released = sink.release(using: &noise)
            let finite = released.values.allSatisfy { $0.isFinite }
            #expect(finite)
            let exact = released.count == 1 && released.values == [1, 0, 0]
            #expect(exact == (privacy == nil))
        }
    }

    /// The parallel sum (step 4): with DP the per-thread lattice sums are exact integers, so the
    /// release is the same bits on 1, 2 or 5 threads (same member factors, same noise draws);
    /// without DP the Double sums agree to rounding and repeat exactly for a given thread count.
    @Test func parallelSumReleasesTheSameBitsOnAnyThreadCount() throws {
        let federation = try Fixtures.federation(members: [203], artists: 30, items: 2...6)
        let specification = try federation.specification(factors: 3)
        let model = try specification.model(specification.initialParameters(seed: 4, scale: 0.4))
        let data = federation.promoters[0]
        let solved = try model.foldInMembers(interactions: data.interactions, memberFeatures: data.memberFeatures)
        let kernel = MemberGradientKernel(model: model)
        let sum = MemberContributionSum(
            kernel: kernel,
            confidence: specification.weighting.extraConfidence(for: data.interactions),
            features: data.memberFeatures,
            representations: solved.representations,
            own: solved.own
        )
        func release(_ privacy: PrivacySettings?, threads: Int) throws -> [Float] {
            var sink = try ContributionSink(privacy: privacy, parameterCount: kernel.parameterCount)
            try sum.add(Array(0..<data.memberCount), into: &sink, threads: threads)
            var noise = SeededNoise(seed: 17)
            return sink.release(using: &noise).values
        }
        let privacy = try PrivacySettings(clipNorm: 0.3, noiseMultiplier: 1, countNoiseMultiplier: 10)
        let serial = try release(privacy, threads: 1)
        for threads in [2, 5] {
            #expect(try release(privacy, threads: threads) == serial)
        }
        let plainSerial = try release(nil, threads: 1)
        let plainParallel = try release(nil, threads: 5)
        #expect(try release(nil, threads: 5) == plainParallel)
        let scale = plainSerial.map { Double(abs($0)) }.max() ?? 1
        let error = zip(plainSerial, plainParallel).map { Double(abs($0 - $1)) }.max() ?? .infinity
        #expect(error <= 1e-4 * max(1, scale))
    }

    /// The whole round on several threads repeats exactly for a given thread count and agrees with
    /// the one-thread round (member solves included) to rounding.
    @Test func parallelRoundIsReproducibleForAGivenThreadCount() throws {
        let federation = try Fixtures.federation(members: [150], artists: 30, items: 2...6)
        let specification = try federation.specification(factors: 3)
        let parameters = try specification.initialParameters(seed: 4, scale: 0.4)
        func release(threads: Int) throws -> NodeRelease {
            var node = try Fixtures.node(federation.promoters[0], specification, privacy: nil, threads: threads)
            var noise = SeededNoise(seed: 17)
            return try node.run(round: 1, global: parameters, noise: &noise)
        }
        let parallel = try release(threads: 3)
        #expect(try release(threads: 3) == parallel)
        let serial = try release(threads: 1)
        let scale = serial.gradientSum.map { Double(abs($0)) }.max() ?? 1
        let error = zip(serial.gradientSum, parallel.gradientSum).map { Double(abs($0 - $1)) }.max() ?? .infinity
        #expect(error <= 1e-4 * max(1, scale))
    }

    /// q < 1 solves only the sampled members, on tables of their rows: the release must still be
    /// the exact sum over exactly the members the sampler picks, and only their factors change.
    @Test func sampledRoundSumsExactlyTheSampledMembers() throws {
        let federation = try Fixtures.federation(members: [60])
        let specification = try federation.specification(factors: 4)
        let parameters = try specification.initialParameters(seed: 2, scale: 0.3)
        let model = try specification.model(parameters)
        let data = federation.promoters[0]
        var node = try Fixtures.node(data, specification, privacy: nil, rate: 0.3)
        var noise = SeededNoise(seed: 1)
        let release = try node.run(round: 3, global: parameters, noise: &noise)
        let sampled = try PoissonSampler(rate: 0.3, seed: Fixtures.seed(3)).sample(memberCount: data.memberCount, round: 3)
        #expect(!sampled.isEmpty && sampled.count < data.memberCount)
        #expect(release.count == Double(sampled.count))
        let confidence = specification.weighting.extraConfidence(for: data.interactions)
        var expected = [Double](repeating: 0, count: release.gradientSum.count)
        for member in sampled {
            let row = try MemberRow(row: member, extraConfidence: confidence, memberFeatures: data.memberFeatures)
            let gradient = try model.memberLossAndGradient(row, ownFactor: model.solveOwnFactor(row)).gradient.flattened()
            for index in gradient.indices { expected[index] += Double(gradient[index]) }
        }
        let scale = expected.map(abs).max() ?? 1
        let error = zip(expected, release.gradientSum).map { abs($0 - Double($1)) }.max() ?? .infinity
        #expect(error <= 1e-3 * max(1, scale))
        let k = specification.factors
        for member in 0..<data.memberCount {
            let factor = node.memberFactors.storage[member * k..<(member + 1) * k]
            #expect(factor.contains { $0 != 0 } == sampled.contains(member))
        }
    }

    @Test func poissonSamplingAtRateQTakesAboutQOfTheMembers() throws {
        let federation = try Fixtures.federation(members: [300], artists: 20, items: 2...4)
        let specification = try federation.specification(factors: 2)
        var node = try Fixtures.node(federation.promoters[0], specification, privacy: nil, rate: 0.2)
        var noise = SeededNoise(seed: 1)
        let release = try node.run(round: 1, global: specification.initialParameters(seed: 1), noise: &noise)
        #expect(release.count >= 35 && release.count <= 85)
    }
}
