public import Foundation
public import PartaDomain
import ZIPFoundation

/// How much an import may unpack: a zip is refused when it has too many entries, declares more
/// than `maxUnpackedBytes` of CSV, or when an entry inflates to more than it declares.
public struct ImportLimits: Sendable, Equatable {
    public var maxUnpackedBytes: Int64
    public var maxEntries: Int

    public init(maxUnpackedBytes: Int64 = 256 << 20, maxEntries: Int = 64) {
        self.maxUnpackedBytes = maxUnpackedBytes
        self.maxEntries = maxEntries
    }
}

/// Reading OneRoster exports as they arrive: a zip (upload) or a folder (command line).
public enum ImportFiles {
    /// The CSV files of a zip file, by base name. Bounded however the archive lies: what an entry
    /// declares is checked against the limits before anything is inflated, and inflating stops
    /// as soon as an entry yields a byte more than it declared. Blocking work: run it off the
    /// concurrency pool.
    public static func unzip(file: URL, limits: ImportLimits) throws(PartaError) -> [String: [UInt8]] {
        let archive: Archive
        do { archive = try Archive(url: file, accessMode: .read) } catch { throw notAZip }
        return try unzip(archive, limits: limits)
    }

    /// The same for a zip in memory (tests, small archives).
    public static func unzip(data: Data, limits: ImportLimits) throws(PartaError) -> [String: [UInt8]] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw notAZip }
        return try unzip(archive, limits: limits)
    }

    static let notAZip = PartaError.invalid("invalid_zip", "The upload is not a zip archive of OneRoster CSV files.")

    private struct Overflow: Error {}

    private static func unzip(_ archive: Archive, limits: ImportLimits) throws(PartaError) -> [String: [UInt8]] {
        var entries: [(name: String, entry: Entry)] = []
        var declared: Int64 = 0
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxEntries else {
                throw PartaError(
                    .payloadTooLarge, code: "archive_too_large",
                    message: "The archive holds more than \(limits.maxEntries) files; a OneRoster export has about ten.")
            }
            let name = URL(fileURLWithPath: entry.path).lastPathComponent
            guard entry.type == .file, name.lowercased().hasSuffix(".csv"), !name.hasPrefix(".") else { continue }
            let size = Int64(clamping: entry.uncompressedSize)
            declared = declared.addingReportingOverflow(size).overflow ? .max : declared + size
            guard declared <= limits.maxUnpackedBytes else {
                throw PartaError(
                    .payloadTooLarge, code: "archive_too_large",
                    message: "The archive unpacks to more than \(limits.maxUnpackedBytes >> 20) MB.",
                    details: ["max_bytes": .int(Int(limits.maxUnpackedBytes))])
            }
            entries.append((name, entry))
        }
        var files: [String: [UInt8]] = [:]
        for (name, entry) in entries {
            let size = Int(clamping: entry.uncompressedSize)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(size)
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard bytes.count + chunk.count <= size else { throw Overflow() }
                    bytes.append(contentsOf: chunk)
                }
            } catch is Overflow {
                throw PartaError.invalid("invalid_zip", "The file \(name) in the archive unpacks to more than the \(size) bytes it declares.")
            } catch {
                throw PartaError.invalid("invalid_zip", "The file \(name) in the archive cannot be read.")
            }
            guard bytes.count == size else {
                throw PartaError.invalid("invalid_zip", "The file \(name) in the archive is shorter than it declares.")
            }
            files[name] = bytes
        }
        return files
    }

    /// The CSV files of a folder, or of a zip file, by base name.
    public static func load(path: String, limits: ImportLimits = ImportLimits()) throws -> [String: [UInt8]] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PartaError.notFound("The path \(path)")
        }
        if !isFolder.boolValue { return try unzip(file: URL(fileURLWithPath: path), limits: limits) }
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.lowercased().hasSuffix(".csv") {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name)))
        }
        return files
    }
}
