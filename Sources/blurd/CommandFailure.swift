import ArgumentParser
import BlurdCore
import BlurdMedia
import Foundation

/// Prints a command's error as one line, `blurd: error: MESSAGE`, on stderr, after any
/// held-back FFmpeg counts (so that it stays the last line), and returns its exit code to throw.
func fail(_ error: any BlurdError) -> ExitCode {
    FFmpegLog.flush()
    FileHandle.standardError.write(Data("blurd: error: \(error.description)\n".utf8))
    return ExitCode(error.exitCode)
}
