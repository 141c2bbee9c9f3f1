import ChaosCore

/// How a mock server runs.
public struct MockConfiguration: Sendable {
    /// The address to bind. Loopback by default: a chaos server has no business on
    /// a network.
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; read it from ``RunningMock/port``.
    public var port: Int = 8787
    /// Bearer token the `/_chaos/` control API requires, if set.
    public var controlToken: String?
    /// Serve the control API to non-loopback clients too (only matters when `host`
    /// is not loopback).
    public var allowRemoteControl = false
    /// An extra regular expression that marks judge calls (besides `[llmchaos:judge]`).
    public var judgePattern: String?
    /// How often a stream sends `event: ping` while it waits, in scenario time.
    public var pingInterval: Duration = .seconds(10)
    /// Request bodies above this get 413 `request_too_large`, as the API's 32 MB limit.
    public var maxBodyBytes = 32 * 1024 * 1024
    /// The same for a Message Batch, whose limit on the API is 256 MB.
    public var maxBatchBytes = 256 * 1024 * 1024
    /// An upload to the Files API above this gets 413, as the API's 500 MB limit.
    public var maxFileBytes = 500_000_000
    /// All uploads together: above this an upload gets 403, as an organization's
    /// 500 GB on the API. The mock keeps no file's bytes, only what counting it needs.
    public var fileStorageBytes = 500_000_000_000
    /// Journal entries kept; older ones are dropped and counted.
    public var journalCapacity = 200_000
    /// Requests with identical bodies this close together (scenario time) count as
    /// attempts of one logical request when nothing else identifies them.
    public var fingerprintWindow: Duration = .seconds(120)
    /// Content pieces (about a token each) per stream delta.
    public var tokensPerDelta = 3
    /// Answer requests whose answer is whole at once on the event loop, outside
    /// Hummingbird's router (see `MessagesFastPath`). Off only to compare the two.
    public var fastPath = true
    /// The day (yyyy-MM-dd) whose API the mock plays: a model retired by then is
    /// a 404, as on the API. Nil serves every model the catalog knows; the CLI
    /// sets the scenario's `api_date`, else ``catalogDate``.
    public var apiDate: String?

    /// The day the mock's model catalog was recorded: its API of today.
    public static var catalogDate: String { ModelCatalog.recordedOn }

    public init() {}
}
