import BacklineFederation
import BacklineModel
import BacklinePrivacy
import Foundation

extension RoundCoordinator {
    /// The conversion of releases (gradient sums and counts) into descent updates for `model`'s
    /// layout, with λ and λ_f from the initial model's metadata (a `backline federation init`
    /// archive); without that metadata the regularisation term is left out.
    static func descentConversion(for model: GlobalModel) -> GradientSumConversion {
        let metadata = (try? SafeTensors.decode(model.bytes).metadata) ?? [:]
        let regularization = metadata["regularization"].flatMap(Float.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 0
        let featureRegularization =
            metadata["feature_regularization"].flatMap(Float.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? regularization
        return GradientSumConversion(
            parameters: model.parameters,
            regularization: regularization,
            featureRegularization: featureRegularization
        )
    }

    /// `releases` (each a node's noised gradient sum weighted by its noised count) as the descent
    /// updates Δ_p = −(S_p/N_p + r∘g/N) the strategy averages, validated again in their new form;
    /// `rejected` names the promoters whose converted update fails that validation (e.g. it
    /// overflows). Consumes `releases` one by one, so a round holds each update once (4.5 MB each
    /// for the 1.1 M-parameter model) rather than both forms of every update.
    func descentUpdates(
        _ releases: inout [ValidatedUpdate],
        global: GlobalModel,
        round: Int64
    ) throws
        -> (updates: [ValidatedUpdate], rejected: [String])
    {
        let total = releases.reduce(0) { $0 + max($1.weight, 1) }
        let values = global.parameters.flattened()
        let validator = try UpdateValidator(round: UInt64(round), shape: global.shape, maximumSampleCount: 1e12)
        var converted: [ValidatedUpdate] = []
        var rejected: [String] = []
        converted.reserveCapacity(releases.count)
        let threads = ProcessInfo.processInfo.activeProcessorCount
        while let release = releases.popLast() {
            let node = release.node
            let count = max(release.weight, 1)
            let privacy = release.privacy
            // The release is consumed so its values are converted in place, without a copy.
            var delta = (consume release).values
            descentConversion.convertToDescentDirection(&delta, count: count, totalCount: total, global: values, threads: threads)
            let update = ModelUpdate(
                node: node,
                round: UInt64(round),
                shape: global.shape,
                values: delta,
                sampleCount: count,
                privacy: privacy
            )
            switch validator.validate(update) {
            case .success(let valid): converted.append(valid)
            case .failure: rejected.append(node)
            }
        }
        converted.reverse()
        return (converted, rejected)
    }
}
