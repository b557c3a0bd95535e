import FluoCore

/// Where a `Trainer` gets its batches: a `PatchSampler` over pairs in memory, or pairs made
/// while training runs (`fluosynth train SPEC.yaml`). A batch depends only on the stream and
/// the step, so a run can be resumed and repeated.
public protocol BatchSource {
    /// Fills `tensors` (inputs, targets) with `size` patches for `step`.
    func batch(step: Int, size: Int, stream: RandomStream, into tensors: (x: Tensor, y: Tensor)) throws
    /// Pairs whose foreground filter left no patch (drawn anywhere instead), for a note.
    var pairsWithoutForeground: Int { get }
}
