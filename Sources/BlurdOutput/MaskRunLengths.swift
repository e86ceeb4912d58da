import BlurdAnalysis

/// The JSON Lines mask encoding "rle": the binary mask (cell probability ≥ 0.5) in row-major
/// order as alternating run lengths, starting with a run of sharp cells (0 when the first cell
/// is blurred). The runs sum to width × height; the encoding is lossless for the binary mask.
public enum MaskRunLengths {
    public static func encode(_ map: BlurMap) -> [Int] {
        var runs: [Int] = []
        var current = false
        var length = 0
        for value in map.probability {
            let blurred = value >= BlurMap.blurredThreshold
            if blurred != current {
                runs.append(length)
                current = blurred
                length = 0
            }
            length += 1
        }
        runs.append(length)
        return runs
    }

    /// The binary mask back from runs; nil when the runs do not add up to `count` cells.
    public static func decode(_ runs: [Int], count: Int) -> [Bool]? {
        var mask: [Bool] = []
        mask.reserveCapacity(count)
        var blurred = false
        for run in runs {
            guard run >= 0, mask.count + run <= count else { return nil }
            mask.append(contentsOf: repeatElement(blurred, count: run))
            blurred.toggle()
        }
        return mask.count == count ? mask : nil
    }
}
