import Foundation

/// Percentiles with NumPy's default linear interpolation: for q in [0, 100], the value at
/// rank h = q/100·(n − 1) of the sorted data, interpolated between ⌊h⌋ and ⌈h⌉.
public enum Percentile {
    public static func values(_ data: [Float], _ percentiles: [Double]) -> [Double] {
        precondition(!data.isEmpty, "Percentile: no data")
        var work = data
        return percentiles.map { q in
            let h = q / 100 * Double(work.count - 1)
            let below = Int(h.rounded(.down)), above = Swift.min(below + 1, work.count - 1)
            let a = Double(select(&work, below)), b = Double(select(&work, above))
            return a + (h - Double(below)) * (b - a)
        }
    }

    /// The k-th smallest element (Hoare's quickselect with a median-of-three pivot); reorders `data`.
    @usableFromInline static func select(_ data: inout [Float], _ k: Int) -> Float {
        data.withUnsafeMutableBufferPointer { a in
            var low = 0, high = a.count - 1
            while high > low {
                let middle = (low + high) / 2
                if a[middle] < a[low] { a.swapAt(middle, low) }
                if a[high] < a[low] { a.swapAt(high, low) }
                if a[high] < a[middle] { a.swapAt(high, middle) }
                let pivot = a[middle]
                var i = low, j = high
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while a[j] > pivot { j -= 1 }
                    if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { high = j } else if k >= i { low = i } else { return a[k] }
            }
            return a[k]
        }
    }
}
