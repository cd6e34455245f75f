extension NodeConfiguration {
    /// How the node retries what fails for a reason that may pass (see ``RetryBackoff``); every
    /// field may be left out (defaults 0.5 s, 30 s, 20 attempts).
    public struct Retry: Sendable, Codable, Equatable {
        /// Ceiling of the first wait, in seconds (the ceiling doubles after each failure).
        public var initialDelaySeconds: Double
        /// Largest ceiling of one wait, in seconds.
        public var maxDelaySeconds: Double
        /// Consecutive failed attempts after which the node stops with an error.
        public var maxAttempts: Int

        /// Default ceiling of the first wait.
        public static let defaultInitialDelaySeconds = 0.5
        /// Default largest ceiling of one wait.
        public static let defaultMaxDelaySeconds = 30.0
        /// Default bound on consecutive failed attempts.
        public static let defaultMaxAttempts = 20

        /// Settings; check them with ``validate(file:)``.
        public init(
            initialDelaySeconds: Double = defaultInitialDelaySeconds,
            maxDelaySeconds: Double = defaultMaxDelaySeconds,
            maxAttempts: Int = defaultMaxAttempts
        ) {
            self.initialDelaySeconds = initialDelaySeconds
            self.maxDelaySeconds = maxDelaySeconds
            self.maxAttempts = maxAttempts
        }

        enum CodingKeys: String, CodingKey {
            case initialDelaySeconds = "initial_delay_seconds"
            case maxDelaySeconds = "max_delay_seconds"
            case maxAttempts = "max_attempts"
        }

        /// Decodes the fields present, the defaults for those left out.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                initialDelaySeconds: try container.decodeIfPresent(Double.self, forKey: .initialDelaySeconds)
                    ?? Self.defaultInitialDelaySeconds,
                maxDelaySeconds: try container.decodeIfPresent(Double.self, forKey: .maxDelaySeconds) ?? Self.defaultMaxDelaySeconds,
                maxAttempts: try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? Self.defaultMaxAttempts
            )
        }

        /// Longest wait either delay may name, in seconds.
        public static let delayRange = 0.001...3600.0
        /// Allowed bound on consecutive attempts.
        public static let attemptRange = 1...1_000_000

        /// Checks the delays (finite, 0.001…3600 s, the maximum not below the initial) and the
        /// attempt bound (1…1000000).
        /// - Throws: ``NodeError`` `invalid_configuration` naming the field (`retry.…`) and `file`.
        public func validate(file: String? = nil) throws {
            func fail(_ field: String, _ problem: String) -> NodeError { .invalidConfiguration("retry." + field, problem, file: file) }
            let range = Self.delayRange
            for (field, value) in [("initial_delay_seconds", initialDelaySeconds), ("max_delay_seconds", maxDelaySeconds)]
            where !(value.isFinite && range.contains(value)) {
                throw fail(field, "must be a finite number of seconds in \(range.lowerBound)…\(range.upperBound), got \(value)")
            }
            guard maxDelaySeconds >= initialDelaySeconds else {
                throw fail(
                    "max_delay_seconds",
                    "must be at least retry.initial_delay_seconds (\(initialDelaySeconds)), got \(maxDelaySeconds)"
                )
            }
            guard Self.attemptRange.contains(maxAttempts) else {
                throw fail("max_attempts", "must be \(Self.attemptRange.lowerBound)…\(Self.attemptRange.upperBound), got \(maxAttempts)")
            }
        }
    }

    /// The retry settings in effect (``retry``, or the defaults).
    public var effectiveRetry: Retry { retry ?? Retry() }
}
