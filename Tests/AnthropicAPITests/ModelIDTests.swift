import Testing
import AnthropicAPI

@Suite struct ModelIDTests {
    @Test(arguments: [
        ("claude-opus-4-7", "claude-opus-4-7", true),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", true),
        ("claude-3-7-sonnet-latest", "claude-3-7-sonnet", true),
        ("claude-opus-4-0", "claude-opus-4", true),
        ("claude-opus-4-0-20250514", "claude-opus-4", true),
        ("claude-opus-4-20250514", "claude-opus-4", true),
        ("claude-opus-4-9", "claude-opus-4", false),
        ("claude-opus-4-9-20270101", "claude-opus-4", false),
        ("claude-opus-45", "claude-opus-4", false),
        ("claude-opus-4-2025", "claude-opus-4", false),
        ("claude-sonnet-4-5", "claude-opus-4", false),
    ])
    func anIdNamesItsModelWithASnapshotDateLatestOrZero(model: String, id: String, names: Bool) {
        #expect(ModelID.names(model, id) == names)
    }
}
