/// Winograd's minimal filtering F(2×2, 3×3) for 2-D 3×3 convolutions with "same" zero padding
/// (A. Lavin, S. Gray, "Fast algorithms for convolutional neural networks", CVPR 2016).
///
/// The image is cut into 2×2 output tiles (zero-extended past the right and bottom edges); the
/// 4×4 input window d of a tile starts one pixel above and left of it. With the filter g (3×3),
///
///     Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,
///
/// and summing over input channels inside the brackets turns the 16 element-wise products
/// into 16 matrix products per block of tiles, M_ξ (O × T) = U_ξ (O × C) · V_ξ (C × T) with
/// U = G g Gᵀ per (o, c) and V = Bᵀ d B per (c, tile): 4 multiply-adds per output pixel and
/// channel pair instead of 9. Backward, with ∂M = A ∂Y Aᵀ per tile (the adjoint of the output
/// transform), ∂U_ξ = Σ_tiles ∂M_ξ V_ξᵀ and ∂g = Gᵀ ∂U G. The matrices (interpolation points
/// 0, ±1, ∞) have entries 0, ±1 and ±½ only, so the rounding error stays at the level of the
/// direct sum (F(4×4, 3×3) saves more products but loses about 20× in accuracy):
///
///     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
///     G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
///     Aᵀ = [1 1 1 0; 0 1 −1 −1]
///
/// Layouts: transformed filters U[ξ][o][c]; transformed data V[ξ][c][t] and M, ∂M[ξ][o][t], for
/// the T tiles of a `Block` (a range of tile rows and of tile columns), t running along x first
/// (M and ∂M may hold a block's tiles inside a larger grid: `TileLayout`); ξ = 4i + j for row i
/// and column j of the 4×4 transform. 5×5 kernels run as four 3×3 pieces (`WinogradKernel`). Tile columns are counted up to a
/// multiple of 4 per image row: the transforms run along rows of tiles, four tiles per SIMD4
/// vector (even and odd pixels of a row split by `evenHalf`/`oddHalf`), and the extra tiles
/// see zeros (so they add nothing to weight gradients).
enum Winograd {
    /// Transform positions per tile (4 × 4).
    static let positions = 16

    private typealias Vector = SIMD4<Float>

    /// Tile columns (the tiles along x rounded up to a multiple of 4) and tile rows for an
    /// image of `size` (2-D: z = 1).
    static func grid(_ size: Size3) -> (columns: Int, rows: Int) { (((size.x + 1) / 2 + 3) / 4 * 4, (size.y + 1) / 2) }

    /// Tiles processed together: one product per position over all of them.
    struct Block {
        var rows: Range<Int>
        /// Starts and ends at multiples of 4 (the end may be the grid's last column).
        var columns: Range<Int>
        var count: Int { rows.count * columns.count }
    }

    /// The blocks of an image of `size`, in row-major order, each with at most about `tiles`
    /// tiles (at least 4): whole rows of tiles while 4 or more of them fit, else 4 rows of a
    /// multiple of 4 columns. Each block transforms two image rows more than it covers, so
    /// blocks one tile row high would transform every image row twice.
    static func blocks(_ size: Size3, tiles: Int) -> [Block] {
        let grid = grid(size), minimumRows = 4
        let rowsPerBlock = Swift.min(grid.rows, Swift.max(minimumRows, tiles / grid.columns))
        let columnsPerBlock = Swift.min(grid.columns, Swift.max(4, tiles / rowsPerBlock / 4 * 4))
        var blocks: [Block] = []
        for first in Swift.stride(from: 0, to: grid.rows, by: rowsPerBlock) {
            for left in Swift.stride(from: 0, to: grid.columns, by: columnsPerBlock) {
                blocks.append(Block(rows: first ..< Swift.min(grid.rows, first + rowsPerBlock),
                                    columns: left ..< Swift.min(grid.columns, left + columnsPerBlock)))
            }
        }
        return blocks
    }

