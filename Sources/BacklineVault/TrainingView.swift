/// What the model module trains on: the member×artist interaction matrix with dense index
/// maps to the original ids, and side-feature matrices with their feature names.
public struct TrainingView: Sendable {
    /// Members × artists, CSR; values from an ``InteractionWeighting``.
    public let interactions: CSRMatrix
    /// Original member id of each row (ascending).
    public let memberIDs: [Int64]
    /// Original artist id of each column (ascending).
    public let artistIDs: [Int64]
    /// Members × member features (`age:25-34`, `gender:f`, `interest:rock`, `region:north`), values 1.
    public let memberFeatures: CSRMatrix
    /// Name of each member feature column.
    public let memberFeatureNames: [String]
    /// Artists × artist features (`genre:rock`, `tag:indie`), values 1.
    public let artistFeatures: CSRMatrix
    /// Name of each artist feature column.
    public let artistFeatureNames: [String]

    /// Dense row of member `id`, if present.
    public func memberIndex(of id: Int64) -> Int? { Self.search(memberIDs, id) }
    /// Dense column of artist `id`, if present.
    public func artistIndex(of id: Int64) -> Int? { Self.search(artistIDs, id) }

    static func search(_ sorted: [Int64], _ id: Int64) -> Int? {
        var low = 0
        var high = sorted.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if sorted[mid] == id { return mid }
            if sorted[mid] < id { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// Age band of someone born in `birthYear`, in `referenceYear`.
    public static func ageBand(birthYear: Int64, referenceYear: Int) -> String {
        let age = Int64(referenceYear) - birthYear
        switch age {
        case ..<18: return "under-18"
        case 18..<25: return "18-24"
        case 25..<35: return "25-34"
        case 35..<45: return "35-44"
        case 45..<55: return "45-54"
        case 55..<65: return "55-64"
        default: return "65+"
        }
    }
}
