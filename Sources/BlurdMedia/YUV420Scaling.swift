import CFFmpeg

extension YUV420Image {
    /// This picture resampled to `width`×`height` (even sizes, as 4:2:0 needs) with libswscale's
    /// area filter: thumbnails of a decoded frame. Throws `MediaError.invalidOption` for an odd or
    /// empty size.
    public func scaled(width: Int, height: Int) throws -> YUV420Image {
        guard width >= 2, height >= 2, width % 2 == 0, height % 2 == 0 else {
            throw MediaError.invalidOption("scaled size \(width)x\(height): 4:2:0 needs positive even sizes")
        }
        let source = try FFmpegFrame(format: AV_PIX_FMT_YUV420P, width: self.width, height: self.height)
        y.withUnsafeBufferPointer { source.pointer.copyPlane(0, from: $0, width: self.width, height: self.height) }
        u.withUnsafeBufferPointer { source.pointer.copyPlane(1, from: $0, width: chromaWidth, height: chromaHeight) }
        v.withUnsafeBufferPointer { source.pointer.copyPlane(2, from: $0, width: chromaWidth, height: chromaHeight) }
        var result = YUV420Image(width: width, height: height)
        let scaler = FrameScaler(targetWidth: width, targetHeight: height, targetFormat: AV_PIX_FMT_YUV420P)
        try result.y.withUnsafeMutableBufferPointer { y in
            try result.u.withUnsafeMutableBufferPointer { u in
                try result.v.withUnsafeMutableBufferPointer { v in
                    try scaler.convert(source.pointer, y: y.baseAddress!, u: u.baseAddress!, v: v.baseAddress!)
                }
            }
        }
        return result
    }
}
