extension NodeConfiguration {
    /// A commented example configuration (lines starting with `//` are comments; the loader skips
    /// them), printed by `backline node init-config`.
    public static let exampleText = """
        // Backline promoter node configuration (JSON; lines starting with // are comments).
        {
          // This promoter's name: its certificate is spiffe://<federation>/promoter/<name>.
          "name": "promoter-1",
          "federation": "fed.example",
          // The aggregator: the node talks only to spiffe://<federation>/aggregator/<name>.
          "aggregator": { "host": "127.0.0.1", "port": 8443, "name": "main" },
          // PEM files from `backline pki` (the key mode 0600). The CRL is optional on a node.
          "tls": {
            "certificate": "Keys/promoter-1.cert.pem",
            "key": "Keys/promoter-1.key.pem",
            "ca": "Keys/ca.cert.pem",
            "crl": "Keys/crl.pem"
          },
          // The encrypted vault (`backline data import`) and its key-encryption key file (mode 0600).
          // Member factors, the privacy ledger and the node's journal are kept in the vault, encrypted.
          "vault": "vault",
          "key_file": "keys/vault.kek",
          // Public files: the federation's models as downloaded, status.json for dashboards.
          "state_directory": "node-state",
          // Every release: clipping norm C, noise multiplier z (σ = z·C), count noise, Poisson
          // sampling rate q per round, and the (ε, δ) budget of a new ledger. The node refuses a
          // round that asks for a larger C or a smaller z than these.
          "privacy": {
            "clip_norm": 1.0,
            "noise_multiplier": 1.1,
            "count_noise_multiplier": 2.0,
            "sampling_rate": 1.0,
            "budget_epsilon": 4.0,
            "budget_delta": 1e-6
          },
          // Share of each member's interactions held out to validate each new model (0 = none).
          "holdout_fraction": 0.2,
          // Seconds between polls while no round takes updates; worker threads for local training.
          "poll_seconds": 1.0,
          "threads": 2,
          // Retries while the aggregator is unreachable or restarting: the wait after the n-th
          // failure in a row is random in [0, min(max_delay_seconds, initial_delay_seconds·2^(n-1))];
          // after max_attempts failures in a row the node stops with an error. Optional (these defaults).
          "retry": { "initial_delay_seconds": 0.5, "max_delay_seconds": 30, "max_attempts": 20 }
        }

        """
}
