/// Whether a camera is showing its colour (day) picture or its infrared (night) one, as told
/// by the chroma of its frames (`DayNightDetector`). Each mode has its own baseline score: an
/// infrared picture is grey, noisier and often softer than the same camera's colour picture.
public enum DayNightMode: String, Sendable, CaseIterable, Codable {
    case colour
    /// Infrared, or any picture without colour (a monochrome camera, a grey pixel format).
    case infrared = "ir"
}
