import Foundation
import Hummingbird
import NIOCore
import PartaDomain

/// Streams a request body to a file of its own, never holding it in memory, and refuses it with
/// 413 as soon as it passes the limit (by `Content-Length` before reading, by counting while
/// reading); a partial file is removed. Callers read the body only after authorizing the request.
struct BodySpool: Sendable {
    let directory: URL
    let fileIO = FileIO()

    init(dataDirectory: String, folder: String) {
        directory = URL(fileURLWithPath: dataDirectory).appendingPathComponent(folder)
    }

    init(directory: URL) {
        self.directory = directory
    }

    /// Writes the body to a new file and returns it; `inspect` sees every chunk on the way (and may
    /// throw to refuse the body). The caller removes the file.
    func receive(
        _ request: Request, context: PartaRequestContext, limit: Int64, tooLarge: PartaError,
        inspect: (@Sendable (ByteBuffer) throws -> Void)? = nil
    ) async throws -> URL {
        if let declared = request.headers[.contentLength].flatMap(Int64.init), declared > limit { throw tooLarge }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent(UUID().uuidString)
        let counted = ByteCounter()
        do {
            let body = request.body.map { buffer in
                guard counted.add(buffer.readableBytes) <= limit else { throw tooLarge }
                try inspect?(buffer)
                return buffer
            }
            try await fileIO.writeFile(contents: body, path: file.path, context: context)
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        return file
    }
}

import Synchronization

/// Bytes seen so far.
private final class ByteCounter: Sendable {
    private let total = Mutex<Int64>(0)

    func add(_ count: Int) -> Int64 {
        total.withLock { total in
            total += Int64(count)
            return total
        }
    }
}
