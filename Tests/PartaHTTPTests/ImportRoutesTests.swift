import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing
import ZIPFoundation

/// The OneRoster 1.1 fixture as a zip, built in memory.
func zippedFixture(_ folder: String, dropping: String? = nil) throws -> Data {
    let url = repositoryRoot.appendingPathComponent("Tests/Fixtures/\(folder)")
    let archive = try Archive(data: Data(), accessMode: .create)
    for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where name != dropping {
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        try archive.addEntry(with: "export/\(name)", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return archive.data!
}

@Suite("Imports over HTTP")
struct ImportRoutesTests {
    @Test("a zipped OneRoster export: dry run, import, problems", arguments: TestEngine.all)
    func oneRoster(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            world.clock.set(Date(timeIntervalSince1970: 1_759_298_400))
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let base = "/api/v1/organizations/\(school.summary.organization.id)"
            let admin = try await client.signIn(world, "+79990000010")
            let zip = try zippedFixture("oneroster-1.1")
            func upload(_ body: Data, _ query: String = "", token: String?) async throws -> JSONResponse {
                let response = try await client.execute(
                    uri: "\(base)/imports/oneroster\(query)", method: .post,
                    headers: [.authorization: "Bearer \(token ?? "")", .contentType: "application/zip"], body: ByteBuffer(bytes: body))
                let text = String(buffer: response.body)
                return JSONResponse(status: response.status, headers: response.headers, text: text,
                                    json: (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:])
            }
            let dry = try await upload(zip, "?dry_run=true", token: admin)
            #expect(dry.status == .ok)
            #expect(dry["dry_run"] as? Bool == true)
            #expect((dry["counts"] as? [String: Int])?["persons_created"] == 9)
            #expect(try await client.call(.get, "\(base)/persons", token: admin)["total"] as? Int == 0)

            let done = try await upload(zip, token: admin)
            #expect(done.status == .ok)
            #expect((done["counts"] as? [String: Int])?["classes_created"] == 2)
            #expect(done["longest_batch_ms"] as? Double != nil)
            #expect(try await client.call(.get, "\(base)/persons", token: admin)["total"] as? Int == 9)

            let broken = try await upload(try zippedFixture("oneroster-1.1", dropping: "users.csv"), token: admin)
            #expect(broken.status == .badRequest)
            #expect(broken.error == "import_invalid")
            let problems = (broken["details"] as? [String: Any])?["problems"] as? [[String: Any]]
            #expect(problems?.first?["file"] as? String == "users.csv")
            #expect(try await upload(Data("not a zip".utf8), token: admin).error == "invalid_zip")
            let stranger = try await client.signIn(world, "+79990000099")
            #expect(try await upload(zip, token: stranger).status == .forbidden)
        }
    }

    @Test("a CSV file as the body", arguments: TestEngine.all)
    func csv(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            world.clock.set(Date(timeIntervalSince1970: 1_759_298_400))
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let base = "/api/v1/organizations/\(school.summary.organization.id)"
            let admin = try await client.signIn(world, "+79990000010")
            let people = try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/csv/people.csv"))
            let response = try await client.execute(
                uri: "\(base)/imports/csv?kind=people", method: .post,
                headers: [.authorization: "Bearer \(admin)", .contentType: "text/csv"], body: ByteBuffer(bytes: people))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains("\"persons_created\":7"))
            let bad = try await client.execute(
                uri: "\(base)/imports/csv?kind=spreadsheet", method: .post,
                headers: [.authorization: "Bearer \(admin)"], body: ByteBuffer(bytes: people))
            #expect(bad.status == .badRequest)
        }
    }
}
