enum _PlaceholderMockClaude {}
