extension FederationSummary {
    /// One training round.
    public struct Round: Sendable, Decodable {
        /// The round number.
        public let round: Int
        /// Updates aggregated in the round.
        public let contributions: Int
        /// NDCG@10 of the new global model on the validation members, if evaluated.
        public let validationNDCGAt10: Double?
        /// Cumulative ε per promoter after the round.
        public let epsilonSpent: [String: Double]

        enum CodingKeys: String, CodingKey, CaseIterable {
            case round, contributions
            case validationNDCGAt10 = "validation_ndcg_at_10"
            case epsilonSpent = "epsilon_spent"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            round = try container.decode(Int.self, forKey: .round)
            contributions = try container.decode(Int.self, forKey: .contributions)
            validationNDCGAt10 = try container.decodeIfPresent(Double.self, forKey: .validationNDCGAt10)
            epsilonSpent = try container.decode([String: Double].self, forKey: .epsilonSpent)
        }
    }

    /// One promoter's model quality (NDCG@10).
    public struct Quality: Sendable, Decodable {
        /// The promoter.
        public let promoter: String
        /// Trained on its own data only.
        public let alone: Double
        /// The federated model.
        public let federated: Double
        /// Central training on everyone's pooled data, if run.
        public let pooled: Double?

        enum CodingKeys: String, CodingKey, CaseIterable { case promoter, alone, federated, pooled }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            promoter = try container.decode(String.self, forKey: .promoter)
            alone = try container.decode(Double.self, forKey: .alone)
            federated = try container.decode(Double.self, forKey: .federated)
            pooled = try container.decodeIfPresent(Double.self, forKey: .pooled)
        }
    }

    /// One promoter's privacy budget.
    public struct Budget: Sendable, Decodable {
        /// The promoter.
        public let promoter: String
        /// ε spent so far.
        public let epsilonSpent: Double
        /// ε allowed.
        public let epsilonBudget: Double
        /// The δ of the (ε, δ) guarantee.
        public let delta: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case promoter, delta
            case epsilonSpent = "epsilon_spent"
            case epsilonBudget = "epsilon_budget"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            promoter = try container.decode(String.self, forKey: .promoter)
            epsilonSpent = try container.decode(Double.self, forKey: .epsilonSpent)
            epsilonBudget = try container.decode(Double.self, forKey: .epsilonBudget)
            delta = try container.decode(Double.self, forKey: .delta)
        }
    }

    /// The audit log's verification state.
    public struct Audit: Sendable, Decodable {
        /// Whether the log verified against the signed checkpoint.
        public let verified: Bool
        /// Entries in the log.
        public let entries: Int
        /// Size of the checkpointed tree, if any.
        public let treeSize: Int?
        /// The checkpoint's root hash, if any.
        public let rootHash: String?
        /// Denied requests, if counted.
        public let denials: Int?
        /// The verifier's message.
        public let message: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case verified, entries, denials, message
            case treeSize = "tree_size"
            case rootHash = "root_hash"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            verified = try container.decode(Bool.self, forKey: .verified)
            entries = try container.decode(Int.self, forKey: .entries)
            treeSize = try container.decodeIfPresent(Int.self, forKey: .treeSize)
            rootHash = try container.decodeIfPresent(String.self, forKey: .rootHash)
            denials = try container.decodeIfPresent(Int.self, forKey: .denials)
            message = try container.decode(String.self, forKey: .message)
        }
    }

    /// A promoter's top members for one show (pseudonymous member ids).
    public struct MatchExample: Sendable, Decodable {
        /// The show.
        public let show: String
        /// Members, best first.
        public let members: [Member]

        /// One member and its score.
        public struct Member: Sendable, Decodable {
            /// The member id.
            public let member: String
            /// The model's score.
            public let score: Double

            enum CodingKeys: String, CodingKey, CaseIterable { case member, score }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
                member = try container.decode(String.self, forKey: .member)
                score = try container.decode(Double.self, forKey: .score)
            }
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case show, members }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            show = try container.decode(String.self, forKey: .show)
            members = try container.decode([Member].self, forKey: .members)
        }
    }

    /// One behaviour measure in one segment: the promoter's exact value and the federation's noised one.
    public struct Behaviour: Sendable, Decodable {
        /// The measure, e.g. `no_show_rate`.
        public let measure: String
        /// The segment, e.g. `age_band=25-34`.
        public let segment: String
        /// The promoter's own exact value.
        public let local: Double
        /// The federation's published noised value, if any.
        public let federation: Double?
        /// Whether the federation's value was suppressed (noise above the value).
        public let suppressed: Bool

        enum CodingKeys: String, CodingKey, CaseIterable { case measure, segment, local, federation, suppressed }

        /// A row with these values (the promoter report builds them from its own histograms).
        public init(measure: String, segment: String, local: Double, federation: Double?, suppressed: Bool) {
            self.measure = measure
            self.segment = segment
            self.local = local
            self.federation = federation
            self.suppressed = suppressed
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.strictContainer(keyedBy: CodingKeys.self)
            measure = try container.decode(String.self, forKey: .measure)
            segment = try container.decode(String.self, forKey: .segment)
            local = try container.decode(Double.self, forKey: .local)
            federation = try container.decodeIfPresent(Double.self, forKey: .federation)
            suppressed = try container.decode(Bool.self, forKey: .suppressed)
        }
    }
}
