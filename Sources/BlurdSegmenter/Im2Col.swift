/// The geometry of one 2-D sliding window ("same" padding) over a single plane.
struct WindowGeometry {
    let height: Int, width: Int
    let outHeight: Int, outWidth: Int
    let kernel: Int, stride: Int, dilation: Int, pad: Int

    /// Output columns [lo, hi) whose tap at horizontal offset `offset` (from the window's left
    /// padding edge) lands inside the row.
    @inline(__always)
    func validColumns(offset: Int) -> (lo: Int, hi: Int) {
        let lo = min(outWidth, max(0, ceilDivide(-offset, stride)))
        let hi = max(lo, min(outWidth, floorDivide(width - 1 - offset, stride) + 1))
        return (lo, hi)
    }
}

@inline(__always) func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
@inline(__always) func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }

/// Unfolds `channels` planes into a [channels·k·k, rows.count·outWidth] matrix for output rows
/// `rows` (zeros where the window reaches into the padding), so a convolution becomes a GEMM.
func im2col(_ x: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry, rows: Range<Int>,
            into cols: UnsafeMutablePointer<Float>) {
    let outPlane = rows.count * g.outWidth
    var row = cols
    for c in 0..<channels {
        let plane = x + c * g.height * g.width
        for ki in 0..<g.kernel {
            let offY = ki * g.dilation - g.pad
            for kj in 0..<g.kernel {
                let offX = kj * g.dilation - g.pad
                let (lo, hi) = g.validColumns(offset: offX)
                for oy in rows {
                    let dst = row + (oy - rows.lowerBound) * g.outWidth
                    let iy = oy * g.stride + offY
                    guard iy >= 0 && iy < g.height else {
                        dst.update(repeating: 0, count: g.outWidth)
                        continue
                    }
                    dst.update(repeating: 0, count: lo)
                    (dst + hi).update(repeating: 0, count: g.outWidth - hi)
                    let src = plane + iy * g.width + offX
                    if g.stride == 1 {
                        (dst + lo).update(from: src + lo, count: hi - lo)
                    } else {
                        for ox in lo..<hi { dst[ox] = src[ox * g.stride] }
                    }
                }
                row += outPlane
            }
        }
    }
}

/// The adjoint of `im2col` for output rows `rows`: adds every column entry back onto the pixel
/// it was copied from.
func col2imAccumulate(_ cols: UnsafePointer<Float>, channels: Int, geometry g: WindowGeometry, rows: Range<Int>,
                      into x: UnsafeMutablePointer<Float>) {
    let outPlane = rows.count * g.outWidth
    var row = cols
    for c in 0..<channels {
        let plane = x + c * g.height * g.width
        for ki in 0..<g.kernel {
            let offY = ki * g.dilation - g.pad
            for kj in 0..<g.kernel {
                let offX = kj * g.dilation - g.pad
                let (lo, hi) = g.validColumns(offset: offX)
                for oy in rows {
                    let iy = oy * g.stride + offY
                    guard iy >= 0 && iy < g.height else { continue }
                    let src = row + (oy - rows.lowerBound) * g.outWidth
                    let dst = plane + iy * g.width + offX
                    for ox in lo..<hi { dst[ox * g.stride] += src[ox] }
                }
                row += outPlane
            }
        }
    }
}
