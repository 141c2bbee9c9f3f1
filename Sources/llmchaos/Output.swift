import ArgumentParser
import Foundation
import Synchronization

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

/// A file that lines are appended to from any task, one whole line per write.
final class LineFile: Sendable {
    private let handle: Mutex<FileHandle>

    /// Opens `path` for appending, creating it when missing.
    init(appendingTo path: String) throws {
        if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        self.handle = Mutex(handle)
    }

    func append(_ line: String) {
        handle.withLock { try? $0.write(contentsOf: Data((line + "\n").utf8)) }
    }
}

/// Output paths checked before anything runs: a report that cannot be written
/// should stop a suite at its start, with the flag named, not fail it at its end.
enum Writable {
    static func folder(_ path: String, flag: String) throws {
        guard (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil else {
            throw ValidationError("\(flag) \(path): cannot create that folder; name one you can write to")
        }
        // Writing is the only sure test: permission bits say nothing of /proc, or
        // of a read-only mount to root.
        let probe = (path as NSString).appendingPathComponent(".llmchaos-write-check-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: probe, contents: nil) else {
            throw ValidationError("\(flag) \(path): cannot write in that folder; name one you can write to")
        }
        try? FileManager.default.removeItem(atPath: probe)
    }

    static func file(_ path: String, flag: String) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if exists, isFolder.boolValue { throw ValidationError("\(flag) \(path) is a folder; name a file, such as \(path)/junit.xml") }
        let parent = (path as NSString).deletingLastPathComponent
        try folder(parent.isEmpty ? "." : parent, flag: flag)
        if exists, !FileManager.default.isWritableFile(atPath: path) {
            throw ValidationError("\(flag) \(path): the file is not writable")
        }
    }
}
