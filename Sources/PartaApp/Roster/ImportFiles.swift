public import Foundation
public import PartaDomain
import ZIPFoundation

/// Reading OneRoster exports as they arrive: a zip (upload) or a folder (command line).
public enum ImportFiles {
    /// The largest export accepted, unpacked; guards against zip bombs.
    public static let maxUnpackedBytes: UInt64 = 512 << 20
    public static let maxEntries = 64

    /// The CSV files of a zip, by base name.
    public static func unzip(_ data: Data) throws(PartaError) -> [String: [UInt8]] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw PartaError.invalid("invalid_zip", "The upload is not a zip archive of OneRoster CSV files.")
        }
        var files: [String: [UInt8]] = [:]
        var total: UInt64 = 0
        var count = 0
        for entry in archive where entry.type == .file {
            let name = URL(fileURLWithPath: entry.path).lastPathComponent
            guard name.lowercased().hasSuffix(".csv"), !name.hasPrefix(".") else { continue }
            count += 1
            total += entry.uncompressedSize
            guard count <= maxEntries, total <= maxUnpackedBytes else {
                throw PartaError(.payloadTooLarge, code: "payload_too_large", message: "The archive unpacks to more than \(maxUnpackedBytes >> 20) MB.")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in bytes.append(contentsOf: chunk) }
            } catch {
                throw PartaError.invalid("invalid_zip", "The file \(name) in the archive cannot be read.")
            }
            files[name] = bytes
        }
        return files
    }

    /// The CSV files of a folder, or of a zip file, by base name.
    public static func load(path: String) throws -> [String: [UInt8]] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw PartaError.notFound("The path \(path)")
        }
        if !isFolder.boolValue { return try unzip(try Data(contentsOf: URL(fileURLWithPath: path))) }
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name.lowercased().hasSuffix(".csv") {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name)))
        }
        return files
    }
}
