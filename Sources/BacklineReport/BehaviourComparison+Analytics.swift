public import BacklineAnalytics

extension BehaviourComparison {
    /// Rows from a promoter's exact histograms and, where the federation published the same query,
    /// its noised histogram: per query and non-empty cell, the member mean of clamped values (what
    /// the DP release estimates) beside the federation's noised mean, or "suppressed".
    public init(exact: [ExactHistogram], federation: [NoisedHistogram]) {
        let published = Dictionary(federation.map { ($0.query.name, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [FederationSummary.Behaviour] = []
        for histogram in exact {
            let noised = published[histogram.query.name]
            for cell in histogram.cells {
                guard let local = cell.memberClampedMean else { continue }
                let index = noised?.index(of: cell.label)
                let federationMean = index.flatMap { noised?.mean($0) }
                let suppressed = index.map { noised!.isSuppressed($0) } ?? false
                rows.append(
                    FederationSummary.Behaviour(
                        measure: histogram.query.name,
                        segment: cell.label,
                        local: local,
                        federation: federationMean,
                        suppressed: suppressed
                    )
                )
            }
        }
        self.init(rows: rows)
    }
}
