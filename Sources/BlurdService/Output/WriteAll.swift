import BlurdOutput
import Glibc

/// Writes all of `line` to `descriptor`, retrying short writes and EINTR; `path` names the
/// output in the error.
func writeAll(_ line: String, to descriptor: Int32, path: String) throws {
    var bytes = Array(line.utf8)
    try bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += count
        }
    }
}
