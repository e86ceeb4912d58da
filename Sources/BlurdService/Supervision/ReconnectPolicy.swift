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

    func problems() -> [String] {
        var problems: [String] = []
        if !(initialSeconds > 0) { problems.append("reconnect.initial_s must be positive") }
        if !(maxSeconds >= initialSeconds) { problems.append("reconnect.max_s must be >= initial_s") }
        if !(multiplier >= 1) { problems.append("reconnect.multiplier must be >= 1") }
        if !(0...1).contains(jitter) { problems.append("reconnect.jitter must be in [0, 1]") }
        if !(healthBudgetSeconds > 0) { problems.append("reconnect.health_budget_s must be positive") }
        return problems
    }
}
