#if canImport(Glibc)
import Glibc
#endif

/// Shell-style pattern expansion through glob(3), for PATH arguments the shell did not expand
/// (quoted, or coming from a script).
enum Glob {
    /// The sorted matches of `pattern`; empty when nothing matches or it is no pattern.
    static func expand(_ pattern: String) -> [String] {
        guard pattern.contains(where: { "*?[".contains($0) }) else { return [] }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
