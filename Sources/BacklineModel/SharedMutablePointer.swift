/// A raw mutable pointer handed to concurrent chunks that write disjoint rows.
struct SharedMutablePointer<Element>: @unchecked Sendable {
    // @unchecked: every user writes only rows of its own chunk, and joins before reading.
    let base: UnsafeMutablePointer<Element>
}
