import ArgumentParser
import BlurdMedia
import BlurdTraining
import Foundation

/// `blurd synth`: write synthetic training samples (image + mask PNG pairs) for inspection.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic blur samples: image_NNNN.png and mask_NNNN.png (255 = blurred).",
        discussion: """
            Photos come from scripts/fetch-photos.sh. Samples are exactly what `blurd train` \
            generates for the same configuration and seed. A recipes.tsv next to the pairs says \
            what each sample drew (photo, scale, composition, blur family and sigma, codec).
            """)

    @Option(help: "Photo directory with train-list.txt and val-list.txt.")
    var photos: String = "data/photos"

    @Option(help: "Photo split: train or validation.")
    var split: String = PhotoLibrary.Split.train.rawValue

    @Option(help: "Number of samples.")
    var count: Int = 32

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Random seed; the same seed gives the same samples.")
    var seed: UInt64 = 1

    @Option(help: "Crop side in pixels.")
    var cropSize: Int = SynthesisConfig().cropSize

    func run() throws {
        try DeveloperOptionRanges.check("--count", count, DeveloperOptionRanges.count)
        try DeveloperOptionRanges.check("--crop-size", cropSize, DeveloperOptionRanges.frameSide)
        guard let splitValue = PhotoLibrary.Split(rawValue: split) else {
            throw ValidationError("--split must be train or validation, got \(split)")
        }
        var config = SynthesisConfig()
        config.cropSize = cropSize
        try config.validate()
        FFmpegLog.setLevel(.error)
        let library = try PhotoLibrary(directory: photos, split: splitValue)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        let synthesizer = SampleSynthesizer(library: library, config: config, seed: seed)
        var recipes = "index\tphoto\tscale\tsharp_fraction\tcomposition\tfamily\tsigma\thaze\tgain\tcontrast\tcodec\tquality\tblurred_fraction\tignored_fraction\n"
        var seconds = 0.0
        for index in 0..<count {
            let start = Date()
            let sample = synthesizer.next()
            seconds += Date().timeIntervalSince(start)
            let name = String(format: "%04d", index)
            try ImageFile.writePNG(sample.image.toGray(), to: (out as NSString).appendingPathComponent("image_\(name).png"))
            try ImageFile.writePNG(sample.mask.toGray(), to: (out as NSString).appendingPathComponent("mask_\(name).png"))
            try ImageFile.writePNG(sample.weight.toGray(), to: (out as NSString).appendingPathComponent("weight_\(name).png"))
            let blurred = sample.mask.pixels.reduce(0, +) / Float(sample.mask.pixels.count)
            let ignored = sample.weight.pixels.reduce(0) { $0 + (1 - $1) } / Float(sample.weight.pixels.count)
            if let r = synthesizer.lastRecipe {
                recipes += "\(index)\t\(r.photoName)\t\(String(format: "%.2f", r.scale))\t"
                    + "\(String(format: "%.2f", r.sharpFraction))\t\(r.composition.rawValue)\t"
                    + "\(r.family?.rawValue ?? "-")\t\(r.kernelSigma.map { String(format: "%.2f", $0) } ?? "-")\t"
                    + "\(r.hazeTransmission.map { String(format: "%.2f", $0) } ?? "-")\t"
                    + String(format: "%.2f\t%.2f\t", r.tone.gain * r.tone.amplification, r.tone.contrast)
                    + "\(r.codec ?? "-")\t\(r.quality.map(String.init) ?? "-")\t"
                    + String(format: "%.3f\t%.3f\n", blurred, ignored)
            }
        }
        try recipes.write(toFile: (out as NSString).appendingPathComponent("recipes.tsv"), atomically: true, encoding: .utf8)
        print("synth: \(count) samples from \(library.count) \(split) photos in \(out); "
              + String(format: "%.2f ms per sample", seconds * 1000 / Double(count))
              + (synthesizer.recompressionFailures > 0 ? ", \(synthesizer.recompressionFailures) re-encodes failed" : ""))
    }
}
