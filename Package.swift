// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "llmchaos",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "llmchaos", targets: ["llmchaos"]),
        .library(name: "MockClaude", targets: ["MockClaude"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "Faults", targets: ["Faults"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .library(name: "Workload", targets: ["Workload"]),
        .library(name: "AnthropicAPI", targets: ["AnthropicAPI"]),
        .library(name: "ChaosCore", targets: ["ChaosCore"]),
        .library(name: "Load", targets: ["Load"]),
        .library(name: "Verdicts", targets: ["Verdicts"]),
        .library(name: "Results", targets: ["Results"]),
        .library(name: "Harness", targets: ["Harness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-atomics", exact: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
    ],
    targets: [
        .target(name: "ChaosCore", swiftSettings: swiftSettings),
        .target(name: "AnthropicAPI", dependencies: ["ChaosCore"], swiftSettings: swiftSettings),
        .target(
            name: "Scenario",
            dependencies: ["ChaosCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Workload",
            dependencies: ["ChaosCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Faults",
            dependencies: ["ChaosCore", "AnthropicAPI", "Scenario", "Workload"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MockClaude",
            dependencies: [
                "ChaosCore", "AnthropicAPI", "Scenario", "Faults", "Workload",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "ChaosCore", "AnthropicAPI", "Workload",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PipelineService",
            dependencies: [
                "Pipeline", "ChaosCore", "Workload",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Load",
            dependencies: [
                "ChaosCore", "Scenario", "AnthropicAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Verdicts", dependencies: ["ChaosCore", "Scenario"], swiftSettings: swiftSettings),
        .target(
            name: "Results",
            dependencies: ["ChaosCore", "Verdicts", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Harness",
            dependencies: [
                "ChaosCore", "AnthropicAPI", "Scenario", "Faults", "Workload", "MockClaude", "Pipeline",
                "Load", "Verdicts", "Results",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "llmchaos",
            dependencies: [
                "MockClaude", "Scenario", "ChaosCore", "Pipeline", "PipelineService", "Harness", "Results", "Verdicts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The yardstick of scripts/bench/compare: a bare Hummingbird route answering
        // the mock's bytes, so the comparison isolates what the mock adds per request.
        // Here rather than in Benchmarks/: two root packages sharing one build folder
        // failed to find each other's products ("No target named … in build description").
        .executableTarget(
            name: "BareServer",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOHTTP1", package: "swift-nio")],
            path: "scripts/bench/BareServer"
        ),
        // Helpers the test targets share (outside programs run without blocking).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ChaosCoreTests", dependencies: ["ChaosCore"], swiftSettings: swiftSettings),
        .testTarget(name: "AnthropicAPITests", dependencies: ["AnthropicAPI"], swiftSettings: swiftSettings),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "ChaosCore"], swiftSettings: swiftSettings),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FaultsTests",
            dependencies: ["Faults", "Scenario", "ChaosCore", "AnthropicAPI", "Workload"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MockClaudeTests",
            dependencies: [
                "MockClaude", "Faults", "Scenario", "ChaosCore", "AnthropicAPI", "Workload", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "MockClaude", "Faults", "Scenario", "ChaosCore", "AnthropicAPI", "Workload", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PipelineServiceTests",
            dependencies: [
                "PipelineService", "Pipeline", "MockClaude", "Faults", "ChaosCore", "Workload",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LoadTests",
            dependencies: [
                "Load", "ChaosCore", "Scenario", "TestSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VerdictsTests", dependencies: ["Verdicts", "ChaosCore", "Scenario"], swiftSettings: swiftSettings),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "Verdicts", "ChaosCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HarnessTests",
            dependencies: [
                "Harness", "Results", "Verdicts", "Load", "Scenario", "ChaosCore", "Pipeline", "MockClaude", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMChaosCLITests",
            dependencies: ["llmchaos", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
