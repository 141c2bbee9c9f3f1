import ChaosCore
import NIOCore
import NIOPosix

extension LoadHTTPClient.Failure {
    /// What went wrong with a connect, in words a run's evidence can show. NIO's
    /// own ("Connection errors: SingleConnectionFailure(target: [IPv4]127.0.0.1/
    /// 127.0.0.1:9000, error: connection reset (error set): Connection refused)
    /// (errno: 111))") names a reset that never happened; nil for other errors.
    public static func connectProblem(_ error: any Error) -> String? {
        switch error {
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return connectProblem(first.error) ?? "\(first.error)" }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(dns)" }
            return "no address for \(error.host)"
        case let error as IOError:
            return ErrnoText.describe(error.errnoCode)
        case ChannelError.connectTimeout(let after):
            return "no connection within \(DurationText.format(.nanoseconds(after.nanoseconds)))"
        default:
            return nil
        }
    }
}
