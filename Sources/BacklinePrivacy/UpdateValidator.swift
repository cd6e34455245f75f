/// Checks a node's update before it may be stored or aggregated, in a fixed order: round, dtype,
/// shape, NaN, Inf, norm, sample count. Each failure is an ``UpdateRejection`` with a stable reason.
public struct UpdateValidator: Sendable, Hashable {
    /// The round being collected.
    public let round: UInt64
    /// The model's layout.
    public let shape: ParameterShape
    /// Largest accepted L2 norm of a delta, or nil for no bound.
    public let maximumNorm: Double?
    /// Largest weight one node may have.
    public let maximumSampleCount: Double
    /// Whether a count above ``maximumSampleCount`` is capped (true) or rejected (false).
    public let capsSampleCount: Bool

    /// A validator for `round` and `shape`.
    /// - Throws: `invalid_parameter` for a non-positive or non-finite bound or cap.
    public init(
        round: UInt64,
        shape: ParameterShape,
        maximumNorm: Double? = nil,
        maximumSampleCount: Double = 1_000_000,
        capsSampleCount: Bool = true
    ) throws {
        if let maximumNorm, !(maximumNorm.isFinite && maximumNorm > 0) {
            throw PrivacyError.invalidParameter("maximum update norm", maximumNorm, expected: "a finite number > 0")
        }
        guard maximumSampleCount.isFinite, maximumSampleCount > 0 else {
            throw PrivacyError.invalidParameter(
                "maximum sample count",
                maximumSampleCount,
                expected: "a finite number > 0"
            )
        }
        self.round = round
        self.shape = shape
        self.maximumNorm = maximumNorm
        self.maximumSampleCount = maximumSampleCount
        self.capsSampleCount = capsSampleCount
    }

    /// The update, checked; or the reason it was refused.
    public func validate(_ update: ModelUpdate) -> Result<ValidatedUpdate, UpdateRejection> {
        func reject(_ reason: UpdateRejection.Reason, _ detail: String) -> Result<ValidatedUpdate, UpdateRejection> {
            .failure(UpdateRejection(reason, node: update.node, detail: detail))
        }
        guard update.round == round else {
            return reject(.round, "update is for round \(update.round), collecting round \(round)")
        }
        guard update.dtype == "f32" else { return reject(.dtype, "dtype '\(update.dtype.prefix(16))' is not f32") }
        guard update.shape == shape else { return reject(.shape, "tensor layout differs from the model's") }
        guard update.values.count == shape.count else {
            return reject(.shape, "\(update.values.count) values, the model has \(shape.count)")
        }
        // One pass over a well-formed update: a finite sum of squares proves every value finite
        // and is the norm. Otherwise the vector is searched: NaN first over the whole vector (it
        // takes precedence over an earlier ±Inf), then ±Inf.
        let norm: Double
        if let finiteNorm = update.values.withUnsafeBufferPointer(VectorNorm.l2IfFinite) {
            norm = finiteNorm
        } else {
            if let index = update.values.firstIndex(where: { $0.isNaN }) {
                return reject(.nan, "NaN at coordinate \(index)")
            }
            if let index = update.values.firstIndex(where: { $0.isInfinite }) {
                return reject(.inf, "infinite value at coordinate \(index)")
            }
            norm = VectorNorm.l2(update.values)
        }
        guard norm.isFinite else { return reject(.inf, "L2 norm overflows") }
        if let maximumNorm, norm > maximumNorm {
            return reject(.norm, "L2 norm \(norm) above the bound \(maximumNorm)")
        }
        let count = update.sampleCount
        guard count.isFinite, count > 0 else {
            return reject(.count, "sample count \(count) is not a positive finite number")
        }
        if count > maximumSampleCount && !capsSampleCount {
            return reject(.count, "sample count \(count) above the cap \(maximumSampleCount)")
        }
        return .success(
            ValidatedUpdate(
                node: update.node,
                values: update.values,
                weight: min(count, maximumSampleCount),
                norm: norm,
                privacy: update.privacy
            )
        )
    }
}
