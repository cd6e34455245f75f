import BacklineCore
import BacklineCrypto
import BacklineVault
import Foundation

/// Group `vault` (crypto half): raw libsodium secretstream push/pull throughput against the vault's
/// encrypted writer/reader on the same 1 GiB of interaction-like bytes, in 64 KiB chunks.
func runVaultCryptoBench(_ reporter: BenchReporter) throws {
    let total = 1 << 30
    let piece = VaultFileFormat.defaultChunkSize
    reporter.progress("generating \(total >> 20) MiB of interaction-like records")
    let plaintext = makeInteractionBytes(count: total)

    // Raw secretstream, same chunking and the same 29-byte additional data the vault uses.
    let key = SymmetricKey()
    let additionalData = VaultFileHeader(fileID: SecureRandom.bytes(16), dekGeneration: 1, chunkSize: UInt32(piece)).encoded
    let chunkCount = total / piece
    var ciphertext = [UInt8](repeating: 0, count: chunkCount * (piece + SecretStream.overheadCount))
    let pusher = try SecretStreamPusher(key: key)
    reporter.progress("raw secretstream push")
    let pushSeconds = try measureSeconds {
        try plaintext.withUnsafeBytes { input in
            try additionalData.withUnsafeBytes { ad in
                try ciphertext.withUnsafeMutableBytes { output in
                    for index in 0..<chunkCount {
                        let source = UnsafeRawBufferPointer(rebasing: input[(index * piece)..<((index + 1) * piece)])
                        let offset = index * (piece + SecretStream.overheadCount)
                        let destination = UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + piece + SecretStream.overheadCount)])
                        _ = try pusher.push(source, additionalData: ad, tag: index == chunkCount - 1 ? .final : .message, into: destination)
                    }
                }
            }
        }
    }
    reporter.progress("raw secretstream pull")
    let puller = try SecretStreamPuller(key: key, header: pusher.header)
    var scratch = [UInt8](repeating: 0, count: piece)
    var rawMismatch = false
    let pullSeconds = try measureSeconds {
        try ciphertext.withUnsafeBytes { input in
            try additionalData.withUnsafeBytes { ad in
                try plaintext.withUnsafeBytes { expected in
                    try scratch.withUnsafeMutableBytes { output in
                        for index in 0..<chunkCount {
                            let offset = index * (piece + SecretStream.overheadCount)
                            let chunk = UnsafeRawBufferPointer(rebasing: input[offset..<(offset + piece + SecretStream.overheadCount)])
                            let (count, _) = try puller.pull(chunk, additionalData: ad, into: output)
                            if memcmp(output.baseAddress!, expected.baseAddress! + index * piece, count) != 0 { rawMismatch = true }
                        }
                    }
                }
            }
        }
    }
    ciphertext = []
    guard !rawMismatch, puller.isFinished else { throw BenchFailure("raw secretstream round trip did not reproduce the input") }

    // The vault writer and reader on a file under /tmp.
    let directory = "/tmp/backline-vault-bench-\(getpid())"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let keyPath = directory + "/kek.key"
    try KeyFile.generate(at: keyPath)
    let vault = try EncryptedVault.create(at: directory + "/vault", kek: .keyFile(keyPath))
    reporter.progress("vault writer")
    let writer = try vault.makeWriter(name: "interactions")
    var beforeFinish = 0.0
    let writeSeconds = try measureSeconds {
        beforeFinish = try measureSeconds {
            try plaintext.withUnsafeBytes { input in
                for index in 0..<chunkCount {
                    try writer.write(UnsafeRawBufferPointer(rebasing: input[(index * piece)..<((index + 1) * piece)]))
                }
            }
        }
        try writer.finish()
    }
    reporter.progress("vault reader")
    var vaultMismatch = false
    var readTotal = 0
    let readSeconds = try measureSeconds {
        let reader = try vault.makeReader(name: "interactions")
        try plaintext.withUnsafeBytes { expected in
            try scratch.withUnsafeMutableBytes { output in
                while true {
                    let count = try reader.read(into: output)
                    if count == 0 { break }
                    if readTotal + count > total || memcmp(output.baseAddress!, expected.baseAddress! + readTotal, count) != 0 { vaultMismatch = true }
                    readTotal += count
                }
            }
        }
    }
    guard !vaultMismatch, readTotal == total else { throw BenchFailure("vault round trip did not reproduce the input") }

    let gigabytes = Double(total) / 1e9
    let push = gigabytes / pushSeconds
    let pull = gigabytes / pullSeconds
    reporter.emit("secretstream_push_throughput", push, "GB/s")
    reporter.emit("secretstream_pull_throughput", pull, "GB/s")
    reporter.emit("vault_write_throughput", gigabytes / writeSeconds, "GB/s", peer: "secretstream_push_throughput", peerValue: push, goal: ">= 0.8")
    reporter.emit(
        "vault_write_throughput_before_final_fsync", gigabytes / beforeFinish, "GB/s", peer: "secretstream_push_throughput", peerValue: push, goal: ">= 0.8")
    reporter.emit("vault_read_throughput", gigabytes / readSeconds, "GB/s", peer: "secretstream_pull_throughput", peerValue: pull, goal: ">= 0.8")
    reporter.emit("vault_final_fsync_and_commit_seconds", writeSeconds - beforeFinish, "s")
    reporter.emit("vault_crypto_peak_resident", peakResidentBytes() / 1e9, "GB")
}

/// 16-byte little-endian records (member id, artist id, unix time, plays, flags) with skewed ids,
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
