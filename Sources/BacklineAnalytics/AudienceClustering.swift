internal import BacklineCore

/// Audience segments: k-means over member vectors (the member factors of the model), with k chosen
/// by the mean silhouette.
///
/// Method: for each k in the range, k-means++ seeding and Lloyd iterations (until no assignment
/// changes, or the iteration cap), restarted `restarts` times keeping the lowest within-cluster sum
/// of squares; then the mean silhouette s = (b − a)/max(a, b) within a fixed random sample of at
/// most `sampleSize` points (the exact silhouette is quadratic in the data). The k with the highest mean silhouette
/// wins (the smaller k on a tie). Deterministic for a seed. The result is local: vectors and
/// assignments never leave the node.
public struct AudienceClustering: Sendable {
    /// The chosen number of clusters.
    public let k: Int
    /// Cluster centres, one per cluster.
    public let centroids: [[Double]]
    /// The cluster of each input vector.
    public let assignments: [Int]
    /// Mean silhouette of the sample for every k tried.
    public let silhouettes: [Int: Double]

    /// Largest accepted input: vectors and dimension.
    public static let maximumVectors = 10_000_000
    /// Largest accepted dimension.
    public static let maximumDimension = 1024

    /// Clusters `vectors`.
    /// - Throws: `invalid_vectors` for empty, ragged, oversized, NaN or infinite input;
    ///   `invalid_query` for a k range outside 2…64 or larger than the number of vectors.
    public init(
        _ vectors: [[Float]],
        kRange: ClosedRange<Int> = 2...8,
        seed: UInt64 = 1,
        sampleSize: Int = 2000,
        restarts: Int = 3,
        maximumIterations: Int = 100
    ) throws {
        guard let dimension = vectors.first?.count, dimension > 0, dimension <= Self.maximumDimension,
            vectors.count <= Self.maximumVectors
        else {
            throw AnalyticsError.invalidVectors("need 1…\(Self.maximumVectors) vectors of dimension 1…\(Self.maximumDimension)")
        }
        for (index, vector) in vectors.enumerated() {
            guard vector.count == dimension else {
                throw AnalyticsError.invalidVectors("vector \(index) has \(vector.count) values, vector 0 has \(dimension)")
            }
            guard vector.allSatisfy(\.isFinite) else { throw AnalyticsError.invalidVectors("vector \(index) holds NaN or ±Inf") }
        }
        guard kRange.lowerBound >= 2, kRange.upperBound <= 64, kRange.upperBound <= vectors.count else {
            throw AnalyticsError.invalidQuery("k range", "\(kRange)", expected: "within 2...64 and at most the vector count")
        }
        guard (10...100_000).contains(sampleSize), (1...20).contains(restarts), (1...10_000).contains(maximumIterations) else {
            throw AnalyticsError.invalidQuery(
                "sample size, restarts, iterations",
                "\(sampleSize), \(restarts), \(maximumIterations)",
                expected: "10…100000, 1…20, 1…10000"
            )
        }
        let points = vectors.map { $0.map(Double.init) }
        var random = SeededGenerator(seed: seed, stream: 0xC1)
        var sample = Array(points.indices)
        for index in stride(from: sample.count - 1, to: 0, by: -1) {
            sample.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        sample = Array(sample.prefix(sampleSize))
        var best: (k: Int, score: Double, centroids: [[Double]], assignments: [Int])?
        var silhouettes: [Int: Double] = [:]
        for k in kRange {
            var fit: (cost: Double, centroids: [[Double]], assignments: [Int])?
            for _ in 0..<restarts {
                let attempt = Self.lloyd(points, k: k, iterations: maximumIterations, random: &random)
                if fit == nil || attempt.cost < fit!.cost { fit = attempt }
            }
            let score = Self.silhouette(points, assignments: fit!.assignments, k: k, sample: sample)
            silhouettes[k] = score
            if best == nil || score > best!.score { best = (k, score, fit!.centroids, fit!.assignments) }
        }
        self.k = best!.k
        self.centroids = best!.centroids
        self.assignments = best!.assignments
        self.silhouettes = silhouettes
    }

    static func distanceSquared(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for index in a.indices {
            let difference = a[index] - b[index]
            total += difference * difference
        }
        return total
    }

    /// k-means++ seeding, then Lloyd iterations.
    static func lloyd(
        _ points: [[Double]],
        k: Int,
        iterations: Int,
        random: inout SeededGenerator
    ) -> (
        cost: Double, centroids: [[Double]], assignments: [Int]
    ) {
        var centroids = [points[Int(random.next() % UInt64(points.count))]]
        var nearest = points.map { distanceSquared($0, centroids[0]) }
        while centroids.count < k {
            let total = nearest.reduce(0, +)
            var target = random.nextUnitDouble() * total
            var chosen = points.count - 1
            for (index, weight) in nearest.enumerated() {
                target -= weight
                if target < 0 {
                    chosen = index
                    break
                }
            }
            centroids.append(points[chosen])
            for index in points.indices { nearest[index] = min(nearest[index], distanceSquared(points[index], points[chosen])) }
        }
        var assignments = [Int](repeating: -1, count: points.count)
        var cost = 0.0
        for _ in 0..<iterations {
            var changed = false
            cost = 0
            for (index, point) in points.enumerated() {
                var bestCluster = 0
                var bestDistance = Double.infinity
                for (cluster, centre) in centroids.enumerated() {
                    let distance = distanceSquared(point, centre)
                    if distance < bestDistance {
                        bestDistance = distance
                        bestCluster = cluster
                    }
                }
                cost += bestDistance
                if assignments[index] != bestCluster {
                    assignments[index] = bestCluster
                    changed = true
                }
            }
            if !changed { break }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: points[0].count), count: k)
            var counts = [Int](repeating: 0, count: k)
            for (index, point) in points.enumerated() {
                counts[assignments[index]] += 1
                for d in point.indices { sums[assignments[index]][d] += point[d] }
            }
            for cluster in 0..<k where counts[cluster] > 0 {
                centroids[cluster] = sums[cluster].map { $0 / Double(counts[cluster]) }
            }
        }
        return (cost, centroids, assignments)
    }

    /// Mean silhouette of the points in `sample`, measured against the sample only (so the cost is
    /// quadratic in the sample, not in the data); a point alone in its cluster scores 0.
    static func silhouette(_ points: [[Double]], assignments: [Int], k: Int, sample: [Int]) -> Double {
        var sizes = [Int](repeating: 0, count: k)
        for index in sample { sizes[assignments[index]] += 1 }
        var total = 0.0
        var sums = [Double](repeating: 0, count: k)
        for index in sample {
            for cluster in 0..<k { sums[cluster] = 0 }
            for other in sample where other != index {
                sums[assignments[other]] += distanceSquared(points[index], points[other]).squareRoot()
            }
            let own = assignments[index]
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            var b = Double.infinity
            for cluster in 0..<k where cluster != own && sizes[cluster] > 0 { b = min(b, sums[cluster] / Double(sizes[cluster])) }
            if b.isFinite, max(a, b) > 0 { total += (b - a) / max(a, b) }
        }
        return total / Double(sample.count)
    }
}
