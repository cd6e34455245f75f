#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Foundation
#endif

/// Radix-2 complex FFT and the real convolution built on it, for composing privacy-loss
/// distributions.
enum FourierTransform {
    /// In-place iterative Cooley–Tukey FFT of (`real`, `imaginary`), whose count is a power of two;
    /// `inverse` computes the unnormalised inverse.
    static func transform(_ real: inout [Double], _ imaginary: inout [Double], inverse: Bool) {
        let n = real.count
        guard n > 1 else { return }
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                real.swapAt(i, j)
                imaginary.swapAt(i, j)
            }
        }
        var length = 2
        while length <= n {
            let angle = (inverse ? 2 : -2) * Double.pi / Double(length)
            let half = length / 2
            // Twiddles computed directly (not by recurrence) to keep the error at one rounding each.
            let cosines = (0..<half).map { cos(angle * Double($0)) }
            let sines = (0..<half).map { sin(angle * Double($0)) }
            var start = 0
            while start < n {
                for k in 0..<half {
                    let a = start + k
                    let b = a + half
                    let tr = real[b] * cosines[k] - imaginary[b] * sines[k]
                    let ti = real[b] * sines[k] + imaginary[b] * cosines[k]
                    real[b] = real[a] - tr
                    imaginary[b] = imaginary[a] - ti
                    real[a] += tr
                    imaginary[a] += ti
                }
                start += length
            }
            length *= 2
        }
    }

    /// The linear convolution of `a` and `b` (count a.count + b.count − 1), negative rounding
    /// noise clamped to zero.
    static func convolve(_ a: [Double], _ b: [Double]) -> [Double] {
        let count = a.count + b.count - 1
        if a.count * b.count <= 4096 {
            var direct = [Double](repeating: 0, count: count)
            for (i, x) in a.enumerated() where x != 0 {
                for (k, y) in b.enumerated() { direct[i + k] += x * y }
            }
            return direct
        }
        var size = 1
        while size < count { size <<= 1 }
        var ar = a + [Double](repeating: 0, count: size - a.count)
        var ai = [Double](repeating: 0, count: size)
        var br = b + [Double](repeating: 0, count: size - b.count)
        var bi = [Double](repeating: 0, count: size)
        transform(&ar, &ai, inverse: false)
        transform(&br, &bi, inverse: false)
        for k in 0..<size {
            let r = ar[k] * br[k] - ai[k] * bi[k]
            let i = ar[k] * bi[k] + ai[k] * br[k]
            ar[k] = r
            ai[k] = i
        }
        transform(&ar, &ai, inverse: true)
        let scale = 1 / Double(size)
        return (0..<count).map { max(0, ar[$0] * scale) }
    }
}
