public import BacklineModel

extension ModelSpecification {
    /// Each member's loss under `global`: own factor solved in closed form from the member's own
    /// data, then Σ_a c_ma (p_ma − u·v_a)² + λ‖p‖². What a membership-inference attacker with the
    /// published model and a candidate record computes.
    /// - Throws: `shape_mismatch` when `global` does not fit.
    public func memberLosses(global: ParameterSet, data: PromoterData) throws -> [Double] {
        let model: FactorModel
        do { model = try self.model(global) } catch { throw FederationError.shapeMismatch("global parameters", "\(error)") }
        let solved = try model.foldInMembers(interactions: data.interactions, memberFeatures: data.memberFeatures)
        let kernel = MemberGradientKernel(model: model)
        let confidence = weighting.extraConfidence(for: data.interactions)
        var gradient = [Float](repeating: 0, count: kernel.parameterCount)
        let k = factors
        return (0..<data.memberCount).map { member in
            solved.representations.storage.withUnsafeBufferPointer { reps in
                solved.own.storage.withUnsafeBufferPointer { own in
                    gradient.withUnsafeMutableBufferPointer { out in
                        kernel.lossAndGradient(
                            row: member,
                            confidence: confidence,
                            features: data.memberFeatures,
                            u: UnsafeBufferPointer(rebasing: reps[member * k..<(member + 1) * k]),
                            own: UnsafeBufferPointer(rebasing: own[member * k..<(member + 1) * k]),
                            into: out
                        )
                    }
                }
            }
        }
    }
}
