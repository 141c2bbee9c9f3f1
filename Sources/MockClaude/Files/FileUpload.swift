import Foundation
import NIOCore

/// A `POST /v1/files` body read as it arrives: the `multipart/form-data` part
/// named `file`, its name and declared type, and what ``MediaProbe`` keeps of
/// its bytes. The rest of the bytes are dropped as they pass.
struct FileUpload {
    var filename: String?
    var declaredType: String?
    var probe = MediaProbe()
    var found = false
    /// The other parts' values (the first kilobyte of each): `expires_in_seconds`.
    var fields: [String: String] = [:]

    enum Problem: Error, Equatable {
        case notMultipart
        case malformed
        case tooLarge
    }

    /// Reads `body` until it ends or its file passes `limit` bytes.
    static func read(_ body: some AsyncSequence<ByteBuffer, any Error>, contentType: String?, limit: Int) async -> Result<FileUpload, Problem> {
        guard let contentType, let boundary = boundary(in: contentType) else { return .failure(.notMultipart) }
        var reader = MultipartReader(boundary: boundary)
        var upload = FileUpload()
        // The first part named `file` is the upload; other parts are form fields.
        var inFile = false
        var field: (name: String, value: [UInt8])?
        do {
            for try await chunk in body {
                try reader.consume(chunk.readableBytesView) { event in
                    switch event {
                    case let .headers(fields):
                        let header = { (name: String) in fields.first { $0.name == name }?.value }
                        guard let disposition = header("content-disposition"), let name = Disposition.parameter("name", in: disposition) else { return }
                        guard name == "file", !upload.found else { field = (name, []); return }
                        inFile = true
                        upload.found = true
                        upload.filename = Disposition.parameter("filename", in: disposition)
                        upload.declaredType = header("content-type")
                    case let .body(bytes):
                        if inFile { upload.probe.consume(bytes) } else if field != nil, field!.value.count < 1024 { field!.value += bytes.prefix(1024) }
                    case .partEnd:
                        if let (name, value) = field { upload.fields[name] = String(decoding: value, as: UTF8.self) }
                        inFile = false
                        field = nil
                    }
                }
                if upload.probe.size > limit { return .failure(.tooLarge) }
            }
        } catch {
            return .failure(.malformed)
        }
        return reader.finished ? .success(upload) : .failure(.malformed)
    }

    private static func boundary(in contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Disposition.parameter("boundary", in: contentType), !boundary.isEmpty else { return nil }
        return boundary
    }
}

/// Parameters of a `Content-Disposition` or `Content-Type` value:
/// `form-data; name="file"; filename="a \"b\".pdf"`.
enum Disposition {
    static func parameter(_ key: String, in value: String) -> String? {
        var rest = Substring(value)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var parsed = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let ch = rest.first {
                    rest = rest.dropFirst()
                    if escaped { parsed.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { break } else { parsed.append(ch) }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parsed = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            if name == key { return parsed }
        }
        return nil
    }
}
