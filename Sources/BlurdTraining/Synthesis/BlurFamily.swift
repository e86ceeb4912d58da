/// The blur kernel families a lens, a moving camera or a scaler produce.
public enum BlurFamily: String, Codable, Sendable, CaseIterable {
    /// Defocus: a pillbox (disk).
    case disk
    /// Gaussian: defocus through soft optics, atmospheric and scaler blur.
    case gaussian
    /// Box (moving average): cheap scalers and software blur.
    case box
    /// Linear motion: a straight smear over a length and an angle.
    case linearMotion
    /// Camera shake: a random trajectory.
    case shake
}
