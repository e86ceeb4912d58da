import CFFmpeg

/// How far a decoded picture's colours are from grey, read from the decoder's own frame (any
/// pixel format libavutil describes) on a coarse grid, so it costs a few thousand sample reads
/// and no conversion: what tells a camera's colour (day) mode from its infrared (night) mode.
///
/// The picture is cut into up to `gridSize`×`gridSize` cells; in each, a `patchSize`×`patchSize`
/// patch of chroma samples at the cell's centre is averaged, and the cell counts
/// |Ū − 128| + |V̄ − 128| on the 8-bit scale (deeper formats are scaled down, RGB formats turned
/// into BT.601 U and V). The statistic is the mean over the cells: 0 for a grey picture, about
/// 140 for ffmpeg's testsrc2 pattern, about 4 to 55 for real daylight clips (docs/SERVICE.md,
/// "Day and night"). Averaging each patch
/// first keeps pixel noise in the chroma planes (which has no colour on average) from reading
/// as colour.
enum FrameChroma {
    /// Cells per side of the sampling grid.
    static let gridSize = 16
    /// Side of the square patch of samples averaged in each cell.
    static let patchSize = 4

    /// The statistic of `frame`; 0 for formats without chroma (gray, monochrome bitstreams), nil
    /// for formats whose colour cannot be read here (hardware surfaces, paletted, Bayer, float).
    static func measure(_ frame: UnsafeMutablePointer<AVFrame>) -> Double? {
        guard let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: frame.pointee.format)) else { return nil }
        let flags = descriptor.pointee.flags
        func has(_ flag: Int32) -> Bool { flags & UInt64(flag) != 0 }
        if has(AV_PIX_FMT_FLAG_HWACCEL) || has(AV_PIX_FMT_FLAG_PAL) || has(AV_PIX_FMT_FLAG_BAYER)
            || has(AV_PIX_FMT_FLAG_FLOAT) {
            return nil
        }
        let colourComponents = Int(descriptor.pointee.nb_components) - (has(AV_PIX_FMT_FLAG_ALPHA) ? 1 : 0)
        guard colourComponents >= 3 else { return 0 }
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        guard width > 0, height > 0 else { return nil }

        let isRGB = has(AV_PIX_FMT_FLAG_RGB)
        // YUV: components 1 and 2 on the chroma planes' (subsampled) grid; RGB: 0, 1 and 2, full size.
        let components: [Int32] = isRGB ? [0, 1, 2] : [1, 2]
        let shiftX = isRGB ? 0 : Int(descriptor.pointee.log2_chroma_w), shiftY = isRGB ? 0 : Int(descriptor.pointee.log2_chroma_h)
        let planeWidth = (width + (1 << shiftX) - 1) >> shiftX, planeHeight = (height + (1 << shiftY) - 1) >> shiftY
        let depths = withUnsafeBytes(of: descriptor.pointee.comp) { bytes in
            components.map { Int(bytes.load(fromByteOffset: Int($0) * MemoryLayout<AVComponentDescriptor>.stride,
                                              as: AVComponentDescriptor.self).depth) }
        }
        guard depths.allSatisfy({ (1...16).contains($0) }) else { return nil }
        // Sample values to the 8-bit scale, where grey's chroma is 128.
        let scales = depths.map { 256.0 / Double(1 << $0) }

        let patchWidth = min(patchSize, planeWidth), patchHeight = min(patchSize, planeHeight)
        let cellsX = max(1, min(gridSize, planeWidth / patchSize)), cellsY = max(1, min(gridSize, planeHeight / patchSize))
        let planes = UnsafeMutablePointer<UnsafePointer<UInt8>?>.allocate(capacity: 4)
        let strides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        let row = UnsafeMutablePointer<UInt16>.allocate(capacity: patchWidth)
        defer {
            planes.deallocate()
            strides.deallocate()
            row.deallocate()
        }
        for plane in 0..<4 {
            planes[plane] = UnsafePointer(frame.planeData(plane))
            strides[plane] = Int32(frame.lineSize(plane))
        }
        /// The mean of component `components[slot]` over the patch at `left`, `top`, on the 8-bit scale.
        func patchMean(_ slot: Int, left: Int, top: Int) -> Double {
            var sum = 0
            for line in top..<(top + patchHeight) {
                // libavutil reads any layout (planar, interleaved, packed, either endianness).
                av_read_image_line2(row, planes, strides, descriptor, Int32(left), Int32(line), components[slot],
                                    Int32(patchWidth), 0, 2)
                for index in 0..<patchWidth { sum += Int(row[index]) }
            }
            return Double(sum) / Double(patchWidth * patchHeight) * scales[slot]
        }
        var total = 0.0
        for cellY in 0..<cellsY {
            let top = min(max(0, planeHeight * (2 * cellY + 1) / (2 * cellsY) - patchHeight / 2), planeHeight - patchHeight)
            for cellX in 0..<cellsX {
                let left = min(max(0, planeWidth * (2 * cellX + 1) / (2 * cellsX) - patchWidth / 2), planeWidth - patchWidth)
                total += isRGB
                    ? rgbChroma(red: patchMean(0, left: left, top: top), green: patchMean(1, left: left, top: top),
                                blue: patchMean(2, left: left, top: top))
                    : abs(patchMean(0, left: left, top: top) - 128) + abs(patchMean(1, left: left, top: top) - 128)
            }
        }
        return total / Double(cellsX * cellsY)
    }

    /// |U − 128| + |V − 128| of an RGB colour, with BT.601's full-range coefficients.
    private static func rgbChroma(red: Double, green: Double, blue: Double) -> Double {
        abs(-0.168736 * red - 0.331264 * green + 0.5 * blue) + abs(0.5 * red - 0.418688 * green - 0.081312 * blue)
    }
}
