import ChaosCore
import Faults
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Scenario

/// The chaos control API under `/_chaos/`, on the mock's own port:
///
/// | route | does |
/// | --- | --- |
/// | `GET /_chaos/health` | liveness, scenario time, number of faults, requests in flight and in batches |
/// | `GET /_chaos/faults` | the faults, their windows, which are active now |
/// | `POST /_chaos/faults` | adds faults (YAML or JSON, the shape of a scenario's `faults:`); windows count from now |
/// | `DELETE /_chaos/faults/{name}` | removes one fault |
/// | `DELETE /_chaos/faults` | removes all faults |
/// | `POST /_chaos/reset` | clears the journal, token buckets and fingerprints |
/// | `GET /_chaos/journal?after=N&limit=M` | attempts after sequence N |
///
/// Loopback clients only, unless configured otherwise; a bearer token when set.
/// No fault logic lives here: it parses, calls the runtime, and answers.
struct ChaosControlRoutes: Sendable {
    let runtime: MockRuntime

    func register(on router: Router<MockRequestContext>) {
        let group = router.group("_chaos")
        group.get("health") { request, context in denial(request, context) ?? health() }
        group.get("faults") { request, context in denial(request, context) ?? listFaults() }
        group.post("faults") { request, context in
            if let denied = denial(request, context) { return denied }
            var request = request
            guard let body = try? await request.collectBody(upTo: 1 << 20) else {
                return json(["errors": ["body: larger than 1 MiB"]], status: .contentTooLarge)
            }
            return addFaults(String(buffer: body))
        }
        group.delete("faults/:name") { request, context in
            denial(request, context) ?? removeFault(context.parameters.get("name") ?? "")
        }
        group.delete("faults") { request, context in
            if let denied = denial(request, context) { return denied }
            let removed = runtime.changePlan { plan in plan.faults.map(\.name).filter { plan.remove(named: $0) } }
            return json(["removed": removed])
        }
        group.post("reset") { request, context in
            if let denied = denial(request, context) { return denied }
            runtime.reset()
            return json(["reset": true])
        }
        group.get("journal") { request, context in
            if let denied = denial(request, context) { return denied }
            let after = request.uri.queryParameters.get("after", as: Int.self) ?? 0
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 10_000
            return journal(after: after, limit: limit)
        }
    }

    /// The refusal for a client the control API does not serve, or nil.
    private func denial(_ request: Request, _ context: MockRequestContext) -> Response? {
        if !runtime.configuration.allowRemoteControl, !Self.isLoopback(context.channel.remoteAddress) {
            return json(["error": "the chaos control API answers loopback clients only; start the mock with --allow-remote-control to change that"], status: .forbidden)
        }
        if let token = runtime.configuration.controlToken, request.headers[.authorization] != "Bearer \(token)" {
            return json(["error": "the chaos control API needs 'Authorization: Bearer <token>' with the token given to --control-token"], status: .unauthorized)
        }
        return nil
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return address != nil }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    private func health() -> Response {
        json(["status": "ok", "now_ms": runtime.clock.now().milliseconds, "time_scale": runtime.clock.timeScale,
              "faults": runtime.plan.faults.count, "journal_entries": runtime.journal.lastSequence,
              "in_flight": runtime.inFlight.current, "batch_requests_processing": runtime.batches.pending.current])
    }

    private func listFaults() -> Response {
        let now = runtime.clock.now()
        let active = Set(runtime.plan.active(at: now).map(\.name))
        let faults: [[String: Any]] = runtime.plan.faults.map { fault in
            var entry: [String: Any] = [
                "name": fault.name, "kind": fault.kind, "at_ms": fault.spec.window.start.milliseconds,
                "probability": fault.spec.probability, "active": active.contains(fault.name),
            ]
            if let length = fault.spec.window.length { entry["for_ms"] = length.milliseconds }
            return entry
        }
        return json(["now_ms": now.milliseconds, "faults": faults])
    }

    private func addFaults(_ text: String) -> Response {
        do {
            let scheduled = try FaultPlan.schedule(yaml: text, file: "body", offset: runtime.clock.now())
            try runtime.changePlan { try $0.add(scheduled) }
            return json(["added": scheduled.map(\.name)], status: .created)
        } catch let problems as ConfigProblems {
            return json(["errors": problems.all.map(\.description)], status: .badRequest)
        } catch {
            return json(["errors": ["\(error)"]], status: .badRequest)
        }
    }

    private func removeFault(_ name: String) -> Response {
        let removed = runtime.changePlan { $0.remove(named: name) }
        return removed ? json(["removed": [name]]) : json(["error": "no fault named '\(name)'"], status: .notFound)
    }

    private func journal(after: Int, limit: Int) -> Response {
        let entries = runtime.journal.entries(after: after, limit: max(1, limit))
        struct Page: Encodable { var entries: [UpstreamAttempt]; var last_sequence: Int; var dropped: Int }
        let page = Page(entries: entries, last_sequence: runtime.journal.lastSequence, dropped: runtime.journal.droppedCount)
        let data = (try? JSONCoding.encoder.encode(page)) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
