/// Keeps the credentials a media URL can carry (`rtsp://admin:PASSWORD@cam/stream1`) out of
/// what blurd prints, exports and stores. The one rule, used everywhere: a URL's userinfo is
/// everything between its `://` and the last `@` before the next whitespace. That is the
/// userinfo as FFmpeg splits it (the last `@` of the authority), and more when an `@` follows
/// in the path or query: hiding a little of a harmless URL is the price of never showing a
/// password that holds a `/`, `?` or `#` that was not percent-encoded.
///
/// `redact` replaces the whole userinfo, user name included, with `***`
/// (`rtsp://***@cam/stream1`): some URLs carry a token as the user name. It also hides the
/// values of query parameters that FFmpeg's protocols and camera APIs use for secrets
/// (`srt://cam:9000?passphrase=***&pbkeylen=16`), whose names are `secretQueryParameters`.
public enum URLRedaction {
    /// What replaces a URL's userinfo, or a secret parameter's value, in printed text.
    public static let mask = "***"

    /// Query parameter names (compared case-insensitively) whose values are secrets: SRT's
    /// `passphrase`, RTP's SRTP keys, and the names HTTP cameras and streaming services use.
    public static let secretQueryParameters: Set<String> = [
        "passphrase", "password", "passwd", "pass", "pwd", "secret", "token", "access_token", "auth",
        "authorization", "key", "api_key", "apikey", "srtp_in_params", "srtp_out_params",
    ]

    /// `text` with the userinfo and the secret query values of every URL in it replaced by
    /// `***`; text without `://` is returned as it is. For log lines, error messages and status
    /// text alike.
    public static func redact(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = text[...]
        while let separator = rest.range(of: "://") {
            result += rest[..<separator.upperBound]
            rest = rest[separator.upperBound...]
            if let at = userinfoEnd(in: rest) {
                result += mask
                rest = rest[at...]
            }
            let end = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            result += maskingSecretQueryValues(rest[..<end])
            rest = rest[end...]
        }
        return result + rest
    }

    /// The rest of one URL (host, path, query) with the values of its secret query parameters
    /// masked. A value runs to the next `&`; a parameter is found after `?` or `&`.
    private static func maskingSecretQueryValues(_ url: Substring) -> Substring {
        guard let query = url.firstIndex(of: "?") else { return url }
        var result = url[...query]
        let parameters = url[url.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
        result += parameters.map { parameter -> Substring in
            guard let equals = parameter.firstIndex(of: "="),
                  secretQueryParameters.contains(parameter[..<equals].lowercased()) else { return parameter }
            return parameter[...equals] + mask
        }.joined(separator: "&")
        return result
    }

    /// `url` without its userinfo and the `@` after it (`rtsp://cam/stream1`): what names the
    /// camera whatever credentials reach it. Text without `://` is returned as it is.
    public static func removingUserinfo(_ url: String) -> String {
        guard let separator = url.range(of: "://"), let at = userinfoEnd(in: url[separator.upperBound...]) else {
            return url
        }
        return String(url[..<separator.upperBound] + url[url.index(after: at)...])
    }

    /// What names a camera whatever credentials reach it: `url` without its userinfo and with
    /// its secret query values masked (`srt://cam:9000?passphrase=***`). Baselines are stored
    /// under it, so rotating a password, or moving it to `password_file`, keeps them.
    public static func cameraIdentity(_ url: String) -> String {
        redact(removingUserinfo(url))
    }

    /// The index of the `@` that ends the userinfo of the URL whose text after `://` starts
    /// `afterSeparator`, or nil when it has none.
    private static func userinfoEnd(in afterSeparator: Substring) -> String.Index? {
        let end = afterSeparator.firstIndex(where: \.isWhitespace) ?? afterSeparator.endIndex
        return afterSeparator[..<end].lastIndex(of: "@")
    }
}
