import CFFmpeg

/// libswscale conversion of decoded frames to a fixed output (GRAY8 luma, RGB24 or YUV420P),
/// written straight into caller-owned storage. The context is rebuilt only when the source
/// size or pixel format changes (live streams may switch resolution).
final class FrameScaler {
    let targetWidth: Int
    let targetHeight: Int
    let targetFormat: AVPixelFormat
    /// Labels the scaler's log messages (`FFmpegLogLabels`).
    let logLabel: String?
    private var context: OpaquePointer?
    private var sourceWidth: Int32 = 0
    private var sourceHeight: Int32 = 0
    private var sourceFormat: Int32 = -1

    init(targetWidth: Int, targetHeight: Int, targetFormat: AVPixelFormat, logLabel: String? = nil) {
        self.targetWidth = targetWidth
        self.targetHeight = targetHeight
        self.targetFormat = targetFormat
        self.logLabel = logLabel
    }

    deinit {
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(context))
        sws_freeContext(context)
    }

    /// Bytes per output row (the output is tightly packed).
    var targetStride: Int { targetFormat == AV_PIX_FMT_RGB24 ? targetWidth * 3 : targetWidth }

    /// Converts `frame` into `destination`, which holds `targetStride × targetHeight` bytes.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, into destination: UnsafeMutablePointer<UInt8>) throws {
        try convert(frame, planes: [destination, nil, nil, nil], strides: [Int32(targetStride), 0, 0, 0])
    }

    /// Converts `frame` into a YUV420P target's three tightly packed planes.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>, y: UnsafeMutablePointer<UInt8>,
                 u: UnsafeMutablePointer<UInt8>, v: UnsafeMutablePointer<UInt8>) throws {
        precondition(targetFormat == AV_PIX_FMT_YUV420P, "planar output needs a YUV420P scaler")
        let chromaStride = Int32(targetWidth / 2)
        try convert(frame, planes: [y, u, v, nil], strides: [Int32(targetWidth), chromaStride, chromaStride, 0])
    }

    private func convert(_ frame: UnsafeMutablePointer<AVFrame>, planes: [UnsafeMutablePointer<UInt8>?],
                         strides: [Int32]) throws {
        try prepare(for: frame)
        var destinationPlanes = planes
        var destinationStrides = strides
        let rows = withUnsafeBytes(of: frame.pointee.data) { dataBytes in
            withUnsafeBytes(of: frame.pointee.linesize) { strideBytes in
                sws_scale(context,
                          dataBytes.baseAddress!.assumingMemoryBound(to: UnsafePointer<UInt8>?.self),
                          strideBytes.baseAddress!.assumingMemoryBound(to: Int32.self),
                          0, frame.pointee.height, &destinationPlanes, &destinationStrides)
            }
        }
        guard rows == Int32(targetHeight) else {
            throw MediaError.ioError("scaling a \(frame.pointee.width)x\(frame.pointee.height) frame produced \(rows) rows instead of \(targetHeight)")
        }
    }

    private func prepare(for frame: UnsafeMutablePointer<AVFrame>) throws {
        let width = frame.pointee.width, height = frame.pointee.height, format = frame.pointee.format
        if context != nil, width == sourceWidth, height == sourceHeight, format == sourceFormat { return }
        FFmpegLogLabels.shared.unregister(UnsafeMutableRawPointer(context))
        sws_freeContext(context)
        context = sws_getContext(width, height, AVPixelFormat(rawValue: format),
                                 Int32(targetWidth), Int32(targetHeight), targetFormat,
                                 SWS_AREA, nil, nil, nil)
        guard let context else {
            sourceFormat = -1
            let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: format)).map { String(cString: $0) } ?? "format \(format)"
            throw MediaError.unsupportedCodec("cannot convert \(width)x\(height) \(name) frames")
        }
        sourceWidth = width
        sourceHeight = height
        sourceFormat = format
        FFmpegLogLabels.shared.register(UnsafeMutableRawPointer(context), label: logLabel)
        keepLumaCodeValues(sourceFormat: AVPixelFormat(rawValue: format))
    }

    /// swscale treats GRAY8 as full range and would stretch limited-range (16…235) luma. Luma
    /// code values are passed through unchanged instead, so what VideoWriter wrote as Y reads
    /// back as the same grey and full-range (JPEG) sources keep their values too.
    private func keepLumaCodeValues(sourceFormat: AVPixelFormat) {
        guard targetFormat == AV_PIX_FMT_GRAY8, let descriptor = av_pix_fmt_desc_get(sourceFormat),
              (descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB)) == 0 else { return }
        let coefficients = sws_getCoefficients(SWS_CS_DEFAULT)
        sws_setColorspaceDetails(context, coefficients, 0, coefficients, 0, 0, 1 << 16, 1 << 16)
    }
}
