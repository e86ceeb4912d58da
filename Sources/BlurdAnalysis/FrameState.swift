/// Whether a frame has enough detail to be judged at all.
public enum FrameState: String, Sendable, Codable, CaseIterable {
    /// Enough texture above the noise floor: score, blurred fraction and mask are meaningful.
    case ok
    /// Too little detail to tell sharp from blurred (covered lens, flat wall, black or uniform
    /// feed, a dark scene under the noise floor): no score, no mask.
    case noTexture = "no_texture"
}
