/// A 2-D 3×3 or 5×5 kernel as a sum of 3×3 pieces, each run through Winograd's F(2×2, 3×3).
///
/// Along one axis, the 4-pixel window of tile k (outputs 2k and 2k + 1) starts at pixel
/// 2(k + s) + w for a piece with tile shift s, and F(2, 3) adds h[a]·x[p + 2s + w + a] to
/// output p, so the piece's tap a is the kernel's tap r = 2s + w + a + ⌊K/2⌋:
///
/// - 3×3: one piece, s = 0 and w = −1 (r = a), the usual F(2×2, 3×3);
/// - 5×5: four pieces, s ∈ {−1, 0} per axis and w = 0, taps r = a (s = −1) and r = a + 2
///   (s = 0); the tap r = 2 that both reach belongs to the s = −1 piece only.
///
/// All pieces read the same transformed windows (even starts for 5×5), one tile row above or
/// one tile column left of the tile they compute, so the input is transformed once and each
/// piece is 16 more products over shifted tiles: 4 × 16 multiply-adds per 4 output pixels
/// and channel pair, 16 per pixel against 25 for the direct sum, at F(2×2, 3×3)'s accuracy
/// (transforms with entries 0, ±1, ±½). A block's products run on its tiles plus a halo of
/// one tile row above and four tile columns to the left (four keeps rows a multiple of 4 for
/// the SIMD transforms).
struct WinogradKernel: Sendable {
    /// K (3 or 5).
    let size: Int
    /// Tile shifts (y, x) of the pieces, in the order their products run.
    let shifts: [(y: Int, x: Int)]
    /// w: where the window of tile k starts, relative to pixel 2k.
    let windowOffset: Int
    /// Halo of a block: tile rows above and tile columns to the left.
    let haloRows: Int
    let haloColumns: Int

    /// The pieces of a 2-D 3×3 or 5×5 kernel; nil for other kernels.
    init?(kernelSize: [Int]) {
        switch kernelSize {
        case [3, 3]:
            (size, shifts, windowOffset, haloRows, haloColumns) = (3, [(0, 0)], -1, 0, 0)
        case [5, 5]:
            (size, shifts, windowOffset, haloRows, haloColumns) = (5, [(-1, -1), (-1, 0), (0, -1), (0, 0)], 0, 1, 4)
        default:
            return nil
        }
    }

    var pieces: Int { shifts.count }

    /// Products run per direct multiply-add: 16 per piece and 4 output pixels over K².
    var multiplyAddShare: Double { Double(16 * pieces) / Double(4 * size * size) }

    /// The kernel tap of piece tap `a` (0…2) along one axis for tile shift `s`, or nil where
    /// the piece with shift s − 1 has it (pieces one tile apart share exactly their edge tap;
    /// the shifts are the same along y and x, the first piece's the smallest).
    private func tap(_ a: Int, shift s: Int) -> Int? {
        if s > shifts[0].y && a == 0 { return nil }
        return 2 * s + windowOffset + a + size / 2
    }

    /// Calls `body(piece, a, b, r, c)` for every tap (a, b) of every piece that holds kernel
    /// tap (r, c); every kernel tap is visited exactly once.
    private func forEachTap(_ body: (Int, Int, Int, Int, Int) -> Void) {
        for (piece, shift) in shifts.enumerated() {
            for a in 0..<3 {
                guard let r = tap(a, shift: shift.y) else { continue }
                for b in 0..<3 {
                    guard let c = tap(b, shift: shift.x) else { continue }
                    body(piece, a, b, r, c)
                }
            }
        }
    }

    /// The pieces' 3×3 filters (pieces × O × C × 3 × 3, zero where another piece holds the
    /// tap) of `weights` (O × C × K × K).
    func pieceFilters(_ weights: UnsafePointer<Float>, pairs: Int) -> [Float] {
        var filters = [Float](repeating: 0, count: pieces * pairs * 9)
        forEachTap { piece, a, b, r, c in
            for pair in 0..<pairs {
                filters[(piece * pairs + pair) * 9 + 3 * a + b] = weights[pair * size * size + r * size + c]
            }
        }
        return filters
    }

    /// ∂w (O × C × K × K) from the pieces' filter gradients (pieces × O × C × 3 × 3): the
    /// adjoint of `pieceFilters`.
    func kernelGradient(_ pieceGradients: [Float], pairs: Int) -> [Float] {
        var gradient = [Float](repeating: 0, count: pairs * size * size)
        forEachTap { piece, a, b, r, c in
            for pair in 0..<pairs {
                gradient[pair * size * size + r * size + c] = pieceGradients[(piece * pairs + pair) * 9 + 3 * a + b]
            }
        }
        return gradient
    }

    /// The tiles whose transformed windows the pieces of `block` read: the block and its halo.
    func extended(_ block: Winograd.Block) -> Winograd.Block {
        Winograd.Block(rows: (block.rows.lowerBound - haloRows) ..< block.rows.upperBound,
                       columns: (block.columns.lowerBound - haloColumns) ..< block.columns.upperBound)
    }

    /// Where `block`'s own tiles lie among the tiles of `extended(block)`.
    func layout(_ block: Winograd.Block) -> Winograd.TileLayout {
        let rowStride = block.columns.count + haloColumns
        return Winograd.TileLayout(origin: haloRows * rowStride + haloColumns, rowStride: rowStride,
                                   count: rowStride * (block.rows.count + haloRows))
    }

    /// The offset of piece `piece`'s windows from the tile it computes, in tiles of `layout`.
    func offset(_ piece: Int, _ layout: Winograd.TileLayout) -> Int { shifts[piece].y * layout.rowStride + shifts[piece].x }

    /// The first tile whose products every piece can form (earlier tiles would read before the
    /// extended block; they are halo, never written out).
    func firstTile(_ layout: Winograd.TileLayout) -> Int { -(0..<pieces).map { offset($0, layout) }.min()! }
}
