import BacklineCore
import BacklineCrypto
import BacklineVault
import Foundation

/// Group `vault` (crypto half): raw libsodium secretstream push/pull throughput against the vault's
/// encrypted writer/reader on the same 1 GiB of interaction-like bytes, in 64 KiB chunks.
///
/// Three rounds, each alternating raw and vault passes so both see the same machine load; every
/// figure is the median of its three passes. Every pass checks it reproduced the input.
///
/// It runs twice: on the disk (`/tmp`), where the final fsync and the disk's write speed bound the
/// vault (the plain-file write figure shows that ceiling), and on tmpfs (`/dev/shm`, suffix
/// `_tmpfs`), which isolates what the vault's format, key handling and file I/O cost on top of raw
/// secretstream. Both are reported; neither replaces the other.
func runVaultCryptoBench(_ reporter: BenchReporter) throws {
    let total = 1 << 30
    reporter.progress("generating \(total >> 20) MiB of interaction-like records")
    let plaintext = makeInteractionBytes(count: total)
    try measureVaultThroughput(reporter, plaintext, root: "/tmp", suffix: "")
    if FileAccess.exists("/dev/shm") {
        try measureVaultThroughput(reporter, plaintext, root: "/dev/shm", suffix: "_tmpfs")
    }
    reporter.emit("vault_crypto_peak_resident", peakResidentBytes() / 1e9, "GB")
}

/// One three-round measurement with the vault and plain files under `root`; figure names get `suffix`.
private func measureVaultThroughput(_ reporter: BenchReporter, _ plaintext: [UInt8], root: String, suffix: String) throws {
    let total = plaintext.count
    let rounds = 3
    let directory = "\(root)/backline-vault-bench-\(getpid())"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let keyPath = directory + "/kek.key"
    try KeyFile.generate(at: keyPath)
    let vault = try EncryptedVault.create(at: directory + "/vault", kek: .keyFile(keyPath))

    var push: [Double] = []
    var pull: [Double] = []
    var write: [Double] = []
    var writeBeforeFinish: [Double] = []
    var read: [Double] = []
    var plainWrite: [Double] = []
    for round in 1...rounds {
        reporter.progress("\(root) round \(round)/\(rounds): raw push, vault write, plain file write, raw pull, vault read")
        var raw = try RawStream(plaintext: plaintext)
        push.append(raw.pushSeconds)
        plainWrite.append(try timePlainFileWrite(directory + "/plain.bin", plaintext))
        let (writeSeconds, beforeFinish) = try timeVaultWrite(vault, plaintext)
        write.append(writeSeconds)
        writeBeforeFinish.append(beforeFinish)
        pull.append(try raw.timePull(plaintext))
        raw.release()
        read.append(try timeVaultRead(vault, plaintext))
    }

    let gigabytes = Double(total) / 1e9
    let pushRate = gigabytes / median(push)
    let pullRate = gigabytes / median(pull)
    reporter.emit(
        "secretstream_push_throughput" + suffix,
        pushRate,
        "GB/s"
    )
    reporter.emit(
        "secretstream_pull_throughput" + suffix,
        pullRate,
        "GB/s"
    )
    reporter.emit(
        "vault_write_throughput" + suffix,
        gigabytes / median(write),
        "GB/s",
        peer: "secretstream_push_throughput" + suffix,
        peerValue: pushRate,
        goal: ">= 0.8"
    )
    reporter.emit(
        "vault_write_throughput_before_final_fsync" + suffix,
        gigabytes / median(writeBeforeFinish),
        "GB/s",
        peer: "secretstream_push_throughput" + suffix,
        peerValue: pushRate,
        goal: ">= 0.8"
    )
    reporter.emit(
        "vault_read_throughput" + suffix,
        gigabytes / median(read),
        "GB/s",
        peer: "secretstream_pull_throughput" + suffix,
        peerValue: pullRate,
        goal: ">= 0.8"
    )
    reporter.emit(
        "plain_file_write_throughput_same_path" + suffix,
        gigabytes / median(plainWrite),
        "GB/s"
    )
    reporter.emit(
        "vault_final_fsync_and_commit_seconds" + suffix,
        median(zip(write, writeBeforeFinish).map { $0 - $1 }),
        "s"
    )
}

private let piece = VaultFileFormat.defaultChunkSize

/// Raw secretstream over the whole input in memory, with the vault's chunking and 29-byte additional data.
private struct RawStream {
    let key = SymmetricKey()
    let additionalData = VaultFileHeader(fileID: SecureRandom.bytes(16), dekGeneration: 1, chunkSize: UInt32(piece)).encoded
    var ciphertext: [UInt8]
    let header: [UInt8]
    let pushSeconds: Double
    let chunkCount: Int

