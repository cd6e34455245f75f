/// How the combined delta Δ moves the global model (Reddi et al. 2021, "Adaptive Federated
/// Optimization", Algorithm 2):
/// - SGD (FedAvg): x ← x + η·Δ.
/// - Adam: m ← β1·m + (1−β1)·Δ; v ← β2·v + (1−β2)·Δ²; x ← x + η·m/(√v + τ).
/// - Yogi: as Adam but v ← v − (1−β2)·Δ²·sign(v − Δ²).
/// As in the paper, v starts at τ² and there is no bias correction.
public struct ServerOptimizer: Hashable, Sendable {
    private enum Kind: Hashable, Sendable { case sgd, adam, yogi }
    private let kind: Kind
    /// Server learning rate η.
    public let learningRate: Double
    /// First-moment decay β1.
    public let beta1: Double
    /// Second-moment decay β2.
    public let beta2: Double
    /// Adaptivity τ.
    public let tau: Double

    private init(kind: Kind, learningRate: Double, beta1: Double, beta2: Double, tau: Double) throws {
        guard learningRate.isFinite, learningRate > 0 else {
            throw PrivacyError.invalidParameter("server learning rate η", learningRate, expected: "a finite number > 0")
        }
        for (name, value) in [("β1", beta1), ("β2", beta2)] where !(value.isFinite && value >= 0 && value < 1) {
            throw PrivacyError.invalidParameter(name, value, expected: "a number in [0, 1)")
        }
        guard tau.isFinite, tau > 0 else {
            throw PrivacyError.invalidParameter("τ", tau, expected: "a finite number > 0")
        }
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.tau = tau
    }

    /// Plain server SGD: FedAvg with η = 1.
    public static func sgd(learningRate: Double = 1) throws -> Self {
        try Self(kind: .sgd, learningRate: learningRate, beta1: 0, beta2: 0, tau: 1)
    }
    /// FedAdam.
    public static func adam(
        learningRate: Double = 0.01,
        beta1: Double = 0.9,
        beta2: Double = 0.99,
        tau: Double = 1e-3
    )
        throws -> Self
    {
        try Self(kind: .adam, learningRate: learningRate, beta1: beta1, beta2: beta2, tau: tau)
    }
    /// FedYogi.
    public static func yogi(
        learningRate: Double = 0.01,
        beta1: Double = 0.9,
        beta2: Double = 0.99,
        tau: Double = 1e-3
    )
        throws -> Self
    {
        try Self(kind: .yogi, learningRate: learningRate, beta1: beta1, beta2: beta2, tau: tau)
    }

    /// `sgd`, `adam` or `yogi`.
    public var name: String {
        switch kind {
        case .sgd: "sgd"
        case .adam: "adam"
        case .yogi: "yogi"
        }
    }

    /// Applies `delta` to `model` and returns the new state.
    func apply(_ delta: [Float], to model: inout [Float], state: ServerOptimizerState) -> ServerOptimizerState {
        let eta = Float(learningRate)
        if kind == .sgd {
            model.withUnsafeMutableBufferPointer { x in
                let target = CoordinateParallel.SendablePointer(value: x)
                delta.withUnsafeBufferPointer { d in
                    let source = CoordinateParallel.SendablePointer(value: d)
                    CoordinateParallel.forEachRange(count: x.count) { range in
                        for j in range { target.value[j] += eta * source.value[j] }
                    }
                }
            }
            return ServerOptimizerState(firstMoment: [], secondMoment: [], step: state.step + 1)
        }
        let count = model.count
        var m = state.firstMoment.count == count ? state.firstMoment : [Float](repeating: 0, count: count)
        var v =
            state.secondMoment.count == count ? state.secondMoment : [Float](repeating: Float(tau * tau), count: count)
        let b1 = Float(beta1)
        let b2 = Float(beta2)
        let t = Float(tau)
        let yogi = kind == .yogi
        model.withUnsafeMutableBufferPointer { x in
            m.withUnsafeMutableBufferPointer { mBuffer in
                v.withUnsafeMutableBufferPointer { vBuffer in
                    delta.withUnsafeBufferPointer { d in
                        let xs = CoordinateParallel.SendablePointer(value: x)
                        let ms = CoordinateParallel.SendablePointer(value: mBuffer)
                        let vs = CoordinateParallel.SendablePointer(value: vBuffer)
                        let ds = CoordinateParallel.SendablePointer(value: d)
                        CoordinateParallel.forEachRange(count: count) { range in
                            for j in range {
                                let g = ds.value[j]
                                let g2 = g * g
                                ms.value[j] = b1 * ms.value[j] + (1 - b1) * g
                                let previous = vs.value[j]
                                if yogi {
                                    let direction: Float = previous > g2 ? 1 : (previous < g2 ? -1 : 0)
                                    vs.value[j] = previous - (1 - b2) * g2 * direction
                                } else {
                                    vs.value[j] = b2 * previous + (1 - b2) * g2
                                }
                                xs.value[j] += eta * ms.value[j] / (vs.value[j].squareRoot() + t)
                            }
                        }
                    }
                }
            }
        }
        return ServerOptimizerState(firstMoment: m, secondMoment: v, step: state.step + 1)
    }
}
