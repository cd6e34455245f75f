import Foundation

/// One benchmark figure, printed as a JSON line and appended to `.bench/<group>.jsonl`.
struct BenchFigure: Encodable {
    let group: String
    let name: String
    let value: Double
    let unit: String
    var peer: String? = nil
    var peer_value: Double? = nil
    var ratio: Double? = nil
    var goal: String? = nil
    var met: Bool? = nil
}

/// Prints figures and progress for one benchmark group.
struct BenchReporter {
    let group: String

    /// Prints `figure` on standard output and appends it to `.bench/<group>.jsonl`.
    func emit(_ figure: BenchFigure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(figure) else { return }
        let line = String(decoding: data, as: UTF8.self) + "\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        try? FileManager.default.createDirectory(atPath: ".bench", withIntermediateDirectories: true)
        let path = ".bench/\(group).jsonl"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }

    /// Emits a figure with no peer or goal.
    func emit(_ name: String, _ value: Double, _ unit: String) {
        emit(BenchFigure(group: group, name: name, value: value, unit: unit))
    }

    /// Emits a figure compared with a peer: ratio = value / peerValue, checked against `goal`
    /// (`"<= 0.5"` or `">= 0.8"`).
    func emit(_ name: String, _ value: Double, _ unit: String, peer: String, peerValue: Double, goal: String) {
        let ratio = value / peerValue
        emit(
            BenchFigure(
                group: group,
                name: name,
                value: value,
                unit: unit,
                peer: peer,
                peer_value: peerValue,
                ratio: ratio,
                goal: goal,
                met: Self.meets(ratio, goal)
            )
        )
    }

    /// Emits a figure checked against an absolute bound `goal` (`"<= 3"`).
    func emit(_ name: String, _ value: Double, _ unit: String, goal: String) {
        emit(BenchFigure(group: group, name: name, value: value, unit: unit, goal: goal, met: Self.meets(value, goal)))
    }

    /// Progress on standard error.
    func progress(_ message: String) {
        FileHandle.standardError.write(Data("[\(group)] \(message)\n".utf8))
    }

    static func meets(_ value: Double, _ goal: String) -> Bool? {
        let parts = goal.split(separator: " ")
        guard parts.count == 2, let bound = Double(parts[1]) else { return nil }
        switch parts[0] {
        case "<=": return value <= bound
        case ">=": return value >= bound
        case "<": return value < bound
        case ">": return value > bound
        default: return nil
        }
    }
}

/// Wall-clock seconds taken by `body`.
func measureSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Peak resident memory of this process so far, in bytes (VmHWM).
func peakResidentBytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return kb * 1024
    }
    return 0
}