    /// Where a block's tiles lie in a buffer of transformed tiles (16 × channels × `count`):
    /// tile (r, c) of the block at `origin` + r·`rowStride` + c.
    struct TileLayout {
        var origin: Int
        var rowStride: Int
        var count: Int
    }

    /// Floats of transform scratch for `block`.
    static func scratchCount(_ block: Block) -> Int {
        lineCount(block.columns.count) + (2 * block.rows.count + 2) * 4 * block.columns.count   // the input transform; the others need less
    }

    /// Floats of one line of a block: its tiles' pixels, one pixel of padding on either side
    /// and room for the last 8-float load.
    private static func lineCount(_ columns: Int) -> Int { 2 * columns + 8 }

    /// line[j] = row[first + j] for j < `count` where that is inside the row (`width` pixels), else
    /// untouched (the caller zeroes `line` once per block: the zero part is the same for every row).
    @inline(__always)
    private static func copy(_ row: UnsafePointer<Float>, width: Int, first: Int, count: Int, into line: UnsafeMutablePointer<Float>) {
        let low = Swift.max(0, -first), high = Swift.min(count, width - first)
        if low < high { (line + low).update(from: row + first + low, count: high - low) }
    }

    /// U = G g Gᵀ for every filter of `weights` (O × C × 3 × 3, row-major) into `u` (16 × O × C).
    static func transformFilters(_ weights: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
                                 into u: UnsafeMutablePointer<Float>) {
        let pairs = outChannels * inChannels
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                let f = weights + (o * inChannels + c) * 9
                // Rows of g (x in lanes 0…2).
                func row(_ a: Int) -> Vector { Vector(f[3 * a], f[3 * a + 1], f[3 * a + 2], 0) }
                let g0 = row(0), g1 = row(1), g2 = row(2)
                let pair = o * inChannels + c
                // Row i of G g, times Gᵀ on the right.
                func put(_ i: Int, _ r: Vector) {
                    let p = u + 4 * i * pairs + pair
                    p[0] = r.x
                    p[pairs] = 0.5 * (r.x + r.y + r.z)
                    p[2 * pairs] = 0.5 * (r.x - r.y + r.z)
                    p[3 * pairs] = r.z
                }
                put(0, g0)
                put(1, 0.5 * (g0 + g1 + g2))
                put(2, 0.5 * (g0 - g1 + g2))
                put(3, g2)
            }
        }
    }

    /// ∂g = Gᵀ ∂U G for every (o, c): `du` (16 × O × C, or 16 × C × O when `inputMajor`) into
    /// `dw` (O × C × 3 × 3).
    static func filterGradient(_ du: UnsafePointer<Float>, outChannels: Int, inChannels: Int, inputMajor: Bool,
                               into dw: UnsafeMutablePointer<Float>) {
        let pairs = outChannels * inChannels
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                let u = du + (inputMajor ? c * outChannels + o : o * inChannels + c)
                // (∂U G) row by row (lanes 0…2 hold b), then Gᵀ on the left.
                func row(_ i: Int) -> Vector {
                    let p = u + 4 * i * pairs
                    let u0 = p[0], u1 = p[pairs], u2 = p[2 * pairs], u3 = p[3 * pairs]
                    return Vector(u0 + 0.5 * (u1 + u2), 0.5 * (u1 - u2), 0.5 * (u1 + u2) + u3, 0)
                }
                let t0 = row(0), t1 = row(1), t2 = row(2), t3 = row(3)
                func put(_ a: Int, _ r: Vector) {
                    let out = dw + (o * inChannels + c) * 9 + 3 * a
                    out[0] = r.x
                    out[1] = r.y
                    out[2] = r.z
                }
                put(0, t0 + 0.5 * (t1 + t2))
                put(1, 0.5 * (t1 - t2))
                put(2, 0.5 * (t1 + t2) + t3)
            }
        }
    }

    /// V = Bᵀ d B for every channel of one sample `x` (C planes of `size`) and every tile of
    /// `block`, into `v` (16 × C × T), the window d of tile (r, c) starting at pixel
    /// (2r + `windowOffset`, 2c + `windowOffset`): −1 for 3×3 kernels, 0 for 5×5 pieces.
    ///
    /// Bᵀ along x once per image row (rows 2·first + w … 2·last + w + 3, zero outside the
    /// image): the row's part goes to a line, line[j] = x[2·left + w + j], and tile k covers
    /// line[2k …< 2k + 4] (d0, d2 even pixels, d1, d3 odd ones); then Bᵀ along y over four such
    /// rows per tile row.
    static func transformInput(_ x: UnsafePointer<Float>, channels: Int, size: Size3, block: Block, windowOffset: Int,
                               into v: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let columns = block.columns.count, count = block.count, position = channels * count
        let line = scratch, transformed = scratch + lineCount(columns), rowStride = 4 * columns
        let first = 2 * block.columns.lowerBound + windowOffset
        line.update(repeating: 0, count: lineCount(columns))
        for c in 0..<channels {
            let plane = x + c * size.y * size.x
            for r in 0..<(2 * block.rows.count + 2) {
                let row = 2 * block.rows.lowerBound + windowOffset + r
                let out = transformed + r * rowStride
                guard row >= 0 && row < size.y else {
                    out.update(repeating: 0, count: rowStride)
                    continue
                }
                copy(plane + row * size.x, width: size.x, first: first, count: 2 * columns + 2, into: line)
                for k in stride(from: 0, to: columns, by: 4) {
                    let left = line.load(SIMD8<Float>.self, at: 2 * k), right = line.load(SIMD8<Float>.self, at: 2 * k + 2)
                    let d0 = left.evenHalf, d1 = left.oddHalf, d2 = right.evenHalf, d3 = right.oddHalf
                    out.store(d0 - d2, at: k)
                    out.store(d1 + d2, at: columns + k)
                    out.store(d2 - d1, at: 2 * columns + k)
                    out.store(d1 - d3, at: 3 * columns + k)
                }
            }
            for tileRow in 0..<block.rows.count {
                for j in 0..<4 {
                    let input = transformed + 2 * tileRow * rowStride + j * columns
                    let out = v + (j * channels + c) * count + tileRow * columns
                    for k in stride(from: 0, to: columns, by: 4) {
                        let d0 = input.load(at: k), d1 = input.load(at: rowStride + k)
                        let d2 = input.load(at: 2 * rowStride + k), d3 = input.load(at: 3 * rowStride + k)
                        out.store(d0 - d2, at: k)
                        out.store(d1 + d2, at: 4 * position + k)
                        out.store(d2 - d1, at: 8 * position + k)
                        out.store(d1 - d3, at: 12 * position + k)
                    }
                }
            }
        }
    }

    /// Y = Aᵀ M A for every channel and tile of `block` in `m` (16 × O × `layout.count`) into
    /// one sample `y` (O planes of `size`), then + bias and max(0, ·) if `relu`.
    static func transformOutput(_ m: UnsafePointer<Float>, channels: Int, size: Size3, block: Block, layout: TileLayout,
                                bias: UnsafePointer<Float>?, relu: Bool,
                                into y: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let columns = block.columns.count, count = layout.count, step = 4 * channels * count
        let line = scratch, half = scratch + lineCount(columns), left = 2 * block.columns.lowerBound
        for o in 0..<channels {
            let plane = y + o * size.y * size.x
            let b = Vector(repeating: bias?[o] ?? 0)
            for tileRow in 0..<block.rows.count {
                // Aᵀ along y: half[i][j] (2 × 4 lines of tiles).
                for j in 0..<4 {
                    let input = m + (j * channels + o) * count + layout.origin + tileRow * layout.rowStride
                    let top = half + j * columns, bottom = half + (4 + j) * columns
                    for k in stride(from: 0, to: columns, by: 4) {
                        let m1 = input.load(at: step + k), m2 = input.load(at: 2 * step + k)
                        top.store(input.load(at: k) + m1 + m2, at: k)
                        bottom.store(m1 - m2 - input.load(at: 3 * step + k), at: k)
                    }
                }
                // Aᵀ along x, the two outputs of each tile side by side, + bias, then max(0, ·)
                // (NaN → 0, as Swift.max); the last partial vector of a row goes through `line`.
                for i in 0..<2 {
                    let row = 2 * (block.rows.lowerBound + tileRow) + i
                    guard row < size.y else { break }
                    let input = half + 4 * i * columns, destination = plane + row * size.x + left, width = size.x - left
                    for k in stride(from: 0, to: columns, by: 4) {
                        let m1 = input.load(at: columns + k), m2 = input.load(at: 2 * columns + k)
                        let even = input.load(at: k) + m1 + m2, odd = m1 - m2 - input.load(at: 3 * columns + k)
                        var first = Vector(even.x, odd.x, even.y, odd.y) + b, second = Vector(even.z, odd.z, even.w, odd.w) + b
                        if relu {
                            first = Vector.zero.replacing(with: first, where: first .>= 0)
                            second = Vector.zero.replacing(with: second, where: second .>= 0)
                        }
                        if 2 * k + 8 <= width {
                            destination.store(first, at: 2 * k)
                            destination.store(second, at: 2 * k + 4)
                        } else {
                            line.store(first, at: 2 * k)
                            line.store(second, at: 2 * k + 4)
                            if 2 * k < width { (destination + 2 * k).update(from: line + 2 * k, count: width - 2 * k) }
                        }
                    }
                }
            }
        }
    }

    /// ∂M = A ∂Y Aᵀ for every channel of one sample `dy` (O planes of `size`) and every tile
    /// of `block`, into `dm` (16 × O × `layout.count`; other tiles untouched).
    ///
    /// A along x once per image row (the row's part in a line zero past the image; tile k
    /// covers line[2k], line[2k + 1]), then A along y over the two rows of each tile row (zero
    /// below the image).
    static func transformGradient(_ dy: UnsafePointer<Float>, channels: Int, size: Size3, block: Block, layout: TileLayout,
                                  into dm: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let columns = block.columns.count, count = layout.count, position = channels * count
        let line = scratch, transformed = scratch + lineCount(columns), rowStride = 4 * columns
        line.update(repeating: 0, count: lineCount(columns))
        for o in 0..<channels {
            let plane = dy + o * size.y * size.x
            for r in 0..<(2 * block.rows.count) {
                let row = 2 * block.rows.lowerBound + r
                let out = transformed + r * rowStride
                guard row < size.y else {
                    out.update(repeating: 0, count: rowStride)
                    continue
                }
                copy(plane + row * size.x, width: size.x, first: 2 * block.columns.lowerBound, count: 2 * columns, into: line)
                for k in stride(from: 0, to: columns, by: 4) {
                    let pixels = line.load(SIMD8<Float>.self, at: 2 * k)
                    let d0 = pixels.evenHalf, d1 = pixels.oddHalf
                    out.store(d0, at: k)
                    out.store(d0 + d1, at: columns + k)
                    out.store(d0 - d1, at: 2 * columns + k)
                    out.store(-d1, at: 3 * columns + k)
                }
            }
            for tileRow in 0..<block.rows.count {
                for j in 0..<4 {
                    let input = transformed + 2 * tileRow * rowStride + j * columns
                    let out = dm + (j * channels + o) * count + layout.origin + tileRow * layout.rowStride
                    for k in stride(from: 0, to: columns, by: 4) {
                        let d0 = input.load(at: k), d1 = input.load(at: rowStride + k)
                        out.store(d0, at: k)
                        out.store(d0 + d1, at: 4 * position + k)
                        out.store(d0 - d1, at: 8 * position + k)
                        out.store(-d1, at: 12 * position + k)
                    }
                }
            }
        }
    }
}
