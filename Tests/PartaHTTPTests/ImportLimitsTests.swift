import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing
import ZIPFoundation

/// A zip of `entries` (name, size in bytes of one repeated letter), deflated; with `declaring`, every
/// entry's recorded uncompressed size is overwritten with that number (a zip bomb that lies).
func craftedZip(_ entries: [(String, Int)], declaring: UInt32? = nil) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (name, size) in entries {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate) { _, chunk in
            Data(repeating: 0x61, count: chunk)
        }
    }
    var data = try #require(archive.data)
    guard let declaring else { return data }
    // Local file headers keep the size at offset 22, central directory records at offset 24.
    for (signature, offset) in [([0x50, 0x4B, 0x03, 0x04] as [UInt8], 22), ([0x50, 0x4B, 0x01, 0x02], 24)] {
        var index = data.startIndex
        while let found = data[index...].firstRange(of: Data(signature)) {
            let at = found.lowerBound + offset
            withUnsafeBytes(of: declaring.littleEndian) { data.replaceSubrange(at..<at + 4, with: $0) }
            index = found.upperBound
        }
    }
    return data
}

@Suite("Import limits")
struct ImportLimitsTests {
    static func upload(
        _ client: any TestClientProtocol, _ path: String, _ body: Data, token: String?
    ) async throws -> JSONResponse {
        var headers: HTTPFields = [.contentType: "application/zip"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        let text = String(buffer: response.body)
        return JSONResponse(status: response.status, headers: response.headers, text: text,
                            json: (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:])
    }

    @Test("the caller is authorized before the body is read; bombs are stopped by real, not declared, sizes", arguments: TestEngine.all)
    func bombs(engine: TestEngine) async throws {
        var config = ServerConfig.forTests()
        config.maxImportBytes = 2 << 20
        var app = AppConfig()
        app.imports = ImportLimits(maxUnpackedBytes: 4 << 20, maxEntries: 12)
        let dataDirectory = config.dataDirectory
        try await withApp(engine, config: config, app: app) { world, client in
            world.clock.set(Date(timeIntervalSince1970: 1_759_298_400))
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let base = "/api/v1/organizations/\(school.summary.organization.id)"
            let admin = try await client.signIn(world, "+79990000010")
            let stranger = try await client.signIn(world, "+79990000099")
            let noise = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
            // Lies: each entry says 100 bytes and inflates to 3 MB.
            let liar = try craftedZip([("users.csv", 3 << 20)], declaring: 100)

            // Nobody may make the server unpack anything: the refusal comes before the body is looked at.
            #expect(try await Self.upload(client, "\(base)/imports/oneroster", noise, token: nil).status == .unauthorized)
            let foreign = try await Self.upload(client, "\(base)/imports/oneroster", noise, token: stranger)
            #expect(foreign.status == .forbidden && foreign.error == "forbidden")
            #expect(try await Self.upload(client, "\(base)/imports/csv", noise, token: stranger).status == .forbidden)
            let nowhere = try await Self.upload(client, "/api/v1/organizations/999/imports/oneroster", liar, token: stranger)
            #expect(nowhere.status == .notFound && nowhere.error == "not_found")

            let lied = try await Self.upload(client, "\(base)/imports/oneroster", liar, token: admin)
            #expect(lied.status == .badRequest && lied.error == "invalid_zip", "\(lied.text)")
            #expect(lied.message?.contains("declares") == true)
            // Honest, but larger than the limit when unpacked: refused before inflating.
            let big = try craftedZip([("users.csv", 3 << 20), ("enrollments.csv", 3 << 20)])
            let tooBig = try await Self.upload(client, "\(base)/imports/oneroster", big, token: admin)
            #expect(tooBig.status == .contentTooLarge && tooBig.error == "archive_too_large", "\(tooBig.text)")
            let many = try craftedZip((0..<13).map { ("file\($0).csv", 10) })
            let crowded = try await Self.upload(client, "\(base)/imports/oneroster", many, token: admin)
            #expect(crowded.status == .contentTooLarge && crowded.error == "archive_too_large")
            // The upload itself is bounded.
            var huge = noise
            huge.append(noise)
            huge.append(Data(count: 10))
            let over = try await Self.upload(client, "\(base)/imports/oneroster", huge, token: admin)
            #expect(over.status == .contentTooLarge && over.error == "payload_too_large")
            let overCSV = try await Self.upload(client, "\(base)/imports/csv?kind=people", huge, token: admin)
            #expect(overCSV.status == .contentTooLarge && overCSV.error == "payload_too_large")

            // Nothing was written, no upload was left behind, and the slot is free again: a good export imports.
            #expect(try await client.call(.get, "\(base)/persons", token: admin)["total"] as? Int == 0)
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory + "/imports")) ?? []
            #expect(leftovers.isEmpty)
            let good = try await Self.upload(client, "\(base)/imports/oneroster", try zippedFixture("oneroster-1.1"), token: admin)
            #expect(good.status == .ok && (good["counts"] as? [String: Int])?["persons_created"] == 9, "\(good.text)")
        }
    }

    @Test("one import per organization at a time; a slot a crashed node left frees itself", arguments: TestEngine.all)
    func oneAtATime(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let other = try await world.registerSchool("МБОУ «Гимназия № 2»", shortName: "Гимназия № 2", adminPhone: "+79990000011")
            let org = school.summary.organization.id
            let admin = try await world.principal(world.signIn("+79990000010")).caller(from: "192.0.2.1")
            let otherAdmin = try await world.principal(world.signIn("+79990000011")).caller(from: "192.0.2.2")
            let p = world.parta
            let inner: Result<Int, PartaError> = try await p.withImportSlot(admin, organization: org) {
                // Another school's import runs meanwhile; a second one of this school is refused.
                let elsewhere = try await p.withImportSlot(otherAdmin, organization: other.summary.organization.id) { 7 }
                #expect(elsewhere == 7)
                do {
                    _ = try await p.withImportSlot(admin, organization: org) { 1 }
                    return .success(1)
                } catch let error as PartaError {
                    return .failure(error)
                }
            }
            guard case .failure(let refused) = inner else { Issue.record("a second import ran"); return }
            #expect(refused.code == "import_in_progress" && refused.kind == .conflict)
            // Freed after the first, also when its body throws.
            await #expect(throws: PartaError.self) {
                try await p.withImportSlot(admin, organization: org) { () async throws -> Int in throw PartaError.invalid("x", "y") }
            }
            #expect(try await p.withImportSlot(admin, organization: org) { 2 } == 2)

            // A node that crashed mid-import never frees its slot: it counts until its deadline.
            let token = "crashed"
            let now = world.clock.now()
            _ = try await world.database.write { store in
                try await store.beginImportRun(org, token: token, now: now, expiresAt: now.addingTimeInterval(1800))
            }
            await #expect(throws: PartaError.conflict("import_in_progress", "Another import of this organization is running; try again when it has finished.")) {
                try await p.withImportSlot(admin, organization: org) { 3 }
            }
            world.clock.advance(by: 1801)
            #expect(try await p.withImportSlot(admin, organization: org) { 4 } == 4)
        }
    }
}
