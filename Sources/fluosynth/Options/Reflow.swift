/// Discussion text as ArgumentParser should wrap it: the lines of each prose paragraph joined
/// into one, since ArgumentParser keeps every line break and a hand-wrapped line longer than
/// its width would break mid-phrase. Blank lines, indented lines (examples, continuations),
/// list items (`- `), `Example…` headings and the line after one ending in `:` keep their breaks.
func reflowed(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let startsBlock = line.isEmpty || line.hasPrefix(" ") || line.hasPrefix("- ") || line.hasPrefix("Example")
        if let last = lines.last, !startsBlock, !last.isEmpty, !last.hasPrefix(" "), !last.hasSuffix(":") {
            lines[lines.count - 1] = last + " " + line
        } else {
            lines.append(line)
        }
    }
    return lines.joined(separator: "\n")
}
