import BlurdCore
import Foundation

/// What kind of blur a kernel is: what tells "the lens drifted" from "the camera moved".
public enum BlurType: String, Codable, Sendable, CaseIterable {
    /// Out of focus: disk, Gaussian and box kernels (no direction).
    case defocus
    /// Motion: linear motion and camera shake (a direction when the path has a main axis).
    case motion

    public init(family: BlurFamily) {
        switch family {
        case .disk, .gaussian, .box: self = .defocus
        case .linearMotion, .shake: self = .motion
        }
    }
}

/// The blur-type truth of a synthetic sample's blurred pixels, known from its kernel: the
/// type, and for motion the smear direction θ (radians in [0, π), 0 = horizontal,
/// counter-clockwise on screen) with a weight saying how much the direction means.
///
/// Every blurred pixel of a sample went through the same kernel, so one label covers them all;
/// the per-pixel maps are the blur mask times the label (`TrainingSample.motionMap`).
public struct BlurTypeLabel: Codable, Sendable, Equatable {
    public var type: BlurType
    /// The kernel's main axis (`BlurKernel.principalAxis`); 0 for defocus.
    public var angle: Float
    /// 1 when the kernel is clearly elongated (minor/major axis ratio ≤ 0.3), 0 when it is
    /// round (ratio ≥ 0.6, or defocus), linear in between: an isotropic shake has no direction
    /// to teach.
    public var angleWeight: Float

    public init(type: BlurType, angle: Float, angleWeight: Float) {
        self.type = type
        self.angle = angle
        self.angleWeight = angleWeight
    }

    /// The label of content blurred by `kernel` of `family`.
    public init(kernel: BlurKernel, family: BlurFamily) {
        let type = BlurType(family: family)
        guard type == .motion else {
            self.init(type: .defocus, angle: 0, angleWeight: 0)
            return
        }
        let axis = kernel.principalAxis
        let weight = min(1, max(0, (Self.roundRatio - axis.axisRatio) / (Self.roundRatio - Self.elongatedRatio)))
        self.init(type: .motion, angle: axis.angle, angleWeight: weight)
    }

    /// Minor/major axis ratio at and below which the direction counts fully.
    public static let elongatedRatio: Float = 0.3
    /// Minor/major axis ratio at and above which a kernel has no direction.
    public static let roundRatio: Float = 0.6

    /// The direction as the net regresses it: (cos 2θ, sin 2θ), which is the same for θ and
    /// θ + π (a smear has no sign).
    public var doubleAngle: (cos: Float, sin: Float) { (cos(2 * angle), sin(2 * angle)) }
}

extension BlurKernel {
    /// The direction of the kernel's largest spread, as an angle in [0, π) counter-clockwise on
    /// screen from the horizontal (the grid's y runs down), and the ratio of the standard
    /// deviations across and along it (0 for a line, 1 for a round kernel).
    public var principalAxis: (angle: Float, axisRatio: Float) {
        let (sxx, syy, sxy) = secondMoments
        let mean = (sxx + syy) / 2
        let spread = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        let major = mean + spread, minor = max(0, mean - spread)
        guard major > 0 else { return (0, 1) }
        // Screen y is −grid y, so the screen covariance is −sxy.
        var angle = 0.5 * atan2(-2 * sxy, sxx - syy)
        if angle < 0 { angle += .pi }
        if angle >= .pi { angle -= .pi }
        return (angle, (minor / major).squareRoot())
    }
}
