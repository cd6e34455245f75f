public import BacklineAnalytics
public import BacklinePrivacy

/// A promoter's own report (`backline report promoter`): model quality, audience segments, behaviour
/// measures beside the federation's published figures, and privacy spending from its ledger.
///
/// It holds exact local statistics: it is for the promoter's eyes only and is written owner-only.
public struct PromoterReport: Sendable {
    /// What the report says about the model file.
    public struct ModelFacts: Sendable {
        /// Latent factors.
        public let factors: Int
        /// Artists in the model.
        public let artists: Int
        /// Members with factors stored in the vault.
        public let members: Int
        /// Quality figures the model file carries (name, value), e.g. `ndcg_at_10`.
        public let quality: [(name: String, value: Double)]
        /// Other training facts from the model file (name, value).
        public let details: [(name: String, value: String)]

        /// Facts as given.
        public init(
            factors: Int,
            artists: Int,
            members: Int,
            quality: [(name: String, value: Double)],
            details: [(name: String, value: String)]
        ) {
            self.factors = factors
            self.artists = artists
            self.members = members
            self.quality = quality
            self.details = details
        }
    }

    /// The audience segments: k-means over member vectors, k chosen by silhouette.
    public struct Segments: Sendable {
        /// The clustering.
        public let clustering: AudienceClustering
        /// One profile per cluster.
        public let profiles: [SegmentProfile]

        /// Segments as given.
        public init(clustering: AudienceClustering, profiles: [SegmentProfile]) {
            self.clustering = clustering
            self.profiles = profiles
        }
    }

    /// The promoter's name.
    public let promoter: String
    /// When the report was made (ISO 8601).
    public let generatedAt: String
    /// The promoter's privacy ledger, if the vault has one.
    public let ledger: PrivacyLedger?
    /// The model, if a model file was given.
    public let model: ModelFacts?
    /// The segments, if a model was given.
    public let segments: Segments?
    /// The behaviour comparison.
    public let behaviour: BehaviourComparison
    /// Whether the federation's figures were given.
    public let federationGiven: Bool

    /// A report of these parts.
    public init(
        promoter: String,
        generatedAt: String,
        ledger: PrivacyLedger?,
        model: ModelFacts?,
        segments: Segments?,
        behaviour: BehaviourComparison,
        federationGiven: Bool
    ) {
        self.promoter = promoter
        self.generatedAt = generatedAt
        self.ledger = ledger
        self.model = model
        self.segments = segments
        self.behaviour = behaviour
        self.federationGiven = federationGiven
    }

    /// The page.
    public var document: HTMLDocument {
        var behaviourSection = behaviour.section
        if !federationGiven {
            behaviourSection = ReportSection(
                id: behaviourSection.id,
                title: behaviourSection.title,
                paragraphs: behaviourSection.paragraphs + ["No federation figures were given (--federation-stats): local values only."],
                content: behaviourSection.content
            )
        }
        return HTMLDocument(
            title: "Promoter report: \(promoter)",
            subtitle: [
                "Generated \(generatedAt) on the promoter's node.",
                "Holds exact local statistics: for the promoter's eyes only, do not share.",
            ],
            body: [modelSection, segmentSection, behaviourSection, privacySection].map(\.node)
        )
    }

    private var modelSection: ReportSection {
        guard let model else {
            return ReportSection(
                id: "model",
                title: "Model",
                paragraphs: ["No model file was given (--model): no model facts or segments."],
                content: []
            )
        }
        var rows = [
            ["factors", String(model.factors)], ["artists", String(model.artists)], ["members with factors", String(model.members)],
        ]
        rows += model.details.map { [$0.name, $0.value] }
        var content = [HTMLTable(id: "model", caption: "Model", columns: [.init("field"), .init("value")], rows: rows).node]
        var paragraphs: [String] = []
        if model.quality.isEmpty {
            paragraphs.append("The model file carries no quality figures ('backline model evaluate' measures them).")
        } else {
            content.append(
                BarChart(
                    id: "model-quality",
                    title: "Model quality",
                    caption: "Quality figures recorded in the model file.",
                    xLabel: "metric",
                    yLabel: "value",
                    categories: model.quality.map(\.name),
                    series: [BarSeries(name: "model", values: model.quality.map(\.value))]
                ).node
            )
        }
        return ReportSection(id: "model", title: "Model", paragraphs: paragraphs, content: content)
    }

