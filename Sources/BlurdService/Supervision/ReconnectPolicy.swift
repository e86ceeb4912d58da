import BlurdCore

/// How a live stream is retried after EOF or an error: capped exponential backoff with jitter,
/// and how long it may stay down before /healthz calls it unhealthy.
public struct ReconnectPolicy: Decodable, Equatable, Sendable {
    /// The first wait, in seconds.
    public var initialSeconds: Double = 0.5
    /// The cap on a wait, in seconds.
    public var maxSeconds: Double = 30
    /// Each wait is the previous one times this (before jitter).
    public var multiplier: Double = 2
    /// Fraction of a wait replaced by randomness (0 = none, 1 = "full jitter"), so many cameras
    /// behind one failed switch do not reconnect in lock step.
    public var jitter: Double = 0.5
    /// Seconds a stream may be reconnecting before it counts as unhealthy.
    public var healthBudgetSeconds: Double = 60

    public init(initialSeconds: Double = 0.5, maxSeconds: Double = 30, multiplier: Double = 2,
                jitter: Double = 0.5, healthBudgetSeconds: Double = 60) {
        self.initialSeconds = initialSeconds
        self.maxSeconds = maxSeconds
        self.multiplier = multiplier
        self.jitter = jitter
        self.healthBudgetSeconds = healthBudgetSeconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case initialSeconds = "initial_s"
        case maxSeconds = "max_s"
        case multiplier
        case jitter
        case healthBudgetSeconds = "health_budget_s"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ReconnectPolicy()
        initialSeconds = try container.decode(.initialSeconds, default: defaults.initialSeconds)
        maxSeconds = try container.decode(.maxSeconds, default: defaults.maxSeconds)
        multiplier = try container.decode(.multiplier, default: defaults.multiplier)
        jitter = try container.decode(.jitter, default: defaults.jitter)
        healthBudgetSeconds = try container.decode(.healthBudgetSeconds, default: defaults.healthBudgetSeconds)
    }

    /// The wait before reconnect attempt `attempt` (0-based), given a uniform random `unit` in
    /// [0, 1): `min(max, initial × multiplier^attempt)`, of which the `jitter` fraction is random.
    public func delay(attempt: Int, unit: Double) -> Double {
        var base = initialSeconds
        for _ in 0..<min(attempt, 64) where base < maxSeconds { base *= multiplier }
        let capped = min(base, maxSeconds)
        return capped * (1 - jitter) + capped * jitter * unit
    }

    /// Every duration of the policy, in seconds: waiting longer than a day between attempts is
    /// giving up, and the waits become `Duration`s, which trap on infinity.
    static let secondsRange = ValueRange<Double>(above: 0, through: 86_400)
    /// `multiplier`: 1 (a fixed wait) to 10.
    static let multiplierRange = ValueRange<Double>(1...10)

    func problems() -> [String] {
        var problems: [String] = []
        problems += [Self.secondsRange.problem("reconnect.initial_s", initialSeconds),
                     Self.secondsRange.problem("reconnect.max_s", maxSeconds),
                     Self.multiplierRange.problem("reconnect.multiplier", multiplier),
                     ValueRange<Double>(0...1).problem("reconnect.jitter", jitter),
                     Self.secondsRange.problem("reconnect.health_budget_s", healthBudgetSeconds)].compactMap { $0 }
        if !(maxSeconds >= initialSeconds) { problems.append("reconnect.max_s must be >= initial_s") }
        return problems
    }
}
