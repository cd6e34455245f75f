extension AggregatorConfiguration {
    /// A commented example configuration (lines starting with `//` are comments; the loader
    /// skips them), printed by `backline aggregator init-config`.
    public static let exampleText = """
        // Backline aggregator configuration (JSON; lines starting with // are comments).
        {
          // The federation (SPIFFE trust domain) and this aggregator's name in it:
          // its certificate is spiffe://<federation>/aggregator/<name>.
          "federation": "fed.example",
          "name": "main",
          // Address and port of the mTLS API (TLS 1.3 only, client certificates required).
          "host": "127.0.0.1",
          "port": 8443,
          // PEM files from `backline pki`: certificate and key of this aggregator, the CA, its CRL.
          "tls": {
            "certificate": "Keys/aggregator-main.cert.pem",
            "key": "Keys/aggregator-main.key.pem",
            "ca": "Keys/ca.cert.pem",
            "crl": "Keys/crl.pem"
          },
          // The RBAC policy; start-up fails if it does not load.
          "policy": "Policies/federation.policy",
          // Exactly one of "sqlite" (a file) and "postgres" (a libpq connection string).
          "store": { "sqlite": "aggregator.db" },
          // Audit checkpoint signing key (base64 Ed25519 seed, mode 0600):
          // create it with `backline aggregator keygen --out Keys/audit-signing.key`.
          "audit_signing_key": "Keys/audit-signing.key",
          "audit_origin": "fed.example/audit",
          // The global model rounds start from: a safetensors file (F32) of the shared parameters
          // (artist factors, side-feature embeddings; never member factors).
          "initial_model": "model-initial.safetensors",
          // Largest request body in bytes; larger uploads get 413 before they are read.
          "max_body_bytes": 8388608,
          // Defaults for new rounds: at least 3 clients (no model from fewer), seconds until the
          // deadline, clipping norm C, noise multiplier z (sigma = z*C), and the strategy
          // (fedavg, fedadam, median, trimmed_mean), and optionally the server learning rate η
          // ("server_learning_rate"; default 0.01 for fedadam, 1 for the others).
          // (fedavg, fedadam, median, trimmed_mean). Optional "target_clients" (≥ min_clients):
          // once that many distinct promoters have submitted, the round closes and aggregates at
          // once instead of waiting for the deadline.
          "round_defaults": {
            "min_clients": 3,
            "deadline_seconds": 600,
            "clip_norm": 1.0,
            "noise_multiplier": 1.1,
            "strategy": "fedavg",
            "target_clients": 4
          },
          // Optional: the aggregator opens round 1 at start-up (if no round exists) and the next
          // round after each publish or failure, until this many rounds exist. Leave it out to
          // have operators open rounds with POST /v1/rounds.
          "auto_rounds": 10,
          // Optional: seconds a round may stay claimed ("aggregating") before any replica on the
          // store takes its aggregator to have died mid-aggregation and aggregates it again
          // (still exactly once). Default 60; at most 3600.
          "stall_timeout_seconds": 60,
          // Production refuses to start with noise_multiplier 0 (clipping can never be off).
          "production": true
        }

        """
}
