import BlurdMedia
import BlurdAnalysis

/// Draws the editor's view of one analysed frame onto the full-resolution picture:
///
/// - where the mask says blurred (bilinearly upsampled probability ≥ 0.5), a translucent overlay
///   from yellow (just blurred) to red (surely blurred), more opaque as the probability rises;
///   sharp areas are left untouched;
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
    /// Per probability byte: overlay colour and opacity (0…256), opacity 0 below 128.
    private let overlay: [(color: OverlayColor, opacity: Int)]

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
    }

    /// Draws onto `image` (which must be `width`×`height`).
    public func annotate(_ image: inout YUV420Image, analysis: FrameAnalysis, timecode: String) {
        precondition(image.width == width && image.height == height, "frame size does not match the annotator")
        if analysis.state == .ok {
            drawOverlay(&image, map: analysis.map)
        } else {
            drawHatch(&image)
        }
        drawPanel(&image, score: analysis.state == .ok ? analysis.score : nil, timecode: timecode)
    }

    // MARK: Mask overlay

    private func drawOverlay(_ image: inout YUV420Image, map: BlurMap) {
        guard map.width > 0, map.height > 0 else { return }
        if lumaUpsampler?.gridWidth != map.width || lumaUpsampler?.gridHeight != map.height {
            lumaUpsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height, outputWidth: width, outputHeight: height)
            chromaUpsampler = MaskUpsampler(gridWidth: map.width, gridHeight: map.height,
                                            outputWidth: width / 2, outputHeight: height / 2)
        }
        lumaUpsampler?.upsample(map, into: &lumaMask)
        chromaUpsampler?.upsample(map, into: &chromaMask)
        overlay.withUnsafeBufferPointer { overlay in
            blend(&image.y, mask: lumaMask, overlay: overlay) { $0.y }
            blend(&image.u, mask: chromaMask, overlay: overlay) { $0.u }
            blend(&image.v, mask: chromaMask, overlay: overlay) { $0.v }
        }
    }

    private func blend(_ plane: inout [UInt8], mask: [UInt8],
                       overlay: UnsafeBufferPointer<(color: OverlayColor, opacity: Int)>,
                       component: (OverlayColor) -> UInt8) {
        mask.withUnsafeBufferPointer { mask in
            plane.withUnsafeMutableBufferPointer { plane in
                for index in 0..<plane.count {
                    let entry = overlay[Int(mask[index])]
                    guard entry.opacity > 0 else { continue }
                    let mixed = Int(plane[index]) * (256 - entry.opacity) + Int(component(entry.color)) * entry.opacity
                    plane[index] = UInt8((mixed + 128) >> 8)
                }
            }
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

    private func drawPanel(_ image: inout YUV420Image, score: Double?, timecode: String) {
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
