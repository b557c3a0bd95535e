import DataIO
import FluoCore

/// Pictures of a stage's image on one physical scale: a 2-D image as it is; a stack as its
/// z-plane and XZ section through the profile line (and, where asked, its maximum
/// projection). Each picture is stretched between its own 0.1 and 99.9 percentiles, as the
/// dataset previews are, and carries the profile line and a scale bar.
struct StageViews {
    let line: ProfileLine
    /// Display scale in CSS pixels per µm.
    let pixelsPerUm: Double

    /// The file name (without extension) of stage `index`'s pictures.
    static func name(of stage: TracedStage, index: Int) -> String {
        "stage-\(index)-" + stage.name.replacingOccurrences(of: " ", with: "-")
    }

    /// The figures of `image` (a stage's, or a layer on its grid), files named `<name>…png`.
    func figures(of image: Volume, grid: SampleGrid, name: String, caption: String, projection: Bool = false) -> [PageFigure] {
        guard image.rank == 3 else {
            return [figure(image, grid: grid, rows: 0, name: name + ".png", caption: caption)]
        }
        var figures = [
            figure(image, grid: grid, rows: 1, name: name + "-xy.png",
                   caption: caption + " — plane z = \(HTML.um(grid.positionUm(grid.nearestIndex(line.centreUm[0], axis: 0), axis: 0)))"),
            figure(image, grid: grid, rows: 0, name: name + "-xz.png",
                   caption: "XZ section at y = \(HTML.um(grid.positionUm(grid.nearestIndex(line.centreUm[1], axis: 1), axis: 1)))"),
        ]
        if projection {
            figures.append(figure(image, grid: grid, rows: 1, name: name + "-mip.png", caption: "maximum-intensity projection along z",
                                  projected: true))
        }
        return figures
    }

    /// A picture of the window of `image` within `halfWidthUm` of the line's centre, in the
    /// plane of axes `rows` and x (for a stack, rows 0 gives the XZ section, 1 the z-plane).
    func zoom(of image: Volume, grid: SampleGrid, rows: Int, halfWidthUm: Double, name: String, caption: String,
              displayWidth: Double) -> PageFigure {
        var figure = self.figure(image, grid: grid, rows: rows, name: name, caption: caption, halfWidthUm: halfWidthUm)
        figure.displayWidth = displayWidth
        return figure
    }

    /// The picture of the plane of `image` spanned by axes `rows` and x through the line
    /// (the whole plane, or the window within `halfWidthUm` of the line's centre), or of a
    /// stack's maximum projection along z.
    private func figure(_ image: Volume, grid: SampleGrid, rows: Int, name: String, caption: String,
                        halfWidthUm: Double? = nil, projected: Bool = false) -> PageFigure {
        let columns = image.rank - 1
        var view = image
        if projected {
            view = Preview.projection(image)
        } else if image.rank == 3 {
            let cut = rows == 0 ? 1 : 0
            view = image.section(axis: cut, at: grid.nearestIndex(line.centreUm[cut], axis: cut))
        }
        var first = [0, 0]
        if let halfWidthUm {
            let centre = [grid.nearestIndex(line.centreUm[rows], axis: rows), grid.nearestIndex(line.centreUm[columns], axis: columns)]
            (view, first) = view.window(around: centre, halfWidthUm: [halfWidthUm, halfWidthUm])
        }
        let x0 = grid.positionUm(first[1], axis: columns) - grid.spacingUm[columns] / 2
        let y0 = grid.positionUm(first[0], axis: rows) - grid.spacingUm[rows] / 2
        let extent = PageFigure.Extent(x: x0, y: y0, width: Double(view.shape[1]) * grid.spacingUm[columns],
                                       height: Double(view.shape[0]) * grid.spacingUm[rows])
        var overlay: [String] = []
        // The line lies in this view where it runs along one of the view's axes.
        if line.axis == columns || line.axis == rows {
            let (start, end) = line.endsUm
            overlay.append(PageFigure.line(from: (start[columns], start[rows]), to: (end[columns], end[rows])))
        } else {
            // The line crosses this view (an XZ section of a line along y): mark where.
            let radius = 0.03 * Swift.max(extent.width, extent.height)
            overlay.append(PageFigure.ellipse(centre: (line.centreUm[columns], line.centreUm[rows]), rx: radius, ry: radius,
                                              colour: PageFigure.lineColour))
        }
        return PageFigure(name: name, image: Preview.image(channels: [view]), extent: extent,
                          displayWidth: extent.width * pixelsPerUm, overlay: overlay, caption: caption)
    }
}
