import FluoCore
import Foundation

/// Where a sample's objects live: the grid and, optionally, the cell outline drawn for it.
public struct PhantomField: Sendable {
    public let grid: PhantomGrid
    /// The cell outline, if the phantom has one.
    public let cell: Ellipsoid?
    /// Fraction of each voxel inside the cell (x fastest); `nil` without a cell.
    public let cellCoverage: [Float]?
    /// Area (2-D, µm²) or volume (3-D, µm³) of the region objects are placed in: the part of
    /// the cell inside the field, or the whole field. Densities are per unit of this measure.
    public let measure: Double

    public init(grid: PhantomGrid, cell: Ellipsoid? = nil) {
        self.grid = grid
        self.cell = cell
        if let cell {
            var coverage = VoxelAccumulator(grid: grid)
            let rasteriser = EllipsoidRasteriser(grid: grid)
            if var block = rasteriser.block(for: cell) {
                rasteriser.add(cell, density: 1 / grid.voxelMeasure, measure: .inside, into: &block)
                coverage.add(block)
            }
            cellCoverage = coverage.data
            measure = coverage.data.reduce(0.0) { $0 + Double($1) } * grid.voxelMeasure
        } else {
            cellCoverage = nil
            measure = grid.fieldMeasure
        }
    }

    /// The centre of the region: the cell's centre or the field's.
    public var centerUm: PositionUm { cell?.centerUm ?? grid.centerUm }

    /// Whether `position` is in the field and inside the cell (if any).
    public func contains(_ position: PositionUm) -> Bool {
        grid.contains(position) && (cell?.contains(position) ?? true)
    }

    /// A point drawn uniformly from the region (rejection from the field's box), with z = 0
    /// in 2-D; `shrink` < 1 draws from the region scaled by that factor about its centre.
    public func uniformPoint(_ stream: inout RandomStream, shrink: Double = 1) -> PositionUm {
        let low = grid.lowerCornerUm, high = grid.upperCornerUm
        for _ in 0..<10_000 {
            let candidate = PositionUm(stream.uniform(low[0], high[0]), stream.uniform(low[1], high[1]),
                                       stream.uniform(low[2], high[2]))
            let point = centerUm + shrink * (candidate - centerUm)
            if contains(candidate) { return point }
        }
        return centerUm
    }

    /// A unit vector drawn uniformly: in the (y, x) plane in 2-D, on the sphere in 3-D.
    public func randomDirection(_ stream: inout RandomStream) -> PositionUm {
        if grid.rank == 2 {
            let angle = stream.uniform(0, 2 * Double.pi)
            return PositionUm(0, Foundation.sin(angle), Foundation.cos(angle))
        }
        let z = stream.uniform(-1, 1), angle = stream.uniform(0, 2 * Double.pi)
        let r = Swift.max(0, 1 - z * z).squareRoot()
        return PositionUm(z, r * Foundation.sin(angle), r * Foundation.cos(angle))
    }

    /// Removes everything outside the cell from `volume` (voxels on the outline keep the
    /// fraction of them inside).
    func applyMask(to volume: inout Volume) {
        guard let cellCoverage else { return }
        for index in volume.data.indices { volume.data[index] *= cellCoverage[index] }
    }
}

