/// Keeps the credentials a media URL can carry (`rtsp://admin:PASSWORD@cam/stream1`) out of
/// what blurd prints, exports and stores. The one rule, used everywhere: a URL's userinfo is
/// everything between its `://` and the last `@` before the next whitespace. That is the
/// userinfo as FFmpeg splits it (the last `@` of the authority), and more when an `@` follows
/// in the path or query: hiding a little of a harmless URL is the price of never showing a
/// password that holds a `/`, `?` or `#` that was not percent-encoded.
///
/// `redact` replaces the whole userinfo, user name included, with `***`
/// (`rtsp://***@cam/stream1`): some URLs carry a token as the user name.
public enum URLRedaction {
    /// What replaces a URL's userinfo in printed text.
    public static let mask = "***"

    /// `text` with the userinfo of every URL in it replaced by `***`; text without `://` and
    /// `@` is returned as it is. For log lines, error messages and status text alike.
    public static func redact(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var result = ""
        var rest = text[...]
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            if let at = userinfoEnd(in: rest) {
                result += mask
                rest = rest[at...]
            }
        }
        return result + rest
    }

    /// `url` without its userinfo and the `@` after it (`rtsp://cam/stream1`): what names the
    /// camera whatever credentials reach it. Text without `://` is returned as it is.
    public static func removingUserinfo(_ url: String) -> String {
        guard let separator = url.range(of: "://"), let at = userinfoEnd(in: url[separator.upperBound...]) else {
            return url
        }
        return String(url[..<separator.upperBound] + url[url.index(after: at)...])
    }

    /// The index of the `@` that ends the userinfo of the URL whose text after `://` starts
    /// `afterSeparator`, or nil when it has none.
    private static func userinfoEnd(in afterSeparator: Substring) -> String.Index? {
        let end = afterSeparator.firstIndex(where: \.isWhitespace) ?? afterSeparator.endIndex
        return afterSeparator[..<end].lastIndex(of: "@")
    }
}
