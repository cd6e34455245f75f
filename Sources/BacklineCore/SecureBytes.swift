internal import CSodium

/// Initialises libsodium once per process. Every module that calls libsodium calls
/// `SodiumRuntime.ensureInitialized()` first (cheap after the first call).
package enum SodiumRuntime {
    private static let initialized: Bool = { sodium_init() >= 0 }()

    /// Runs `sodium_init` once; traps if libsodium cannot initialise (no safe way on).
    package static func ensureInitialized() {
        precondition(initialized, "libsodium failed to initialise")
    }
}

/// A buffer for secrets: locked in memory where the platform allows (`mlock`), wiped with
/// `sodium_memzero` over its full capacity on release, compared in constant time, and never
/// printed (its description shows only the count).
///
/// Copy-on-write: copies share storage until one is mutated. Zeroing is best-effort: the
/// compiler, the kernel (swap if `mlock` failed, core dumps unless disabled) or a copy the
/// caller made into ordinary memory may still leave traces.
public struct SecureBytes: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    fileprivate final class Storage: @unchecked Sendable {
        // @unchecked: mutation only happens through SecureBytes' copy-on-write path, which
        // guarantees unique ownership before writing.
        let pointer: UnsafeMutableRawPointer
        let capacity: Int
        var count: Int
        let locked: Bool

        init(capacity: Int) {
            SodiumRuntime.ensureInitialized()
            let size = max(capacity, 1)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            self.capacity = size
            count = 0
            locked = sodium_mlock(pointer, size) == 0
        }

        deinit {
            sodium_memzero(pointer, capacity)
            if locked { _ = sodium_munlock(pointer, capacity) }
            pointer.deallocate()
        }
    }

    private var storage: Storage

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        storage = Storage(capacity: capacity)
    }

    /// `count` bytes, all zero.
    public init(zeroedCount count: Int) {
        storage = Storage(capacity: count)
        storage.count = count
    }

    /// A copy of `bytes`. The caller should wipe its own copy if it holds a secret.
    public init(_ bytes: some Collection<UInt8>) {
        storage = Storage(capacity: bytes.count)
        let buffer = UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.capacity)
        buffer.copyBytes(from: bytes)
        storage.count = bytes.count
    }

    /// `count` bytes written straight into locked memory by `initializer`, which must set every
    /// one (C functions such as `randombytes_buf` write here without an intermediate copy).
    public init(
        unsafeUninitializedCapacity count: Int,
        initializingWith initializer: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows {
        storage = Storage(capacity: count)
        try initializer(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
        storage.count = count
    }

    /// Number of bytes held.
    public var count: Int { storage.count }
    /// Whether the bytes are locked in RAM (`mlock` succeeded).
    public var isLocked: Bool { storage.locked }

    /// Read access to the bytes for the duration of `body`. Do not let the pointer escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Write access to the bytes for the duration of `body`.
    public mutating func withUnsafeMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableRawBufferPointer(start: storage.pointer, count: storage.count))
    }

    /// Appends bytes, growing into fresh locked storage (the old storage is wiped on release).
    public mutating func append(contentsOf bytes: some Collection<UInt8>) {
        let newCount = storage.count + bytes.count
        if newCount > storage.capacity || !isKnownUniquelyReferenced(&storage) {
            let grown = Storage(capacity: max(newCount, storage.capacity * 2))
            grown.pointer.copyMemory(from: storage.pointer, byteCount: storage.count)
            grown.count = storage.count
            storage = grown
        }
        let tail = UnsafeMutableRawBufferPointer(start: storage.pointer + storage.count, count: bytes.count)
        tail.copyBytes(from: bytes)
        storage.count = newCount
    }

    /// Overwrites every byte with zero now, keeping the count (for tests and early disposal).
    public mutating func wipe() {
        makeUnique()
        sodium_memzero(storage.pointer, storage.capacity)
    }

    private mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(capacity: storage.capacity)
        copy.pointer.copyMemory(from: storage.pointer, byteCount: storage.count)
        copy.count = storage.count
        storage = copy
    }

    public var description: String { "SecureBytes(\(count) bytes)" }
    public var debugDescription: String { description }
}

extension SecureBytes: Equatable {
    /// Constant-time comparison (`sodium_memcmp`); lengths are compared first, which leaks only the length.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in constantTimeEquals(a, b) } }
    }
}

/// Constant-time equality of two byte buffers of equal length (`sodium_memcmp`); different
/// lengths compare unequal at once.
public func constantTimeEquals(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard lhs.count > 0 else { return true }
    SodiumRuntime.ensureInitialized()
    return sodium_memcmp(lhs.baseAddress!, rhs.baseAddress!, lhs.count) == 0
}

/// Constant-time equality of two byte arrays (see ``constantTimeEquals(_:_:)-(UnsafeRawBufferPointer,_)``).
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in constantTimeEquals(a, b) } }
}
