import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Workflows

/// generate sizes its parallelism to memory and refuses what cannot fit, before any work.
@Suite struct GenerationBudgetTests {
    static func plan(_ example: String) throws -> GenerationPlan {
        try Generator.plan(GenerateOptions(specPath: TestPaths.packageRoot + "/Examples/\(example).yaml"))
    }

    @Test func workersFitTheMemory() throws {
        let plan = try Self.plan("denoise-3d")
        // 24×96×96 voxels, 2 channels, GT and 2 conditions: 2 × 221184 × (4·3 + 16·8) bytes.
        #expect(plan.bytesPerSample == 2 * 24 * 96 * 96 * (4 * 3 + 16 * 8))
        #expect(try plan.workers(threads: 8, availableBytes: plan.bytesPerSample * 3 + 1) == 3)
        #expect(try plan.workers(threads: 2, availableBytes: plan.bytesPerSample * 100) == 2)
        #expect(try plan.workers(threads: 4, availableBytes: nil) == 4)
        #expect(throws: WorkflowError.self) { try plan.workers(threads: 1, availableBytes: plan.bytesPerSample - 1) }
        // 12 samples as float32 TIFF and npz (the default formats).
        #expect(plan.bytesOnDisk(samples: 12) == 12 * 2 * 24 * 96 * 96 * 4 * 3 * 2)
        // Estimates that would overflow saturate, so they are refused rather than wrapped.
        #expect(plan.bytesOnDisk(samples: Int.max / 2) == Int.max && [1 << 40, 1 << 40].saturatingProduct == Int.max)
    }

    @Test func memoryBudgetIsReadOnLinux() {
        let available = MemoryBudget.availableBytes
        #expect(available.map { $0 > 1 << 26 } ?? true, "available \(String(describing: available))")
        #expect(MemoryBudget.describe(3 << 29) == "1.5 GiB" && MemoryBudget.describe(320 << 20) == "320 MiB")
    }
}
