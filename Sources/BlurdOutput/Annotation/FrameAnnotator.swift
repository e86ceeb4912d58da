import BlurdMedia
import BlurdAnalysis
import Foundation

/// Draws the editor's view of one analysed frame onto the full-resolution picture:
///
/// - where the mask says blurred (bilinearly upsampled probability ≥ 0.5), a translucent overlay
///   from yellow (just blurred) to red (surely blurred), more opaque as the probability rises;
///   sharp areas are left untouched;
/// - with a model that has blur-type heads (blurseg-v3, `FrameAnalysis.typeMap`): motion blur in
///   cyan to blue instead (defocus keeps yellow to red), short white strokes along the smear
///   direction on the motion cells that have one, and a legend under the score panel;
/// - `no_texture` frames: grey diagonal hatching and desaturated colour instead of an overlay;
/// - top left, on a dark panel: "SCORE 0.83" (or "NO TEXTURE"), the SMPTE timecode, and a gauge
///   bar filled to the score, red → yellow → green.
///
/// Not thread-safe: it keeps the upsampled masks between frames to avoid reallocating them.
public final class FrameAnnotator {
    public let width: Int
    public let height: Int
    /// Font pixel size: 1 up to 479 rows, 4 at 1080p.
    public let scale: Int
    private var lumaUpsampler: MaskUpsampler?
    private var chromaUpsampler: MaskUpsampler?
    private var lumaMask: [UInt8] = []
    private var chromaMask: [UInt8] = []
    private var lumaMotion: [UInt8] = []
    private var chromaMotion: [UInt8] = []
    /// Per probability byte: overlay colour and opacity (0…256), opacity 0 below 128.
    private let overlay: [(color: OverlayColor, opacity: Int)]
    /// The same for motion blur.
    private let motionOverlay: [(color: OverlayColor, opacity: Int)]
    /// Whether the legend of the blur types is drawn.
    private var legend = false

