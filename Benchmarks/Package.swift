// swift-tools-version: 6.1
// The hot paths of llmchaos, measured with ordo-one/benchmark: throughput and
// mallocs. `swift package benchmark` here; baselines in .benchmarkBaselines/.
import PackageDescription
import class Foundation.ProcessInfo

// The CI smoke (LLMCHAOS_BENCH_SMOKE=1, scripts/bench/smoke) builds the benchmarks in
// debug into the main package's build folder. There the plugin would preload its
// release-built malloc interposer over the debug one the benchmark links, and the two
// call each other until the stack overflows; so the smoke runs without malloc counts.
let smoke = ProcessInfo.processInfo.environment["LLMCHAOS_BENCH_SMOKE"] != nil

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "llmchaos", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: smoke ? [] : ["MallocInterposer"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", exact: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ChaosCore", package: "llmchaos"),
                .product(name: "AnthropicAPI", package: "llmchaos"),
                .product(name: "Faults", package: "llmchaos"),
                .product(name: "MockClaude", package: "llmchaos"),
                .product(name: "Results", package: "llmchaos"),
                .product(name: "Verdicts", package: "llmchaos"),
                .product(name: "Scenario", package: "llmchaos"),
                .product(name: "Workload", package: "llmchaos"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