    init(plaintext: [UInt8]) throws {
        chunkCount = plaintext.count / piece
        var output = [UInt8](repeating: 0, count: chunkCount * (piece + SecretStream.overheadCount))
        let pusher = try SecretStreamPusher(key: key)
        let (count, ad) = (chunkCount, additionalData)
        pushSeconds = try measureSeconds {
            try plaintext.withUnsafeBytes { input in
                try ad.withUnsafeBytes { adBuffer in
                    try output.withUnsafeMutableBytes { out in
                        for index in 0..<count {
                            let offset = index * (piece + SecretStream.overheadCount)
                            _ = try pusher.push(
                                UnsafeRawBufferPointer(rebasing: input[(index * piece)..<((index + 1) * piece)]),
                                additionalData: adBuffer,
                                tag: index == count - 1 ? .final : .message,
                                into: UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + piece + SecretStream.overheadCount)])
                            )
                        }
                    }
                }
            }
        }
        ciphertext = output
        header = pusher.header
    }

    func timePull(_ expected: [UInt8]) throws -> Double {
        let puller = try SecretStreamPuller(key: key, header: header)
        var scratch = [UInt8](repeating: 0, count: piece)
        var mismatch = false
        let seconds = try measureSeconds {
            try ciphertext.withUnsafeBytes { input in
                try additionalData.withUnsafeBytes { ad in
                    try expected.withUnsafeBytes { plain in
                        try scratch.withUnsafeMutableBytes { output in
                            for index in 0..<chunkCount {
                                let offset = index * (piece + SecretStream.overheadCount)
                                let chunk = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + piece + SecretStream.overheadCount)])
                                let (count, _) = try puller.pull(chunk, additionalData: ad, into: output)
                                if memcmp(output.baseAddress!, plain.baseAddress! + index * piece, count) != 0 { mismatch = true }
                            }
                        }
                    }
                }
            }
        }
        guard !mismatch, puller.isFinished else { throw BenchFailure("raw secretstream round trip did not reproduce the input") }
        return seconds
    }

    mutating func release() { ciphertext = [] }
}

/// Seconds for the whole encrypted write (including the final fsync and rename) and for the part before `finish()`.
private func timeVaultWrite(_ vault: EncryptedVault, _ plaintext: [UInt8]) throws -> (Double, Double) {
    let writer = try vault.makeWriter(name: "interactions")
    var beforeFinish = 0.0
    let seconds = try measureSeconds {
        beforeFinish = try measureSeconds {
            try plaintext.withUnsafeBytes { input in
                for offset in stride(from: 0, to: input.count, by: piece) {
                    try writer.write(UnsafeRawBufferPointer(rebasing: input[offset..<min(offset + piece, input.count)]))
                }
            }
        }
        try writer.finish()
    }
    return (seconds, beforeFinish)
}

/// Seconds to write the same bytes unencrypted through AtomicFileWriter in 1 MiB pieces (with its
/// fsync): what the disk path alone costs, for reading the write ratio.
private func timePlainFileWrite(_ path: String, _ plaintext: [UInt8]) throws -> Double {
    let seconds = try measureSeconds {
        let file = try AtomicFileWriter(path: path)
        try plaintext.withUnsafeBytes { input in
            for offset in stride(from: 0, to: input.count, by: 1 << 20) {
                try file.write(UnsafeRawBufferPointer(rebasing: input[offset..<min(offset + (1 << 20), input.count)]))
            }
        }
        try file.commit()
    }
    try FileManager.default.removeItem(atPath: path)
    return seconds
}

/// Seconds to read the file back through the vault reader in 64 KiB reads.
private func timeVaultRead(_ vault: EncryptedVault, _ expected: [UInt8]) throws -> Double {
    var scratch = [UInt8](repeating: 0, count: piece)
    var mismatch = false
    var total = 0
    let seconds = try measureSeconds {
        let reader = try vault.makeReader(name: "interactions")
        try expected.withUnsafeBytes { plain in
            try scratch.withUnsafeMutableBytes { output in
                while true {
                    let count = try reader.read(into: output)
                    if count == 0 { break }
                    if total + count > plain.count || memcmp(output.baseAddress!, plain.baseAddress! + total, count) != 0 {
                        mismatch = true
                    }
                    total += count
                }
            }
        }
    }
    guard !mismatch, total == expected.count else { throw BenchFailure("vault round trip did not reproduce the input") }
    return seconds
}

private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// 16-byte little-endian records (member id, artist id, unix time, plays and flags) with skewed ids,
/// like an interaction export; deterministic.
private func makeInteractionBytes(count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var generator = SeededGenerator(seed: 20_261_203)
    bytes.withUnsafeMutableBytes { buffer in
        let records = buffer.bindMemory(to: UInt32.self)
        var index = 0
        while index + 4 <= records.count {
            let r = generator.next()
            let member = UInt32(truncatingIfNeeded: (r & 0xFFFFF) * (r >> 60) / 16)
            let artist = UInt32(truncatingIfNeeded: ((r >> 20) & 0xFFFF) % (1 + (r >> 52) & 0xFFF))
            let time = 1_700_000_000 + UInt32(truncatingIfNeeded: (r >> 36) & 0x1FF_FFFF)
            let plays = UInt32(truncatingIfNeeded: 1 + (r >> 61)) | UInt32(truncatingIfNeeded: (r >> 8) & 0x3) << 16
            records[index] = member.littleEndian
            records[index + 1] = artist.littleEndian
            records[index + 2] = time.littleEndian
            records[index + 3] = plays.littleEndian
            index += 4
        }
    }
    return bytes
}

/// A benchmark whose own correctness check failed.
private struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
