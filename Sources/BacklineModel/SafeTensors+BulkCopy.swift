/// Bulk moves between `[Float]` storage and the little-endian F32 data section, with the
/// finiteness check done on each slice while it is still in cache.
///
/// On a little-endian host (every platform Backline ships on) a slice is one `memcpy`; on a
/// big-endian host each 32-bit word is byte-swapped after the copy, so the file format is the same
/// everywhere.
extension SafeTensors {
    /// Values per slice: 16 KiB, copied and then checked while in L1.
    private static let sliceCount = 4096

    /// Whether Float32 values are stored little-endian in memory, as safetensors stores them
    /// (a compile-time constant).
    static var hostIsLittleEndian: Bool { UInt32(1).littleEndian == 1 }

    /// Copies `values` to `destination` (`values.count × 4` bytes, any alignment) as little-endian
    /// F32; returns the index of the first NaN or ±Inf (the copy then stops there), or nil.
    static func storeLittleEndian(_ values: UnsafeBufferPointer<Float>, to destination: UnsafeMutableRawPointer) -> Int? {
        guard let source = values.baseAddress else { return nil }
        var offset = 0
        while offset < values.count {
            let count = min(sliceCount, values.count - offset)
            if let index = firstNonFinite(UnsafeBufferPointer(start: source + offset, count: count)) { return offset + index }
            let target = destination + offset * 4
            target.copyMemory(from: source + offset, byteCount: count * 4)
            if !hostIsLittleEndian { swapWords(target, count: count) }
            offset += count
        }
        return nil
    }

    /// Fills `values` from `source` (`values.count × 4` little-endian F32 bytes, any alignment);
    /// returns the index of the first NaN or ±Inf (the fill then stops there), or nil.
    static func loadLittleEndian(from source: UnsafeRawPointer, into values: UnsafeMutableBufferPointer<Float>) -> Int? {
        guard let target = values.baseAddress else { return nil }
        var offset = 0
        while offset < values.count {
            let count = min(sliceCount, values.count - offset)
            UnsafeMutableRawPointer(target + offset).copyMemory(from: source + offset * 4, byteCount: count * 4)
            if !hostIsLittleEndian { swapWords(UnsafeMutableRawPointer(target + offset), count: count) }
            if let index = firstNonFinite(UnsafeBufferPointer(start: target + offset, count: count)) { return offset + index }
            offset += count
        }
        return nil
    }

    /// The index of the first NaN or ±Inf in `values`, or nil. The scan has no early exit and no
    /// branch per value (so it vectorises); only a slice known to hold one is searched again.
    static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        let suspect = values.withMemoryRebound(to: UInt32.self) { words -> Bool in
            guard let base = words.baseAddress else { return false }
            // The exponent field is all ones exactly for NaN and ±Inf; adding one unit of the
            // exponent's lowest bit carries into bit 31 only then.
            var flags: UInt32 = 0
            for index in 0..<words.count { flags |= (base[index] & 0x7F80_0000) &+ 0x0080_0000 }
            return flags & 0x8000_0000 != 0
        }
        return suspect ? values.firstIndex { !$0.isFinite } : nil
    }

    /// Reverses the bytes of each of the `count` 32-bit words at `pointer` (big-endian hosts only).
    private static func swapWords(_ pointer: UnsafeMutableRawPointer, count: Int) {
        for index in 0..<count {
            let word = pointer.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
            pointer.storeBytes(of: word.byteSwapped, toByteOffset: index * 4, as: UInt32.self)
        }
    }
}
