import BlurdAnalysis

/// Finds soft shots in a score series with hysteresis (see `SoftShotCriteria`).
///
/// `no_texture` frames carry no score: they never start or end a segment and are left out of
/// its statistics, so a covered lens inside a soft shot does not split it.
public enum SoftShotDetector {
    /// Segments in frame order. `frames` must be in frame order (as the pipeline and JSON Lines
    /// deliver them); `frameRate` gives the duration of the last frame of each segment.
    public static func segments(in frames: [ScoredFrame], criteria: SoftShotCriteria,
                                frameRate: Double) -> [SoftSegment] {
        let frameSeconds = frameRate > 0 ? 1 / frameRate : 0
        var segments: [SoftSegment] = []
        var open: (first: ScoredFrame, last: ScoredFrame, minimum: Double, sum: Double, count: Int,
                   defocus: Double, motion: Double, typed: Int)?

        func close() {
            guard let run = open else { return }
            open = nil
            let segment = SoftSegment(startFrame: run.first.index, endFrame: run.last.index + 1,
                                      startSeconds: run.first.pts, endSeconds: run.last.pts + frameSeconds,
                                      minScore: run.minimum, meanScore: run.sum / Double(run.count),
                                      blurType: run.typed == 0 ? nil
                                          : BlurTypeSummary.dominant(defocus: run.defocus, motion: run.motion, counted: Double(run.typed)))
            // A small tolerance so a segment of exactly the minimum length survives rounding.
            if segment.durationSeconds >= criteria.minimumSeconds - 1e-6 { segments.append(segment) }
        }

        for frame in frames {
            guard let score = frame.score else { continue }
            if var run = open {
                if score > criteria.leaveAbove {
                    close()
                } else {
                    run.last = frame
                    run.minimum = min(run.minimum, score)
                    run.sum += score
                    run.count += 1
                    if let types = frame.blurTypes { (run.defocus, run.motion, run.typed) = (run.defocus + types.defocus, run.motion + types.motion, run.typed + 1) }
                    open = run
                }
            } else if score < criteria.enterBelow {
                open = (frame, frame, score, score, 1, frame.blurTypes?.defocus ?? 0, frame.blurTypes?.motion ?? 0,
                        frame.blurTypes == nil ? 0 : 1)
            }
        }
        close()
        return segments
    }
}