    /// Opacity of the overlay at probability 0.5 and at 1, out of 256.
    public static let minimumOpacity = 90
    public static let maximumOpacity = 154

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        scale = max(1, height / 240)
        overlay = (0...255).map { value in
            guard value >= Int(BlurMap.blurredThreshold) else { return (OverlayColor.white, 0) }
            let opacity = Self.minimumOpacity + (value - 128) * (Self.maximumOpacity - Self.minimumOpacity) / 127
            return (OverlayColor.blur(probability: UInt8(value)), opacity)
        }
        motionOverlay = overlay.enumerated().map { value, entry in
            (entry.opacity > 0 ? OverlayColor.motionBlur(probability: UInt8(value)) : entry.color, entry.opacity)
        }
    }

    /// Draws onto `image` (which must be `width`×`height`).
    public func annotate(_ image: inout YUV420Image, analysis: FrameAnalysis, timecode: String) {
        precondition(image.width == width && image.height == height, "frame size does not match the annotator")
        if analysis.state == .ok {
            drawOverlay(&image, map: analysis.map, types: analysis.typeMap)
            if let types = analysis.typeMap { drawDirections(&image, map: analysis.map, types: types) }
        } else {
            drawHatch(&image)
        }
        let panelBottom = drawPanel(&image, score: analysis.state == .ok ? analysis.score : nil, timecode: timecode)
        // Once the model has typed a frame, the legend stays (no_texture frames have no types).
        legend = legend || analysis.typeMap != nil
        if legend { drawLegend(&image, top: panelBottom + 2 * scale) }
    }

    // MARK: Mask overlay

    private func drawOverlay(_ image: inout YUV420Image, map: BlurMap, types: BlurTypeMap?) {
        guard map.width > 0, map.height > 0 else { return }
        if lumaUpsampler?.gridWidth != map.width || lumaUpsampler?.gridHeight != map.height {
            lumaUpsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height, outputWidth: width, outputHeight: height)
            chromaUpsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height,
                                            outputWidth: width / 2, outputHeight: height / 2)
        }
        lumaUpsampler?.upsample(map, into: &lumaMask)
        chromaUpsampler?.upsample(map, into: &chromaMask)
        // A pixel takes the motion colours where the upsampled P(motion | blurred) is ≥ 0.5.
        var lumaMotion: [UInt8]? = nil, chromaMotion: [UInt8]? = nil
        if let types, types.width == map.width, types.height == map.height {
            let motion = BlurMap(width: types.width, height: types.height, probability: types.motion)
            lumaUpsampler?.upsample(motion, into: &self.lumaMotion)
            chromaUpsampler?.upsample(motion, into: &self.chromaMotion)
            (lumaMotion, chromaMotion) = (self.lumaMotion, self.chromaMotion)
        }
        overlay.withUnsafeBufferPointer { overlay in
            motionOverlay.withUnsafeBufferPointer { motionOverlay in
                blend(&image.y, mask: lumaMask, motion: lumaMotion, overlay: overlay, motionOverlay: motionOverlay) { $0.y }
                blend(&image.u, mask: chromaMask, motion: chromaMotion, overlay: overlay, motionOverlay: motionOverlay) { $0.u }
                blend(&image.v, mask: chromaMask, motion: chromaMotion, overlay: overlay, motionOverlay: motionOverlay) { $0.v }
            }
        }
    }

    private func blend(_ plane: inout [UInt8], mask: [UInt8], motion: [UInt8]?,
                       overlay: UnsafeBufferPointer<(color: OverlayColor, opacity: Int)>,
                       motionOverlay: UnsafeBufferPointer<(color: OverlayColor, opacity: Int)>,
                       component: (OverlayColor) -> UInt8) {
        let motion = motion ?? []
        mask.withUnsafeBufferPointer { mask in
            plane.withUnsafeMutableBufferPointer { plane in
                for index in 0..<plane.count {
                    let isMotion = !motion.isEmpty && motion[index] >= BlurMap.blurredThreshold
                    let entry = (isMotion ? motionOverlay : overlay)[Int(mask[index])]
                    guard entry.opacity > 0 else { continue }
                    let mixed = Int(plane[index]) * (256 - entry.opacity) + Int(component(entry.color)) * entry.opacity
                    plane[index] = UInt8((mixed + 128) >> 8)
                }
            }
        }
    }

    // MARK: Blur type

    /// Side of the lattice the direction strokes sit on, and a stroke's length, in pixels.
    private var strokeSpacing: Int { 16 * scale }
    private var strokeLength: Int { 11 * scale }

    /// A white stroke along the smear direction at every lattice point whose cell is blurred,
    /// motion, and has a main direction.
    private func drawDirections(_ image: inout YUV420Image, map: BlurMap, types: BlurTypeMap) {
        guard types.width == map.width, types.height == map.height, map.width > 0, map.height > 0 else { return }
        let spacing = strokeSpacing
        for cy in stride(from: spacing / 2, to: height, by: spacing) {
            for cx in stride(from: spacing / 2, to: width, by: spacing) {
                let cell = (cy * map.height / height) * map.width + cx * map.width / width
                guard map.probability[cell] >= BlurMap.blurredThreshold, types.motion[cell] >= BlurMap.blurredThreshold,
                      types.angle[cell] != BlurTypeMap.noDirection else { continue }
                drawStroke(&image, x: cx, y: cy, degrees: Double(types.angle[cell]), length: strokeLength)
            }
        }
    }

    /// A line of `length` pixels centred on (x, y) at `degrees` counter-clockwise from the
    /// horizontal (rows run down, hence −sin), `scale` pixels thick, white.
    private func drawStroke(_ image: inout YUV420Image, x: Int, y: Int, degrees: Double, length: Int) {
        let radians = degrees * .pi / 180, dx = cos(radians), dy = -sin(radians)
        let half = length / 2
        for t in -half...half {
            let px = x + Int((Double(t) * dx).rounded()) - scale / 2, py = y + Int((Double(t) * dy).rounded()) - scale / 2
            fill(&image, x: px, y: py, width: scale, height: scale, color: .white)
        }
    }

    /// "DEFOCUS" and "MOTION" with their overlay colours (a motion swatch with a stroke), on a
    /// dark panel whose top is at `top`.
    private func drawLegend(_ image: inout YUV420Image, top: Int) {
        let padding = 2 * scale, lineHeight = 9 * scale, swatch = 7 * scale
        let labels = ["DEFOCUS", "MOTION"]
        let textWidth = labels.map { BitmapFont.width(of: $0) }.max()! * scale
        let left = 4 * scale
        fill(&image, x: left, y: top, width: 2 * padding + swatch + padding + textWidth, height: 2 * padding + 2 * lineHeight - 2 * scale,
             color: .panel)
        for (row, label) in labels.enumerated() {
            let y = top + padding + row * lineHeight, x = left + padding
            let color = row == 0 ? OverlayColor.blur(probability: 200) : OverlayColor.motionBlur(probability: 200)
            fill(&image, x: x, y: y, width: swatch, height: swatch, color: color)
            if row == 1 { drawStroke(&image, x: x + swatch / 2, y: y + swatch / 2, degrees: 30, length: swatch - scale) }
            drawText(&image, label, x: x + swatch + padding, y: y)
        }
    }

    // MARK: No texture

    /// Diagonal stripes 8 font pixels wide pulled halfway to mid grey, all colour halved.
    private func drawHatch(_ image: inout YUV420Image) {
        let stripe = 8 * scale
        for y in 0..<height {
            let row = y * width
            for x in 0..<width where ((x + y) / stripe) % 2 == 0 {
                image.y[row + x] = UInt8((Int(image.y[row + x]) + 128) / 2)
            }
        }
        for index in 0..<image.u.count {
            image.u[index] = UInt8((Int(image.u[index]) + 128) / 2)
            image.v[index] = UInt8((Int(image.v[index]) + 128) / 2)
        }
    }

    // MARK: Score, timecode, gauge

    /// Returns the row just below the panel.
    @discardableResult
    private func drawPanel(_ image: inout YUV420Image, score: Double?, timecode: String) -> Int {
        let label = score.map { "SCORE " + Self.twoDecimals($0) } ?? "NO TEXTURE"
        let padding = 2 * scale, lineHeight = 9 * scale, gaugeHeight = 4 * scale
        let textWidth = max(BitmapFont.width(of: label), BitmapFont.width(of: timecode)) * scale
        let left = 4 * scale, top = 4 * scale
        let panelWidth = textWidth + 2 * padding
        let panelHeight = padding + 2 * lineHeight + gaugeHeight + padding
        fill(&image, x: left, y: top, width: panelWidth, height: panelHeight, color: .panel)
        drawText(&image, label, x: left + padding, y: top + padding)
        drawText(&image, timecode, x: left + padding, y: top + padding + lineHeight)

        let gaugeTop = top + padding + 2 * lineHeight
        fill(&image, x: left + padding, y: gaugeTop, width: textWidth, height: gaugeHeight,
             color: OverlayColor(y: 60, u: 128, v: 128))
        if let score {
            let filled = Int((min(1, max(0, score)) * Double(textWidth)).rounded())
            fill(&image, x: left + padding, y: gaugeTop, width: filled, height: gaugeHeight,
                 color: .gauge(score: score))
        }
        return top + panelHeight
    }

    /// Ink only: the panel underneath already made the chroma neutral.
    private func drawText(_ image: inout YUV420Image, _ text: String, x: Int, y: Int) {
        for (position, character) in text.enumerated() {
            let glyphLeft = x + position * BitmapFont.advance * scale
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isInk(character, column: column, row: row) {
                    fillLuma(&image, x: glyphLeft + column * scale, y: y + row * scale,
                             width: scale, height: scale, value: OverlayColor.white.y)
                }
            }
        }
    }

    /// Two decimals without Foundation's locale-dependent formatting.
    private static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((min(1, max(0, value)) * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    /// A solid rectangle clipped to the frame; chroma covers every sample the rectangle touches.
    private func fill(_ image: inout YUV420Image, x: Int, y: Int, width: Int, height: Int, color: OverlayColor) {
        fillLuma(&image, x: x, y: y, width: width, height: height, value: color.y)
        let x0 = max(0, x / 2), x1 = min(image.chromaWidth, (x + width + 1) / 2)
        let y0 = max(0, y / 2), y1 = min(image.chromaHeight, (y + height + 1) / 2)
        guard x0 < x1, y0 < y1, width > 0, height > 0 else { return }
        for row in y0..<y1 {
            let start = row * image.chromaWidth
            for column in x0..<x1 {
                image.u[start + column] = color.u
                image.v[start + column] = color.v
            }
        }
    }

    private func fillLuma(_ image: inout YUV420Image, x: Int, y: Int, width: Int, height: Int, value: UInt8) {
        let x0 = max(0, x), x1 = min(image.width, x + width)
        let y0 = max(0, y), y1 = min(image.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            let start = row * image.width
            for column in x0..<x1 { image.y[start + column] = value }
        }
    }
}
