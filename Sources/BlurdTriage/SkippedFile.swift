/// A file discovery passed over, counted and listed in the summary but never analysed.
public struct SkippedFile: Sendable, Equatable {
    /// Why a file is not a clip.
    public enum Reason: Sendable, Equatable {
        /// Its content is no media format (text, random bytes, empty).
        case notMedia
        /// A still-image format, not a clip.
        case stillImage(format: String)
        /// It cannot be read, or is a broken link or a link loop.
        case unreadable(String)
    }

    public var file: TriageClip
    public var reason: Reason

    public init(file: TriageClip, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    /// One line for the summary.
    public var message: String {
        switch reason {
        case .notMedia: return "not a media file"
        case .stillImage(let format): return "a still image (\(format)), not a clip"
        case .unreadable(let why): return why
        }
    }
}
