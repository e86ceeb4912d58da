import CFFmpeg

/// What a failed av_read_frame means for a `VideoSource`: nothing yet, a packet lost to damage,
/// the end of the input, or a fatal error. A damaged or cut file is read up to the damage and
/// then ends; a live input that fails raises, as its data are lost rather than ended.
struct ReadErrorPolicy {
    enum Verdict: Equatable {
        /// No data yet (EAGAIN): read again.
        case retry
        /// The demuxer could not read a packet, counted as corrupt; `endsInput` once there were
        /// `maxConsecutiveErrors` in a row.
        case corruptPacket(endsInput: Bool)
        /// The input ended, or is treated as ended: flush the decoder.
        case end
    }

    /// Read errors in a row after which a damaged file is treated as ended.
    static let maxConsecutiveErrors = 1000

    let url: String
    let timeoutSeconds: Double
    let isLive: Bool
    private var consecutiveErrors = 0

    init(url: String, timeoutSeconds: Double, isLive: Bool) {
        self.url = url
        self.timeoutSeconds = timeoutSeconds
        self.isLive = isLive
    }

    /// A packet was read: the damage, if any, is behind.
    mutating func readSucceeded() {
        consecutiveErrors = 0
    }

    /// The verdict on `status`. `atEndOfFile` is asked only when the status alone does not
    /// decide, as avio_feof may read.
    mutating func verdict(on status: Int32, stopRequested: Bool, atEndOfFile: () -> Bool) throws -> Verdict {
        if stopRequested || status == blurd_averror_eof() { return .end }
        if status == blurd_averror_eagain() { return .retry }
        if status == blurd_averror_exit() {
            throw MediaError.ioError("no data from \(url) for \(timeoutSeconds) s")
        }
        if atEndOfFile() { return .end }
        if status == blurd_averror_invaliddata() {
            consecutiveErrors += 1
            return .corruptPacket(endsInput: consecutiveErrors >= Self.maxConsecutiveErrors)
        }
        if isLive {
            throw MediaError.ioError("reading \(url): \(ffmpegErrorString(status))")
        }
        // A damaged or cut file: deliver what was decodable and end.
        return .end
    }
}
