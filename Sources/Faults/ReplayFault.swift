import AnthropicAPI
import ChaosCore
import Foundation
import Scenario

/// A recorded incident played back: `replay: { trace: incidents/nov-4.csv }`.
/// Each call in the fault's window meets the weather of the trace's row for its
/// time into the window (``IncidentTrace``): it fails with a status, hangs, or
/// succeeds after a delay, in the row's shares, drawn per request and attempt
/// from the seed, so a run replays the same calls the same way.
///
/// The trace's path is relative to the scenario file. 429s carry `retry-after:
/// 1`, as a trace does not say how long the API asked callers to wait.
public struct ReplayFault: Fault {
    public static let kind = "replay"
    let trace: IncidentTrace
    /// Where a hung call gives up, as for `timeout`.
    let cap: Duration

    public init?(parameters: ConfigNode?, problems: ProblemCollector) {
        guard let reader = FaultParameters.reader(parameters, kind: Self.kind, problems: problems) else { return nil }
        let node = reader.required("trace")
        let path = node?.string(problems, what: "inject.replay.trace")
        let cap = FaultParameters.duration(reader, "timeout_cap", kind: Self.kind, default: .seconds(600))
        reader.finish()
        guard let node, let path, let cap else { return nil }
        let scenarioDirectory = (node.location.file as NSString).deletingLastPathComponent
        let resolved = path.hasPrefix("/") || scenarioDirectory.isEmpty ? path : (scenarioDirectory as NSString).appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
            problems.add("inject.replay.trace: cannot read '\(resolved)'; give a CSV file's path, relative to the scenario", at: node)
            return nil
        }
        guard let trace = IncidentTrace.parse(text, file: resolved, problems: problems) else { return nil }
        self.trace = trace
        self.cap = cap
    }

    public func effect(on request: FaultRequest, random: inout SeededRandom) -> FaultEffect? {
        guard let row = trace.row(at: request.now - request.windowStart) else { return nil }
        let draw = random.unit()
        var below = 0.0
        for error in row.errors {
            below += error.share
            if draw < below { return FaultEffect(outcome: .error(Self.error(error.status))) }
        }
        if draw < below + row.timeouts { return FaultEffect(outcome: .hang(cap)) }
        guard let latency = row.latency else { return nil }
        return FaultEffect(delays: .init(firstToken: latency.sample(&random)))
    }

    static func error(_ status: Int) -> InjectedError {
        let type = APIErrorType(status: status) ?? .api
        return InjectedError(status: status, type: type, retryAfter: status == 429 ? .seconds(1) : nil)
    }
}
