import BlurdCore
import BlurdMedia
import Foundation

/// The sharp photographs samples are cut from, one split of them, each with its sharpness map.
///
/// Immutable after loading, so one library can feed synthesizers on several threads.
public final class PhotoLibrary: Sendable {
    /// Which images: the split is fixed per image by scripts/fetch-photos.sh, never per crop.
    public enum Split: String, Codable, Sendable {
        case train
        case validation

        /// The list file in the photo directory naming this split's images.
        public var listFileName: String {
            switch self {
            case .train: return "train-list.txt"
            case .validation: return "val-list.txt"
            }
        }
    }

    /// One photograph: grey pixels and which of its tiles are sharp.
    public struct Photo: Sendable {
        public let name: String
        public let image: GrayImage
        public let sharpness: SharpnessMap
    }

    public let photos: [Photo]

    public var count: Int { photos.count }

    /// Loads the images named in `directory/<split list>` (one file name per line).
    public convenience init(directory: String, split: Split) throws {
        let listPath = (directory as NSString).appendingPathComponent(split.listFileName)
        guard let list = try? String(contentsOfFile: listPath, encoding: .utf8) else {
            throw SynthesisError.missingSplitList(listPath)
        }
        let names = list.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !names.isEmpty else { throw SynthesisError.emptyLibrary("\(listPath) names no images") }
        let images = try names.map { name in
            (name: name, image: try ImageFile.loadGray((directory as NSString).appendingPathComponent(name)))
        }
        try self.init(images: images)
    }

    /// Wraps images already in memory (tests, other sources).
    public init(images: [(name: String, image: GrayImage)]) throws {
        guard !images.isEmpty else { throw SynthesisError.emptyLibrary("the image list is empty") }
        for entry in images where entry.image.width < 32 || entry.image.height < 32 {
            throw SynthesisError.photoTooSmall(name: entry.name, width: entry.image.width,
                                               height: entry.image.height, needed: 32)
        }
        photos = images.map { Photo(name: $0.name, image: $0.image, sharpness: SharpnessMap(photo: $0.image)) }
    }
}
