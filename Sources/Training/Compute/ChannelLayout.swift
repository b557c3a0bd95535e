import CDNNL

/// Where a tensor's channels lie in memory. `Tensor`'s shape is always (n, c, [z,] y, x); the
/// layout says in which order its elements are stored:
/// - `channelsFirst`: (n, c, [z,] y, x) row-major, x fastest (NCHW / NCDHW), the layout every
///   layer reads and writes unless told otherwise;
/// - `channelsLast`: (n, [z,] y, x, c), the channels of one pixel side by side (NHWC / NDHWC).
///   oneDNN's convolutions read and write it directly, as TensorFlow's tensors hold it, so a
///   network whose layers between convolutions all accept it (RCAN's) skips the conversions
///   to and from oneDNN's blocked layouts. A z slab of one sample is then contiguous.
///
/// The layouts agree when there is one channel.
public enum ChannelLayout: Sendable {
    case channelsFirst, channelsLast

    /// oneDNN's tag for a tensor of `rank` axes in this layout.
    func oneDNNTag(rank: Int) -> dnnl_format_tag_t {
        switch (self, rank) {
        case (.channelsFirst, 4): return dnnl_abcd
        case (.channelsFirst, _): return dnnl_abcde
        case (.channelsLast, 4): return dnnl_acdb
        case (.channelsLast, _): return dnnl_acdeb
        }
    }
}
