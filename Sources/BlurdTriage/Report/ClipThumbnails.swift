import BlurdAnalysis
import BlurdOutput
import Foundation

/// The thumbnails of one clip's soft shots under DIR/thumbs/ROOT/RELATIVE/: the softest frame
/// of each shot, annotated (`SoftFrameThumbnail`), named `shot-N-fFRAME-WxH.jpg` so the page
/// knows each one's size without opening it. A thumbnail newer than the clip's JSON Lines is
/// kept as it is (a rerun does not decode again); every other file there is removed.
struct ClipThumbnails {
    let layout: TriageLayout
    let clip: TriageClip

    /// One soft shot's softest frame.
    struct Request {
        var shot: Int
        var frame: ScoredFrame
        var mask: BlurMap?
        var timecode: String
    }

    /// A thumbnail on disk (its URL relative to DIR) or why there is none.
    enum Outcome {
        case image(url: String, width: Int, height: Int)
        case missing(String)
    }

    /// Makes (or keeps) the thumbnail of each request; `frameRate` helps the seek.
    func make(_ requests: [Request], frameRate: Double, resultModified: Date?) -> [Int: Outcome] {
        let folder = layout.directory + "/" + layout.relativeThumbnailsDirectory(for: clip)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var outcomes: [Int: Outcome] = [:]
        var kept: Set<String> = []
        if !requests.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        for request in requests {
            let stem = "shot-\(request.shot)-f\(request.frame.index)-"
            if let name = existing.first(where: { $0.hasPrefix(stem) && $0.hasSuffix(".jpg") }),
               let size = Self.size(inName: name, stem: stem), isFresh(folder + "/" + name, than: resultModified) {
                kept.insert(name)
                outcomes[request.shot] = .image(url: url(name), width: size.width, height: size.height)
                continue
            }
            guard let mask = request.mask, let score = request.frame.score else {
                outcomes[request.shot] = .missing("no mask for frame \(request.frame.index) in the results")
                continue
            }
            let thumbnail = SoftFrameThumbnail(frame: request.frame.index, pts: request.frame.pts, score: score,
                                               mask: mask, timecode: request.timecode)
            let temporary = folder + "/" + stem + "tmp.jpg"
            do {
                let size = try thumbnail.write(source: clip.path, frameRate: frameRate, to: temporary)
                let name = stem + "\(size.width)x\(size.height).jpg"
                try AtomicFile.commit(temporary, to: folder + "/" + name)
                kept.insert(name)
                outcomes[request.shot] = .image(url: url(name), width: size.width, height: size.height)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                outcomes[request.shot] = .missing("no thumbnail: " + ClipRunner.describe(error).1)
            }
        }
        for name in existing where !kept.contains(name) && name.hasPrefix("shot-") && name.hasSuffix(".jpg") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        return outcomes
    }

    /// The page's link: DIR-relative, each path component percent-encoded.
    private func url(_ name: String) -> String {
        (layout.relativeThumbnailsDirectory(for: clip) + "/" + name).split(separator: "/").map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;?#"))) ?? String($0)
        }.joined(separator: "/")
    }

    private func isFresh(_ path: String, than resultModified: Date?) -> Bool {
        guard let resultModified,
              let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return false }
        return modified >= resultModified
    }

    /// "384x216" from `stem384x216.jpg`.
    static func size(inName name: String, stem: String) -> (width: Int, height: Int)? {
        let parts = name.dropFirst(stem.count).dropLast(4).split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (2...16_384).contains(width), (2...16_384).contains(height) else { return nil }
        return (width, height)
    }
}
