extension Sequence where Element == Int {
    /// The product of the (non-negative) elements, or `Int.max` where it would overflow: sizes
    /// read from a hostile file or spec are then refused by any limit, never wrapped round to a
    /// small number or trapped on.
    public var saturatingProduct: Int {
        reduce(1) { total, factor in
            let (value, overflow) = total.multipliedReportingOverflow(by: factor)
            return overflow ? Int.max : value
        }
    }
}

extension Int {
    /// `self × factor`, or `Int.max` where it would overflow.
    public func saturatingProduct(with factor: Int) -> Int { [self, factor].saturatingProduct }
}
