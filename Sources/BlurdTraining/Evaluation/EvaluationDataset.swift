import Foundation

/// An image and its ground-truth mask, matched by file name without extension.
public struct EvaluationPair: Sendable, Equatable {
    public var name: String
    public var imagePath: String
    public var maskPath: String
}

/// The usual layout of blur-segmentation datasets: an image folder and a mask folder whose
/// files share names (extensions may differ, e.g. image.jpg and image.png).
public enum EvaluationDataset {
    /// Extensions read as images or masks.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "bmp", "pgm", "ppm", "tif", "tiff"]

    /// The matched pairs, sorted by name, and the names present in only one of the folders.
    public static func pairs(images: String, masks: String) throws -> (pairs: [EvaluationPair], unmatched: [String]) {
        let imageFiles = try files(in: images)
        let maskFiles = try files(in: masks)
        var pairs: [EvaluationPair] = []
        var unmatched: [String] = []
        for name in Set(imageFiles.keys).union(maskFiles.keys).sorted() {
            if let image = imageFiles[name], let mask = maskFiles[name] {
                pairs.append(EvaluationPair(name: name, imagePath: image, maskPath: mask))
            } else {
                unmatched.append(name)
            }
        }
        guard !pairs.isEmpty else {
            throw EvaluationError.dataset("no image in \(images) has a mask of the same name in \(masks)")
        }
        return (pairs, unmatched)
    }

    private static func files(in directory: String) throws -> [String: String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw EvaluationError.dataset("cannot list \(directory): \(error.localizedDescription)")
        }
        var byStem: [String: String] = [:]
        for name in names {
            let url = URL(fileURLWithPath: name)
            guard extensions.contains(url.pathExtension.lowercased()) else { continue }
            let stem = url.deletingPathExtension().lastPathComponent
            if byStem[stem] != nil {
                throw EvaluationError.dataset("two files named \(stem) in \(directory)")
            }
            byStem[stem] = (directory as NSString).appendingPathComponent(name)
        }
        return byStem
    }

    /// Which mask value means "blurred": white (255) or black (0). Masks are binarised at 128.
    public static func truth(mask: [UInt8], blurredValue: UInt8) -> [Bool] {
        blurredValue >= 128 ? mask.map { $0 >= 128 } : mask.map { $0 < 128 }
    }
}
