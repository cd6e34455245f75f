/// A source of uniform random bits for privacy noise and sampling.
///
/// A separate protocol (rather than any `RandomNumberGenerator`) so that only types written for
/// the purpose can feed a mechanism: production code uses ``SecureNoiseSource`` (libsodium's
/// CSPRNG); tests conform a seeded generator of their own to reproduce draws. The samplers only
/// ever ask for uniform 64-bit words and derive everything else with exact integer arithmetic.
public protocol NoiseRandomSource: RandomNumberGenerator {}
