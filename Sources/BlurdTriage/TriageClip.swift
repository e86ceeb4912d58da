/// One file found under a PATH argument: where it is, and where its results go.
public struct TriageClip: Sendable, Equatable {
    /// The path as reached (through symbolic links), as given or below a PATH argument.
    public var path: String
    /// Names the PATH argument it came from: the argument folder's name, made unique among the
    /// run's roots, so that two cards both holding `A001.mov` keep apart.
    public var root: String
    /// The path below the root, `/`-separated.
    public var relativePath: String
    /// Bytes of the file (after following links) when it was found.
    public var size: Int64

    public init(path: String, root: String, relativePath: String, size: Int64) {
        self.path = path
        self.root = root
        self.relativePath = relativePath
        self.size = size
    }

    /// `ROOT/RELATIVE`: how the summaries name the clip, and its result's place under `clips/`.
    public var name: String { root + "/" + relativePath }
}
