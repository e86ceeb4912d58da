/// 64-bit FNV-1a, a fixed hash: unlike Swift's per-process seeded `Hasher`, every process,
/// machine and release computes the same value, which is what splitting work over shards and
/// checking stored files need. Written by hand (four lines) where swift-crypto's SHA-256 would
/// add BoringSSL to every binary for no better result.
public enum FNV1a {
    /// The hash of `bytes`.
    public static func hash64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
