/// Where a supervised stream is in its life.
public enum StreamState: String, Sendable, CaseIterable {
    /// Opening the source for the first time.
    case starting
    /// The source is open and frames flow through the pipeline.
    case running
    /// The source ended or failed; waiting out the backoff or reopening.
    case reconnecting
    /// Ended on request (shutdown, reload), or a file source reached its end.
    case stopped
    /// Gave up: an error retrying cannot fix (unsupported codec, unwritable output, a file
    /// source that failed).
    case failed
}
