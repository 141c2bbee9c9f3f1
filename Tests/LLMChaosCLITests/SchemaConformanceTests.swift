import Foundation
import TestSupport
import Testing

/// `llmchaos schema` checked by the reference implementation of JSON Schema
/// (Python `jsonschema`, in `.venv-test`): the shipped scenarios conform, and files
/// `validate` refuses are refused by the schema too — the schema that editors use
/// and the rules the tool applies cannot drift apart unnoticed.
///
/// Skipped without `.venv-test` — unless `LLMCHAOS_REQUIRE_TOOLS=1`, as in CI.
@Suite struct SchemaConformanceTests {
    static let python: String? = [CLIProcess.root.appendingPathComponent(".venv-test/bin/python").path]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["LLMCHAOS_REQUIRE_TOOLS"] == "1"

    /// Each breaks one rule that both `validate` and the schema know.
    static let broken = [
        "two-faults-in-one": "name: a\nduration: 1m\nfaults:\n  - { inject: { status: 503, overloaded: {} } }\n",
        "unknown-key": "name: a\nduration: 1m\nloads: { arrival: { rate: 1/s } }\n",
        "unknown-expectation": "name: a\nduration: 1m\nexpect:\n  - sloo: { p99: 1s }\n",
        "bad-jitter": "name: a\nduration: 1m\npipeline: { retry: { jitter: some } }\n",
        "no-duration": "name: a\n",
    ]

    @Test(.enabled(if: python != nil || required, "no .venv-test: run scripts/setup-test-tools"), .timeLimit(.minutes(2)))
    func theShippedScenariosConformAndBrokenOnesDoNot() async throws {
        let python = try #require(Self.python, "LLMCHAOS_REQUIRE_TOOLS=1 but no .venv-test/bin/python: run scripts/setup-test-tools")
        let directory = NSTemporaryDirectory() + "llmchaos-schema-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let schema = try await CLIProcess.run(["schema"])
        #expect(schema.status == 0)
        try schema.out.write(toFile: "\(directory)/schema.json", atomically: true, encoding: .utf8)

        let scenarios = CLIProcess.root.appendingPathComponent("scenarios")
        let shipped = try #require(FileManager.default.enumerator(atPath: scenarios.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") }.map { scenarios.appendingPathComponent($0).path }.sorted()
        #expect(shipped.count >= 18)
        var broken: [String] = []
        for (name, yaml) in Self.broken.sorted(by: { $0.key < $1.key }) {
            let path = "\(directory)/\(name).yaml"
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            broken.append(path)
            let validate = try await CLIProcess.run(["validate", path])
            #expect(validate.status == 2, "validate accepted \(name)")
        }

        let checker = CLIProcess.root.appendingPathComponent("Tests/fixtures/check_schema.py").path
        let result = try await ExternalTool.run(python, [checker, "\(directory)/schema.json"] + shipped + broken)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for path in shipped { #expect(lines.contains("ok \(path)"), "\(path) does not conform:\n\(result.stdout)\(result.stderr)") }
        for path in broken { #expect(lines.contains { $0.hasPrefix("invalid \(path):") }, "the schema accepts \(path)") }
        #expect(result.status == 1)
    }
}
