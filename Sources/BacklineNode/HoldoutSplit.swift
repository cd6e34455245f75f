public import BacklineModel

/// A deterministic split of a node's interactions into training and validation parts.
///
/// An entry (member, artist) is held out when a keyed hash of the member's and the artist's
/// stable identifiers (not their row or column numbers) falls below `fraction`, so the same
/// entries are held out whichever process builds the matrix and however rows are ordered. A member
/// keeps at least one training entry; members with a single interaction are never held out.
public struct HoldoutSplit: Sendable, Equatable {
    /// Share of entries held out, in [0, 0.5].
    public let fraction: Double
    /// The public seed of the hash.
    public let seed: UInt64

    /// A split; throws `invalid_parameter` for a fraction outside [0, 0.5] or NaN.
    public init(fraction: Double, seed: UInt64) throws {
        guard fraction.isFinite, (0...0.5).contains(fraction) else {
            throw NodeError.invalidParameter("holdout fraction", fraction, expected: "a number in [0, 0.5]")
        }
        self.fraction = fraction
        self.seed = seed
    }

    /// `matrix` (rows named by `memberIDs`, columns by `artistIDs`) as a training part and a held-out part
    /// of the same shape.
    public func split(_ matrix: SparseMatrix, memberIDs: [Int64], artistIDs: [Int64]) throws -> (train: SparseMatrix, test: SparseMatrix) {
        guard memberIDs.count == matrix.rowCount, artistIDs.count == matrix.columnCount else {
            throw NodeError.invalidParameter(
                "holdout identifiers",
                "\(memberIDs.count) x \(artistIDs.count)",
                expected: "\(matrix.rowCount) x \(matrix.columnCount) like the matrix"
            )
        }
        let threshold = UInt64(fraction * 0x1p64.nextDown)
        var trainOffsets = [0]
        var testOffsets = [0]
        var trainColumns: [Int32] = []
        var testColumns: [Int32] = []
        var trainValues: [Float] = []
        var testValues: [Float] = []
        trainColumns.reserveCapacity(matrix.entryCount)
        trainValues.reserveCapacity(matrix.entryCount)
        for row in 0..<matrix.rowCount {
            let range = matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1]
            var held = range.map { position in
                range.count > 1 && Self.mix(seed, memberIDs[row], artistIDs[Int(matrix.columns[position])]) < threshold
            }
            if !held.isEmpty, held.allSatisfy({ $0 }) { held[0] = false }
            for (offset, position) in range.enumerated() {
                if held[offset] {
                    testColumns.append(matrix.columns[position])
                    testValues.append(matrix.values[position])
                } else {
                    trainColumns.append(matrix.columns[position])
                    trainValues.append(matrix.values[position])
                }
            }
            trainOffsets.append(trainColumns.count)
            testOffsets.append(testColumns.count)
        }
        return (
            try SparseMatrix(
                rowCount: matrix.rowCount,
                columnCount: matrix.columnCount,
                rowOffsets: trainOffsets,
                columns: trainColumns,
                values: trainValues
            ),
            try SparseMatrix(
                rowCount: matrix.rowCount,
                columnCount: matrix.columnCount,
                rowOffsets: testOffsets,
                columns: testColumns,
                values: testValues
            )
        )
    }

    /// SplitMix64 finaliser over the seed and both identifiers.
    static func mix(_ seed: UInt64, _ member: Int64, _ artist: Int64) -> UInt64 {
        var z = seed &+ UInt64(bitPattern: member) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: artist) &* 0xC2B2_AE3D_27D4_EB4F
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
