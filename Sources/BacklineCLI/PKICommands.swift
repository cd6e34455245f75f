internal import BacklineCore
internal import BacklineTransport
import Foundation

/// `backline pki …`: the federation's certificate authority.
struct PKICommand: Command {
    let name = "pki"
    let abstract = "Federation CA: issue, revoke and list mTLS certificates"
    var subcommands: [any Command] {
        [PKIInitCommand(), PKIIssueCommand(), PKIRevokeCommand(), PKICRLCommand(), PKIListCommand()]
    }
}

/// Options every pki command shares.
enum PKIOptions {
    static let directory = OptionSpec.value("dir", "DIR", "Keys directory (default ./Keys)")
    static let passphrase = OptionSpec.value("passphrase-env", "VAR", "Environment variable holding the CA key passphrase")

    static func pki(_ arguments: ParsedArguments) -> FederationPKI {
        FederationPKI(directory: arguments.value("dir") ?? "Keys")
    }

    /// The passphrase named by --passphrase-env, in locked memory (the environment copy stays
    /// in the process image: best effort).
    static func passphrase(_ arguments: ParsedArguments) throws -> SecureBytes? {
        guard let variable = arguments.value("passphrase-env") else { return nil }
        guard let value = getenv(variable) else { throw UsageError("--passphrase-env: variable \(variable) is not set") }
        let length = strlen(value)
        guard length > 0 else { throw UsageError("--passphrase-env: variable \(variable) is empty") }
        return SecureBytes(UnsafeRawBufferPointer(start: value, count: length))
    }

    static func role(_ arguments: ParsedArguments) throws -> PeerRole {
        let text = try arguments.required("role")
        guard let role = PeerRole(text) else {
            throw UsageError("--role must be one of \(PeerRole.known.map(\.rawValue).joined(separator: "|")), got '\(text)'")
        }
        return role
    }
}

/// `backline pki init --federation NAME`.
struct PKIInitCommand: Command {
    let name = "init"
    let abstract = "Create the federation CA (ECDSA P-256, 5 years), an empty index and CRL"
    var options: [OptionSpec] {
        [.value("federation", "NAME", "Federation name (SPIFFE trust domain)"), PKIOptions.directory, PKIOptions.passphrase]
    }
    var discussion: String {
        "Without --passphrase-env the CA key is written unencrypted (mode 0600). Leaves last \(FederationPKI.defaultLeafLifetimeDays) days by default; the CRL \(FederationPKI.crlLifetimeDays) days."
    }
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let pki = PKIOptions.pki(arguments)
        let index = try pki.initialize(federation: try arguments.required("federation"), passphrase: try PKIOptions.passphrase(arguments))
        struct Report: Encodable {
            let federation: String
            let ca_certificate: String
            let ca_serial: String
            let encrypted: Bool
        }
        try context.report(
            Report(
                federation: index.federation,
                ca_certificate: pki.caCertificatePath,
                ca_serial: index.caSerial,
                encrypted: index.caKeyEncrypted
            )
        ) {
            "created CA for federation \(index.federation): \(pki.caCertificatePath) (key \(index.caKeyEncrypted ? "encrypted" : "unencrypted, mode 0600"))"
        }
        return 0
    }
}

/// `backline pki issue --role R --name N`.
struct PKIIssueCommand: Command {
    let name = "issue"
    let abstract = "Issue a key pair and certificate with SPIFFE ID spiffe://<federation>/<role>/<name>"
    var options: [OptionSpec] {
        [
            .value("role", "ROLE", "promoter|aggregator|operator|auditor"), .value("name", "NAME", "Holder name"),
            .value("host", "NAME", "Extra DNS name or IPv4 address (aggregator only)", repeatable: true),
            .value(
                "days",
                "N",
                "Lifetime in days (default \(FederationPKI.defaultLeafLifetimeDays), at most \(FederationPKI.maximumLeafLifetimeDays))"
            ),
            PKIOptions.directory, PKIOptions.passphrase,
        ]
    }
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let pki = PKIOptions.pki(arguments)
        let role = try PKIOptions.role(arguments)
        let holder = try arguments.required("name")
        let days = try arguments.integer(
            "days",
            default: FederationPKI.defaultLeafLifetimeDays,
            in: 1...FederationPKI.maximumLeafLifetimeDays
        )
        let entry = try pki.issue(
            role: role,
            name: holder,
            days: days,
            hosts: arguments.values("host"),
            passphrase: try PKIOptions.passphrase(arguments)
        )
        struct Report: Encodable {
            let serial: String
            let spiffe_id: String
            let certificate: String
            let key: String
            let not_after: String
        }
        let report = Report(
            serial: entry.serial,
            spiffe_id: entry.spiffeID,
            certificate: pki.certificatePath(role: role, name: holder),
            key: pki.keyPath(role: role, name: holder),
            not_after: ISO8601DateFormatter().string(from: entry.notAfter)
        )
        try context.report(report) { "issued \(entry.spiffeID) serial \(entry.serial) until \(report.not_after): \(report.certificate)" }
        return 0
    }
}

