import CDNNL

/// oneDNN (Debian's `libdnnl`, the library TensorFlow-CPU runs its convolutions on): the CPU
/// engine, and owning wrappers of its memory descriptors, memory objects and primitives.
///
/// oneDNN's CPU runtime on Debian is OpenMP: a primitive splits its work for the OpenMP team
/// size of the thread that creates it (part of the primitive's identity in oneDNN's cache)
/// and runs on that thread's team. `setThreads` fixes that size before every creation and
/// execution, so a primitive runs on exactly the threads its caller asked for.
enum OneDNN {
    /// The process's CPU engine.
    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0), "creating the CPU engine")
        return engine!
    }()

    /// Stops with oneDNN's status when a call fails: every call here is on descriptors this
    /// code built, so a failure is a programming error, never bad user input.
    static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
        precondition(status == dnnl_success, "oneDNN: \(what()) failed (status \(status.rawValue))")
    }

    /// Sets the OpenMP team size of the calling thread, which the next primitive it creates
    /// or runs uses.
    static func setThreads(_ threads: Int) { omp_set_num_threads(Int32(threads)) }

    /// Copies `source` into `destination`, converting between their layouts (a no-op when the
    /// descriptors are equal and the memory is the same).
    static func reorder(_ source: Memory, into destination: Memory) {
        var descriptor: dnnl_primitive_desc_t?
        withUnsafePointer(to: source.descriptor.raw) { from in
            withUnsafePointer(to: destination.descriptor.raw) { to in
                check(dnnl_reorder_primitive_desc_create(&descriptor, from, engine, to, engine, nil), "creating a reorder")
            }
        }
        let primitive = Primitive(PrimitiveDescriptor(owning: descriptor!))
        primitive.execute([(DNNL_ARG_FROM, source), (DNNL_ARG_TO, destination)])
    }

    /// The layout of a memory descriptor.
    struct Descriptor: Equatable {
        var raw: dnnl_memory_desc_t

        /// f32 data of `shape` in `layout` (`dnnl_format_tag_any` lets a primitive choose).
        init(shape: [Int], layout: dnnl_format_tag_t) {
            raw = dnnl_memory_desc_t()
            var dims = shape.map(Int64.init)
            check(dnnl_memory_desc_init_by_tag(&raw, Int32(shape.count), &dims, dnnl_f32, layout), "describing \(shape)")
        }

        /// f32 data of `shape` with element `strides` per axis.
        init(shape: [Int], strides: [Int]) {
            raw = dnnl_memory_desc_t()
            var dims = shape.map(Int64.init), strides = strides.map(Int64.init)
            check(dnnl_memory_desc_init_by_strides(&raw, Int32(shape.count), &dims, dnnl_f32, &strides), "describing \(shape), strides \(strides)")
        }

        init(raw: dnnl_memory_desc_t) { self.raw = raw }

        /// Row-major ("plain") f32 data of `shape`: n, c, [d,] h, w for activations, o, i,
        /// [d,] h, w for weights, x for biases, as FluoSynth's tensors and parameters hold it.
        static func plain(_ shape: [Int]) -> Descriptor {
            let tags: [Int: dnnl_format_tag_t] = [1: dnnl_a, 2: dnnl_ab, 4: dnnl_abcd, 5: dnnl_abcde]
            return Descriptor(shape: shape, layout: tags[shape.count]!)
        }

        /// Bytes of memory in this layout (blocked layouts pad channels to the block size).
        var byteCount: Int { withUnsafePointer(to: raw) { dnnl_memory_desc_get_size($0) } }

        static func == (a: Descriptor, b: Descriptor) -> Bool {
            withUnsafePointer(to: a.raw) { a in withUnsafePointer(to: b.raw) { b in dnnl_memory_desc_equal(a, b) != 0 } }
        }
    }

    /// A memory object: a descriptor over a buffer this code owns.
    final class Memory {
        let handle: dnnl_memory_t
        let descriptor: Descriptor

        /// Memory over `pointer`, which must outlive this object.
        init(_ descriptor: Descriptor, pointer: UnsafeMutableRawPointer) {
            self.descriptor = descriptor
            var handle: dnnl_memory_t?
            withUnsafePointer(to: descriptor.raw) { check(dnnl_memory_create(&handle, $0, engine, pointer), "wrapping a buffer") }
            self.handle = handle!
        }

        deinit { dnnl_memory_destroy(handle) }
    }

    /// A primitive's attributes: the scratchpad the caller passes (so one primitive can run
    /// on several threads at once, each with its own), and an optional ReLU on its output.
    final class Attributes {
        let handle: dnnl_primitive_attr_t

        init(relu: Bool = false) {
            var handle: dnnl_primitive_attr_t?
            check(dnnl_primitive_attr_create(&handle), "creating attributes")
            self.handle = handle!
            check(dnnl_primitive_attr_set_scratchpad_mode(handle!, dnnl_scratchpad_mode_user), "setting the scratchpad mode")
            guard relu else { return }
            var postOperations: dnnl_post_ops_t?
            check(dnnl_post_ops_create(&postOperations), "creating post-operations")
            defer { dnnl_post_ops_destroy(postOperations) }
            check(dnnl_post_ops_append_eltwise(postOperations, 1, dnnl_eltwise_relu, 0, 0), "appending a ReLU")
            check(dnnl_primitive_attr_set_post_ops(handle, postOperations), "setting post-operations")
        }

        deinit { dnnl_primitive_attr_destroy(handle) }
    }

    /// A primitive descriptor: an operation with the layouts and implementation oneDNN chose.
    final class PrimitiveDescriptor {
        let handle: dnnl_primitive_desc_t

        init(owning handle: dnnl_primitive_desc_t) { self.handle = handle }

        /// Creates the descriptor of operation `operation` (a `dnnl_*_desc_t`), with
        /// post-operations `attributes` and a forward descriptor `hint` for backward passes.
        init<Operation>(_ operation: Operation, attributes: Attributes = Attributes(), hint: PrimitiveDescriptor? = nil) {
            var handle: dnnl_primitive_desc_t?
            withUnsafePointer(to: operation) {
                check(dnnl_primitive_desc_create(&handle, UnsafeRawPointer($0), attributes.handle, engine, hint?.handle),
                      "creating a primitive descriptor")
            }
            self.handle = handle!
        }

        deinit { dnnl_primitive_desc_destroy(handle) }

        /// The layout the primitive chose for one of its arguments (e.g. `dnnl_query_src_md`;
        /// `index` 1 of the weights is the bias).
        func descriptor(_ query: dnnl_query_t, index: Int = 0) -> Descriptor {
            Descriptor(raw: dnnl_primitive_desc_query_md(handle, query, Int32(index))!.pointee)
        }

        /// oneDNN's name of the implementation, e.g. "jit:avx512_core".
        var implementation: String {
            var name: UnsafePointer<CChar>?
            check(dnnl_primitive_desc_query(handle, dnnl_query_impl_info_str, 0, &name), "querying the implementation")
            return String(cString: name!)
        }
    }

    /// An executable primitive.
    final class Primitive {
        let handle: dnnl_primitive_t

        init(_ descriptor: PrimitiveDescriptor) {
            var handle: dnnl_primitive_t?
            check(dnnl_primitive_create(&handle, descriptor.handle), "creating a primitive")
            self.handle = handle!
        }

        deinit { dnnl_primitive_destroy(handle) }

        /// Runs the primitive on the calling thread's OpenMP team and waits for it.
        func execute(_ arguments: [(Int32, Memory)]) {
            var stream: dnnl_stream_t?
            check(dnnl_stream_create(&stream, OneDNN.engine, UInt32(dnnl_stream_default_flags.rawValue)), "creating a stream")
            defer { dnnl_stream_destroy(stream) }
            let arguments = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1.handle) }
            check(dnnl_primitive_execute(handle, stream, Int32(arguments.count), arguments), "executing a primitive")
            check(dnnl_stream_wait(stream), "waiting for a stream")
        }
    }
}
