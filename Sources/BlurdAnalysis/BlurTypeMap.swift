import Foundation

/// The per-cell blur type of a frame, from a net with blur-type heads (blurseg-v3), on the
/// grid of the frame's `BlurMap`: what the annotated video colours and the `--masks` type
/// files hold. Every cell has values, blurred or not; they mean something where the
/// `BlurMap` says blurred.
public struct BlurTypeMap: Sendable, Equatable {
    /// Grid size in cells (the `BlurMap`'s).
    public var width: Int
    public var height: Int
    /// Row-major P(motion | blurred) as a byte: 255 = surely motion, 0 = surely defocus; a
    /// cell is motion at `BlurMap.blurredThreshold` (128) and above.
    public var motion: [UInt8]
    /// Row-major smear direction in whole degrees, 0…179 (0 = horizontal, 90 = vertical,
    /// counter-clockwise on screen), or `noDirection` where the net's angle confidence is
    /// below one half (a wandering shake, or defocus).
    public var angle: [UInt8]

    /// The `angle` byte of a cell without a main direction.
    public static let noDirection: UInt8 = 255

    public init(width: Int, height: Int, motion: [UInt8], angle: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative grid size")
        precondition(motion.count == width * height && angle.count == width * height, "type map sizes do not match the grid")
        self.width = width
        self.height = height
        self.motion = motion
        self.angle = angle
    }

    /// The `angle` byte for a cell's (cos 2θ, sin 2θ) and P(one main direction).
    public static func angleByte(cos2: Float, sin2: Float, confidence: Float) -> UInt8 {
        guard confidence >= 0.5, cos2.isFinite, sin2.isFinite, cos2 != 0 || sin2 != 0 else { return noDirection }
        var degrees = (0.5 * atan2(Double(sin2), Double(cos2)) * 180 / .pi).rounded()
        if degrees < 0 { degrees += 180 }
        return degrees >= 180 ? 0 : UInt8(degrees)
    }
}
