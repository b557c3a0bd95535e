import Yams

/// Deep merge of YAML mappings for conditions: a condition writes only what differs.
enum NodeMerge {
    /// `override` laid over `base`: mappings merge key by key (recursively); anything else,
    /// and a mapping whose `model`/`kind` differs from the base's, replaces the base.
    static func merge(_ base: Node?, _ override: Node?) -> Node? {
        guard let override else { return base }
        guard let base, case let .mapping(baseMapping) = base, case let .mapping(overrideMapping) = override else {
            return override
        }
        for discriminator in ["model", "kind"] {
            if let a = baseMapping[discriminator]?.string, let b = overrideMapping[discriminator]?.string, a != b { return override }
        }
        var pairs: [(Node, Node)] = baseMapping.map { ($0.key, $0.value) }
        for (key, value) in overrideMapping {
            if let index = pairs.firstIndex(where: { $0.0.string == key.string }) {
                pairs[index].1 = merge(pairs[index].1, value) ?? value
            } else {
                pairs.append((key, value))
            }
        }
        var merged = Node.Mapping(pairs, overrideMapping.tag, overrideMapping.style)
        merged.mark = overrideMapping.mark
        return .mapping(merged)
    }

    /// The root with every entry of `conditions` completed from the top-level `optics` and
    /// `acquisition`.
    static func completingConditions(_ root: Node) -> Node {
        guard case var .mapping(mapping) = root, case let .sequence(conditions)? = mapping["conditions"] else { return root }
        let baseOptics = mapping["optics"], baseAcquisition = mapping["acquisition"]
        let completed = conditions.map { condition -> Node in
            guard case let .mapping(entry) = condition else { return condition }
            var pairs: [(Node, Node)] = entry.map { ($0.key, $0.value) }
            for (key, base) in [("optics", baseOptics), ("acquisition", baseAcquisition)] {
                guard let base else { continue }
                if let index = pairs.firstIndex(where: { $0.0.string == key }) {
                    pairs[index].1 = merge(base, pairs[index].1) ?? base
                } else {
                    pairs.append((Node(key), base))
                }
            }
            var merged = Node.Mapping(pairs, entry.tag, entry.style)
            merged.mark = entry.mark
            return .mapping(merged)
        }
        var sequence = Node.Sequence(completed, conditions.tag, conditions.style)
        sequence.mark = conditions.mark
        mapping["conditions"] = .sequence(sequence)
        return .mapping(mapping)
    }
}