    private var segmentSection: ReportSection {
        guard let segments else {
            return ReportSection(
                id: "segments",
                title: "Audience segments",
                paragraphs: ["Segments need the model's member factors (--model)."],
                content: []
            )
        }
        let profiles = segments.profiles
        let names = profiles.map { "segment \($0.cluster + 1)" }
        let sizes = BarChart(
            id: "segment-sizes",
            title: "Members per segment",
            caption: "k-means over the members' factors; k = \(segments.clustering.k) had the best mean silhouette.",
            xLabel: "segment",
            yLabel: "members",
            categories: names,
            series: [BarSeries(name: "members", values: profiles.map { Double($0.members) })]
        )
        let silhouettes = segments.clustering.silhouettes.sorted { $0.key < $1.key }
        let choice = LineChart(
            id: "segment-silhouette",
            title: "Choosing k",
            caption: "Mean silhouette of a sample of members for each k tried (higher is better).",
            xLabel: "k",
            yLabel: "mean silhouette",
            series: [ChartSeries(name: "silhouette", points: silhouettes.map { (Double($0.key), $0.value) })],
            includeZero: false,
            integerX: true
        )
        func top(_ shares: [String: Double], _ count: Int) -> String {
            shares.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count)
                .map { "\($0.key) \(ReportNumber.fixed($0.value * 100, decimals: 0)) %" }.joined(separator: ", ")
        }
        let table = HTMLTable(
            id: "segments",
            caption: "Segments",
            columns: [
                .init("segment"), .init("members", numeric: true), .init("age bands"), .init("gender"), .init("top interest genres"),
            ],
            rows: profiles.map { profile in
                [
                    "segment \(profile.cluster + 1)", String(profile.members), top(profile.ageBands, 3), top(profile.genders, 3),
                    profile.topGenres.map { "\($0.genre) \(ReportNumber.fixed($0.share * 100, decimals: 0)) %" }.joined(separator: ", "),
                ]
            }
        )
        return ReportSection(
            id: "segments",
            title: "Audience segments",
            paragraphs: ["Computed on this node only; segments are never released except through the differentially private path."],
            content: [sizes.node, choice.node, table.node]
        )
    }

    private var privacySection: ReportSection {
        guard let ledger else {
            return ReportSection(
                id: "privacy",
                title: "Privacy spending",
                paragraphs: ["The vault holds no privacy ledger yet: nothing has been released."],
                content: []
            )
        }
        let entries = ledger.entries
        let chart = LineChart(
            id: "ledger",
            title: "Cumulative ε by release",
            caption:
                "The ledger's ε after each release (Rényi-DP composition at δ = \(ReportNumber.compact(ledger.budget.delta))) and the budget.",
            xLabel: "release",
            yLabel: "ε",
            series: [
                ChartSeries(name: "ε spent", points: entries.enumerated().map { (Double($0.offset + 1), $0.element.cumulativeEpsilon) }),
                ChartSeries(
                    name: "ε budget",
                    points: entries.isEmpty ? [] : [(1, ledger.budget.epsilon), (Double(entries.count), ledger.budget.epsilon)]
                ),
            ],
            integerX: true
        )
        let table = HTMLTable(
            id: "ledger",
            caption: "Releases charged",
            columns: [
                .init("#", numeric: true), .init("kind"), .init("label"), .init("noise multiplier", numeric: true),
                .init("sampling rate", numeric: true), .init("steps", numeric: true), .init("cumulative ε", numeric: true),
            ],
            rows: entries.enumerated().map { index, entry in
                [
                    String(index + 1), entry.kind.identifier, entry.label, ReportNumber.compact(entry.parameters.noiseMultiplier),
                    ReportNumber.compact(entry.parameters.samplingRate), String(entry.parameters.steps),
                    ReportNumber.fixed(entry.cumulativeEpsilon, decimals: 4),
                ]
            }
        )
        let spent = ledger.spent.epsilon
        let summary =
            "ε spent \(ReportNumber.fixed(spent, decimals: 4)) of \(ReportNumber.compact(ledger.budget.epsilon)) (δ = \(ReportNumber.compact(ledger.budget.delta))), \(ReportNumber.fixed(ledger.remainingEpsilon, decimals: 4)) left, over \(entries.count) release\(entries.count == 1 ? "" : "s")."
        return ReportSection(id: "privacy", title: "Privacy spending", paragraphs: [summary], content: [chart.node, table.node])
    }
}
