/// What report.html shows, every value formatted for the page: the model the Mustache template
/// (`ReportPageTemplate`) renders. Stored properties only: the template reads them by reflection.
struct ReportPage {
    struct Card {
        var label: String
        var value: String
        /// CSS class of the number: "" or "bad" / "warn" when it asks for a look.
        var tone: String
    }

    /// A soft shot's thumbnail and its timecode range.
    struct Shot {
        var number: Int
        /// Relative URL of the JPEG under DIR; nil when the frame could not be decoded.
        var image: String?
        var imageWidth: Int
        var imageHeight: Int
        var range: String
        var duration: String
        var minScore: String
        /// Why there is no thumbnail.
        var missing: String?
        /// The shot's dominant blur type (`defocus`, `motion`, `mixed`), from a model with
        /// blur-type heads; nil otherwise, and then the caption is as before.
        var blurType: String? = nil
    }

    struct Clip {
        var name: String
        var path: String
        var status: String
        /// Partial clips: their decode-error counts.
        var statusNote: String?
        var duration: String
        var minScore: String
        var meanScore: String
        var shotCount: String
        var softTime: String
        /// Where the timecodes count from, and the rate.
        var timecodeNote: String
        /// Sort keys: the lowest score (failed −1, never judged 2) and soft seconds.
        var sortWorst: String
        var sortSoft: String
        /// Soft shots, a failure or damage: kept by the "needs a look" filter.
        var needsLook: Bool
        var strip: ScoreStrip?
        var shots: [Shot]
        var hasShots: Bool
        /// "+N more soft shots in soft-shots.csv" when there are more than the page shows.
        var moreShots: String?
        /// A failed clip's error, or why its results could not be read back.
        var error: String?
    }

    struct Skipped {
        var name: String
        var reason: String
    }

    var title: String
    var subtitle: String
    var cards: [Card]
    var clips: [Clip]
    var skipped: [Skipped]
    var hasSkipped: Bool
    var skippedCount: Int
}
