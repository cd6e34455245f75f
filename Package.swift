// swift-tools-version:6.0
// Backline: federated audience learning for live-music promoters.
// Module map and dependency arrows: ../shared/DESIGN.md ("Parts"). Lower parts never import higher ones.
import PackageDescription

let package = Package(
    name: "Backline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "backline", targets: ["backline"])
    ],
    targets: [
        // C libraries from Debian, as system-library targets.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Function-like macros and cast constants of the C libraries, as real functions.
        .target(name: "CBacklineShims", dependencies: ["COpenSSL", "CSQLite"]),

        // What every part needs: secure bytes, zeroization, errors, blocking executor, redaction.
        .target(name: "BacklineCore", dependencies: ["CSodium"]),
        // libsodium: AEAD streams, signatures, KDF, hashing, password hashing, randomness (SHA-256 via OpenSSL).
        .target(name: "BacklineCrypto", dependencies: ["BacklineCore", "CSodium", "COpenSSL"]),
        // A promoter's audience data: schema, CSV import, synthetic generator, encrypted files.
        .target(name: "BacklineVault", dependencies: ["BacklineCore", "BacklineCrypto"]),
        // Implicit-feedback factor model with side features; training, metrics, queries. Pure Swift.
        .target(name: "BacklineModel", dependencies: ["BacklineCore"]),
        // Clipping, Gaussian mechanism, RDP accountant, privacy ledger, aggregation. Pure Swift.
        .target(name: "BacklinePrivacy", dependencies: ["BacklineCore", "BacklineCrypto"]),
        // Private federated training in process: node rounds, server loop, simulation. Pure Swift.
        .target(name: "BacklineFederation", dependencies: ["BacklineCore", "BacklineModel", "BacklinePrivacy"]),
        // RBAC policy language and evaluator. Pure Swift.
        .target(name: "BacklinePolicy", dependencies: ["BacklineCore", "BacklineCrypto"]),
        // Audience behaviour measures, DP histograms, segments. Pure Swift.
        .target(name: "BacklineAnalytics", dependencies: ["BacklineCore", "BacklineVault", "BacklinePrivacy"]),
        // RFC 6962 Merkle log, signed checkpoints (C2SP signed note), proofs.
        .target(name: "BacklineAudit", dependencies: ["BacklineCore", "BacklineCrypto"]),
        // Persistence: SQLite (embedded) and PostgreSQL (libpq) behind one interface.
        .target(name: "BacklineStore", dependencies: ["BacklineCore", "CSQLite", "CLibPQ", "CBacklineShims"]),
        // OpenSSL TLS 1.3 with mutual authentication, HTTP/1.1, the federation's PKI.
        .target(name: "BacklineTransport", dependencies: ["BacklineCore", "COpenSSL", "CBacklineShims"]),
        // The federation's aggregator: rounds, aggregation, audit over the store, HTTP API over mTLS.
        .target(
            name: "BacklineAggregator",
            dependencies: [
                "BacklineCore", "BacklineCrypto", "BacklineTransport", "BacklineStore", "BacklineAudit",
                "BacklinePolicy", "BacklinePrivacy", "BacklineModel", "BacklineFederation", "BacklineAnalytics",
            ]),
        // The promoter node's side of a federation round over the aggregator's HTTP API.
        .target(
            name: "BacklineNode",
            dependencies: [
                "BacklineCore", "BacklineCrypto", "BacklineTransport", "BacklineFederation", "BacklineModel", "BacklinePrivacy",
                "BacklineAnalytics", "BacklineVault",
            ]),
        // Self-contained HTML reports with inline SVG charts: builder, charts, federation/promoter/audit reports. Pure Swift.
        .target(name: "BacklineReport", dependencies: ["BacklineCore", "BacklineAudit", "BacklinePrivacy", "BacklineAnalytics"]),
        // Command parsing and every `backline …` command, as a library so tests can call them.
        .target(
            name: "BacklineCLI",
            dependencies: [
                "BacklineCore", "BacklineCrypto", "BacklineVault", "BacklineModel", "BacklinePrivacy",
                "BacklinePolicy", "BacklineAudit", "BacklineStore", "BacklineTransport", "BacklineAggregator",
                "BacklineAnalytics", "BacklineFederation", "BacklineNode", "BacklineReport",
            ]),
        .executableTarget(name: "backline", dependencies: ["BacklineCLI"]),
        // Release-built benchmarks: `make bench [ONLY=group]`.
        .executableTarget(
            name: "backline-bench",
            dependencies: [
                "BacklineCore", "BacklineCrypto", "BacklineVault", "BacklineModel", "BacklinePrivacy",
                "BacklinePolicy", "BacklineAudit", "BacklineStore", "BacklineTransport", "BacklineCLI",
                "BacklineAnalytics", "BacklineFederation", "BacklineAggregator",
            ]),

        // Test helpers (certificate minting, temporary directories, the built binary).
        .target(name: "BacklineTestSupport", dependencies: ["BacklineCore"], path: "Tests/BacklineTestSupport"),
        .testTarget(name: "BacklineCoreTests", dependencies: ["BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineCryptoTests", dependencies: ["BacklineCrypto", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineVaultTests", dependencies: ["BacklineVault", "BacklineCrypto", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineModelTests", dependencies: ["BacklineModel", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklinePrivacyTests", dependencies: ["BacklinePrivacy", "BacklineCrypto", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineAnalyticsTests", dependencies: ["BacklineAnalytics", "BacklineVault", "BacklinePrivacy", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(
            name: "BacklineReportTests",
            dependencies: ["BacklineReport", "BacklineAudit", "BacklinePrivacy", "BacklineAnalytics", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineFederationTests", dependencies: ["BacklineFederation", "BacklineModel", "BacklinePrivacy", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklinePolicyTests", dependencies: ["BacklinePolicy", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineAuditTests", dependencies: ["BacklineAudit", "BacklineCrypto", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineStoreTests", dependencies: ["BacklineStore", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(name: "BacklineTransportTests", dependencies: ["BacklineTransport", "BacklineCore", "BacklineTestSupport"]),
        .testTarget(
            name: "BacklineAggregatorTests",
            dependencies: [
                "BacklineAggregator", "BacklineTransport", "BacklineStore", "BacklineAudit", "BacklinePolicy",
                "BacklinePrivacy", "BacklineModel", "BacklineCrypto", "BacklineCore", "BacklineTestSupport", "BacklineFederation",
            ]),
        .testTarget(
            name: "BacklineNodeTests",
            dependencies: [
                "BacklineNode", "BacklineAggregator", "BacklineFederation", "BacklineTransport", "BacklineStore", "BacklineAudit",
                "BacklinePolicy", "BacklinePrivacy", "BacklineModel", "BacklineCrypto", "BacklineCore", "BacklineTestSupport",
                "BacklineAnalytics", "BacklineVault",
            ]),
        // The built binary, live PostgreSQL, sockets: filterable as one target.
        .testTarget(name: "BacklineIntegrationTests", dependencies: ["BacklineCLI", "BacklineCore", "BacklineVault", "BacklineTestSupport", "BacklineAudit", "BacklineCrypto", "BacklineStore", "BacklineAggregator"]),
    ]
)

// Upcoming language features, set for every Swift target in one loop.
for target in package.targets where target.type != .system && target.name.hasPrefix("C") == false {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
