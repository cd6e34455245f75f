import BacklineCore

#if canImport(Glibc)
import Glibc
#endif

extension StoreSpool {
    /// How old a leftover must be before ``sweepLeftovers(olderThan:now:)`` removes it: far longer
    /// than any write takes, so a file another store on the same database is writing right now
    /// (a CLI command beside the server) is never touched.
    static let leftoverAgeSeconds: Int = 3600

    /// Removes what a crash can leave behind, once it is older than `age` seconds: temporary
    /// files of interrupted writes (`*.tmp-*`, in `models/` and in round directories), zeroed
    /// first like any payload, and round directories left empty (a refused submission's file was
    /// removed, or the round's payloads were discarded before a crash removed the directory).
    /// Best effort: what cannot be removed stays for the next sweep.
    /// - Returns: how many files and directories were removed.
    @discardableResult
    func sweepLeftovers(olderThan age: Int = leftoverAgeSeconds, now: Int = time(nil)) -> Int {
        var removed = 0
        for entry in Self.entries(of: directory) where entry.isDirectory {
            let subdirectory = directory + "/" + entry.name
            let isRound = entry.name.first == "r" && Int64(entry.name.dropFirst()) != nil
            guard isRound || entry.name == "models" else { continue }
            let contents = Self.entries(of: subdirectory)
            var left = contents.count
            for file in contents where !file.isDirectory && file.name.contains(".tmp-") {
                if Self.age(subdirectory + "/" + file.name, now: now) >= age {
                    remove(entry.name + "/" + file.name)
                    removed += 1
                    left -= 1
                }
            }
            if isRound, left == 0, Self.age(subdirectory, now: now) >= age, rmdir(subdirectory) == 0 {
                removed += 1
            }
        }
        if removed > 0 { try? AtomicFileWriter.syncDirectory(containing: directory + "/.") }
        return removed
    }

    /// The names in `path` (without `.` and `..`), and whether each is a directory.
    static func entries(of path: String) -> [(name: String, isDirectory: Bool)] {
        guard let stream = opendir(path) else { return [] }
        defer { closedir(stream) }
        var result: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != "." && name != ".." else { continue }
            var info = stat()
            guard lstat(path + "/" + name, &info) == 0 else { continue }
            result.append((name, (info.st_mode & S_IFMT) == S_IFDIR))
        }
        return result
    }

    /// Seconds since `path` was last modified (0 when it cannot be read).
    private static func age(_ path: String, now: Int) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return now - Int(info.st_mtim.tv_sec)
    }
}
