internal import BacklineCore
internal import BacklineCrypto
internal import BacklineModel
internal import BacklineVault
import Foundation

/// Conversions between the vault's training view and the model's matrices, and training on a view.
enum NodeModelSupport {
    /// A vault CSR matrix as the model's sparse matrix.
    static func sparse(_ matrix: CSRMatrix) throws -> SparseMatrix {
        try SparseMatrix(
            rowCount: matrix.rowCount,
            columnCount: matrix.columnCount,
            rowOffsets: matrix.rowOffsets,
            columns: matrix.columns,
            values: matrix.values
        )
    }

    /// `matrix` (columns named by `names`) with its columns renumbered into `vocabulary`;
    /// columns whose name the vocabulary lacks are dropped.
    static func remap(_ matrix: CSRMatrix, names: [String], to vocabulary: IdentifierIndex) throws -> SparseMatrix {
        let target = names.map { vocabulary.index(of: $0) }
        var triples: [(row: Int, column: Int, value: Float)] = []
        triples.reserveCapacity(matrix.nonZeroCount)
        for row in 0..<matrix.rowCount {
            for position in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
                if let column = target[Int(matrix.columns[position])] { triples.append((row, column, matrix.values[position])) }
            }
        }
        return try SparseMatrix(rowCount: matrix.rowCount, columnCount: vocabulary.count, triples: triples)
    }

    /// Hex SHA-256 of a model file's bytes: the tag that ties stored member factors to it.
    static func modelTag(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Representations U = P + F·E of members with own factors `own` and features `features`
    /// (over the model's member-feature vocabulary).
    static func representations(own: DenseMatrix, features: SparseMatrix, model: FactorModel) throws -> DenseMatrix {
        let k = model.factors
        guard own.columns == k, features.rowCount == own.rows, features.columnCount == model.memberFeatureCount else {
            throw ModelError.invalidShape(
                "member factors are \(own.rows) x \(own.columns), features \(features.rowCount) x \(features.columnCount); the model has \(k) factors and \(model.memberFeatureCount) member features"
            )
        }
        var values = own.storage
        let embeddings = model.memberEmbeddings.storage
        for row in 0..<own.rows {
            for position in features.rowOffsets[row]..<features.rowOffsets[row + 1] {
                let column = Int(features.columns[position])
                let weight = features.values[position]
                for factor in 0..<k { values[row * k + factor] += weight * embeddings[column * k + factor] }
            }
        }
        return try DenseMatrix(rows: own.rows, columns: k, storage: values)
    }

    /// Side features of `view` over its own vocabularies.
    static func features(_ view: TrainingView) throws -> SideFeatures {
        SideFeatures(members: try sparse(view.memberFeatures), artists: try sparse(view.artistFeatures))
    }

    /// Trains on `view` with its side features, reporting sweeps through `note` when given.
    static func train(
        _ view: TrainingView,
        configuration: TrainingConfiguration,
        note: (@Sendable (String) -> Void)?
    ) throws
        -> TrainingResult
    {
        let interactions = try sparse(view.interactions)
        guard interactions.entryCount > 0 else { throw UsageError("the vault has no interactions to train on") }
        return try ALSTrainer(configuration: configuration).train(interactions: interactions, features: features(view)) { progress in
            note?(String(format: "train: sweep %d of %d: %.2f s", progress.iteration, configuration.iterations, progress.seconds))
        }
    }

    /// The training configuration a model file was made with (as recorded by `model train`),
    /// with `threads` workers.
    static func configuration(of archive: ModelArchive, threads: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.factors = archive.factors
        configuration.regularization = archive.regularization
        configuration.weighting = archive.weighting
        configuration.threads = threads
        if let value = archive.extra["iterations"].flatMap(Int.init), value >= 0 { configuration.iterations = value }
        if let value = archive.extra["seed"].flatMap(UInt64.init) { configuration.seed = value }
        if let value = archive.extra["feature_regularization"].flatMap(Float.init), value.isFinite, value > 0 {
            configuration.featureRegularization = value
        }
        return configuration
    }

    /// Parses `--now`: Unix seconds or an ISO 8601 date (`2026-06-01`) or date-time; the
    /// current time when absent.
    static func now(_ arguments: ParsedArguments) throws -> Int64 {
        guard let text = arguments.value("now") else { return Int64(Date().timeIntervalSince1970) }
        if let seconds = Int64(text) { return seconds }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return Int64(date.timeIntervalSince1970) }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return Int64(date.timeIntervalSince1970) }
        throw UsageError("--now must be Unix seconds or an ISO 8601 date, got '\(text)'")
    }
}
