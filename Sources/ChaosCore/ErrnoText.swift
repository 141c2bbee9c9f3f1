import Foundation

/// An errno in the words a run's evidence shows: the system's, lower-cased, and
/// for a refused connection its usual cause. NIO's own description of the same
/// error ("connection reset (error set): Connection refused (errno: 111)") names a
/// reset that never happened.
public enum ErrnoText {
    public static func describe(_ code: Int32) -> String {
        let words = String(cString: strerror(code)).lowercased()
        return code == ECONNREFUSED ? words + " (nothing listens there)" : words
    }
}