/// `backline pki revoke --serial HEX | --role R --name N`.
struct PKIRevokeCommand: Command {
    let name = "revoke"
    let abstract = "Revoke certificates and rewrite the CRL (servers reload it on change or SIGHUP)"
    var options: [OptionSpec] {
        [
            .value("serial", "HEX", "Serial to revoke", repeatable: true),
            .value("role", "ROLE", "Revoke every valid certificate of this role…"),
            .value("name", "NAME", "…and this name"), PKIOptions.directory, PKIOptions.passphrase,
        ]
    }
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let pki = PKIOptions.pki(arguments)
        var serials = arguments.values("serial")
        if arguments.value("role") != nil || arguments.value("name") != nil {
            serials += try pki.serials(role: try PKIOptions.role(arguments), name: try arguments.required("name"))
        }
        guard !serials.isEmpty else { throw UsageError("give --serial, or --role and --name of a valid certificate") }
        let revoked = try pki.revoke(serials: serials, passphrase: try PKIOptions.passphrase(arguments))
        struct Report: Encodable {
            let revoked: [String]
            let crl: String
        }
        try context.report(Report(revoked: revoked.map(\.serial), crl: pki.crlPath)) {
            revoked.isEmpty
                ? "nothing new to revoke; CRL rewritten: \(pki.crlPath)"
                : revoked.map { "revoked \($0.spiffeID) serial \($0.serial)" }.joined(separator: "\n") + "\nCRL: \(pki.crlPath)"
        }
        return 0
    }
}

/// `backline pki crl`.
struct PKICRLCommand: Command {
    let name = "crl"
    let abstract = "Rewrite the CRL with a fresh nextUpdate (run at least every \(FederationPKI.crlLifetimeDays) days)"
    var options: [OptionSpec] { [PKIOptions.directory, PKIOptions.passphrase] }
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let pki = PKIOptions.pki(arguments)
        try pki.writeRevocationList(passphrase: try PKIOptions.passphrase(arguments))
        let index = try pki.readIndex()
        struct Report: Encodable {
            let crl: String
            let number: Int
            let revoked: Int
        }
        let revoked = index.entries.filter { $0.revokedAt != nil }.count
        try context.report(Report(crl: pki.crlPath, number: index.crlNumber, revoked: revoked)) {
            "wrote CRL #\(index.crlNumber) with \(revoked) revoked serial(s): \(pki.crlPath)"
        }
        return 0
    }
}

/// `backline pki list`.
struct PKIListCommand: Command {
    let name = "list"
    let abstract = "List issued certificates with their status"
    var options: [OptionSpec] { [PKIOptions.directory] }
    func run(_ arguments: ParsedArguments, _ context: CommandContext) async throws -> Int32 {
        let index = try PKIOptions.pki(arguments).readIndex()
        struct Row: Encodable {
            let serial: String
            let spiffe_id: String
            let status: String
            let not_after: String
        }
        let formatter = ISO8601DateFormatter()
        let rows = index.entries.map {
            Row(serial: $0.serial, spiffe_id: $0.spiffeID, status: $0.status(), not_after: formatter.string(from: $0.notAfter))
        }
        try context.report(rows) {
            rows.isEmpty
                ? "no certificates issued in federation \(index.federation)"
                : rows.map {
                    "\($0.serial)  \($0.status.padding(toLength: 7, withPad: " ", startingAt: 0))  \($0.not_after)  \($0.spiffe_id)"
                }.joined(separator: "\n")
        }
        return 0
    }
}
