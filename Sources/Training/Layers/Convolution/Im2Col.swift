/// Unfolds image patches into the columns of a matrix so that a convolution becomes one
/// matrix product (im2col; K. Chellapilla, S. Puri, P. Simard, "High performance
/// convolutional neural networks for document processing", 2006).
///
/// For a kernel of size (kz, ky, kx) (odd, "same" zero padding, stride 1) over `channels`
/// input planes of size `size`, row r = ((c·kz + a)·ky + b)·kx + e of the column matrix
/// holds, for every output pixel (z, y, x) of the chosen image rows, the input value at
/// (z + a − kz/2, y + b − ky/2, x + e − kx/2) of channel c, or 0 outside the image.
enum Im2Col {
    /// Fills `columns` (K × n, K = channels·kz·ky·kx, n = rows.count·size.x) from one sample.
    /// `rows` are flat (z·size.y + y) row indices of the output.
    static func unfold(_ input: UnsafePointer<Float>, channels: Int, size: Size3, kernel: Size3,
                       rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let width = size.x, plane = size.count
        let n = rows.count * width
        var row = 0
        for c in 0..<channels {
            let channel = input + c * plane
            for a in 0..<kernel.z {
                for b in 0..<kernel.y {
                    for e in 0..<kernel.x {
                        let destination = columns + row * n
                        row += 1
                        let dz = a - kernel.z / 2, dy = b - kernel.y / 2, dx = e - kernel.x / 2
                        let low = Swift.max(0, -dx), high = Swift.min(width, width - dx)
                        for (i, outputRow) in rows.enumerated() {
                            let z = outputRow / size.y + dz, y = outputRow % size.y + dy
                            let line = destination + i * width
                            guard z >= 0, z < size.z, y >= 0, y < size.y, low < high else {
                                line.update(repeating: 0, count: width)
                                continue
                            }
                            let source = channel + (z * size.y + y) * width + dx
                            if low > 0 { line.update(repeating: 0, count: low) }
                            (line + low).update(from: source + low, count: high - low)
                            if high < width { (line + high).update(repeating: 0, count: width - high) }
                        }
                    }
                }
            }
        }
    }

    /// Unfolds along x only, for 2-D images: row (c·kx + e) of `columns` holds image rows
    /// `rows` (which may reach outside the image: zero there) of channel c shifted by
    /// e − kx/2 along x, rows.count·size.x values per row.
    static func unfoldRows(_ input: UnsafePointer<Float>, channels: Int, size: Size3, kernelX: Int,
                           rows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let width = size.x, plane = size.count, n = rows.count * width
        for c in 0..<channels {
            let channel = input + c * plane
            for e in 0..<kernelX {
                let destination = columns + (c * kernelX + e) * n
                let dx = e - kernelX / 2
                let low = Swift.max(0, -dx), high = Swift.min(width, width - dx)
                for (i, row) in rows.enumerated() {
                    let line = destination + i * width
                    guard row >= 0, row < size.y, low < high else {
                        line.update(repeating: 0, count: width)
                        continue
                    }
                    let source = channel + row * width + dx
                    if low > 0 { line.update(repeating: 0, count: low) }
                    (line + low).update(from: source + low, count: high - low)
                    if high < width { (line + high).update(repeating: 0, count: width - high) }
                }
            }
        }
    }
}
