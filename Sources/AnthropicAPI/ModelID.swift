/// How model ids name a model: its own id, or that id with a snapshot date
/// (`claude-sonnet-4-5-20250929`), `-latest`, or the `-0` of a whole version
/// (`claude-opus-4-0`, `claude-opus-4-0-20250514`). Another number after it is
/// another model: `claude-opus-4-9` is not Opus 4.
public enum ModelID {
    /// Whether `model` names the model whose id is `id`.
    public static func names(_ model: String, _ id: String) -> Bool {
        guard model.hasPrefix(id) else { return false }
        let parts = model.dropFirst(id.count).split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1 { return parts[0].isEmpty }
        guard parts[0].isEmpty else { return false }
        let rest = parts.dropFirst()
        let dated = rest.first == "0" ? rest.dropFirst() : rest
        guard let last = dated.first else { return true }
        return dated.count == 1 && (last == "latest" || (last.count == 8 && last.allSatisfy(\.isNumber)))
    }
}
