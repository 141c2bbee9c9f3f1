import Foundation

/// Unbuffered standard error and standard output, so progress lines appear at once
/// when piped into a CI log.
enum FileHandleStderr {
    static func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

enum Out {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
