import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

@Suite("Roster, linking and integration over HTTP")
struct RosterRoutesTests {
    @Test("an administrator builds a class and enrolls a student; others are refused", arguments: TestEngine.all)
    func roster(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let base = "/api/v1/organizations/\(school.summary.organization.id)"
            let admin = try await client.signIn(world, "+79990000010")
            let stranger = try await client.signIn(world, "+79990000055")

            #expect(try await client.call(.get, "\(base)/persons", token: stranger).status == .forbidden)
            #expect(try await client.call(.get, "\(base)/persons").status == .unauthorized)

            let year = try await client.call(.post, "\(base)/school-years", json: ["name": "2025/2026"], token: admin)
            #expect(year.status == .created)
            #expect(year["start_date"] as? String == "2025-09-01")
            let yearID = try #require(year["id"] as? Int)
            let teacher = try await client.call(.post, "\(base)/persons", json: ["role": "teacher", "surname": "Иванова", "given_name": "Мария"], token: admin)
            #expect(teacher.status == .created)
            let teacherID = try #require((teacher["person"] as? [String: Any])?["id"] as? Int)
            let badDate = try await client.call(.post, "\(base)/persons", json: ["role": "student", "surname": "Петров", "given_name": "Пётр", "birth_date": "31.02.2010"], token: admin)
            #expect(badDate.status == .badRequest)
            #expect(badDate.message?.contains("birth_date") == true)
            let badRole = try await client.call(.post, "\(base)/persons", json: ["role": "director", "surname": "Петров", "given_name": "Пётр"], token: admin)
            #expect(badRole.status == .badRequest)
            let student = try await client.call(.post, "\(base)/persons", json: ["role": "student", "surname": "Петров", "given_name": "Пётр", "birth_date": "17.05.2010", "gender": "male"], token: admin)
            let studentID = try #require((student["person"] as? [String: Any])?["id"] as? Int)
            #expect((student["person"] as? [String: Any])?["birth_date"] as? String == "2010-05-17")

            let created = try await client.call(.post, "\(base)/classes", json: ["school_year_id": yearID, "name": "10а", "homeroom_teacher_id": teacherID], token: admin)
            #expect(created.status == .created)
            #expect(created["name"] as? String == "10А")
            let classID = try #require(created["id"] as? Int)
            let order = try await client.call(.post, "\(base)/orders", json: ["kind": "enrollment", "student_id": studentID, "class_id": classID, "effective_date": "2025-09-01"], token: admin)
            #expect(order.status == .created)
            let students = try await client.call(.get, "\(base)/classes/\(classID)/students?date=01.10.2025", token: admin)
            #expect(students.items.map { $0["id"] as? Int } == [studentID])
            let sized = try await client.call(.get, "\(base)/classes?date=2025-10-01", token: admin)
            #expect(sized.items.first?["student_count"] as? Int == 1)
            let inClass = try await client.call(.get, "\(base)/persons?class_id=\(classID)&date=2025-10-01", token: admin)
            #expect(inClass["total"] as? Int == 1)
            let withdrawWrong = try await client.call(.post, "\(base)/orders", json: ["kind": "withdrawal", "student_id": studentID, "class_id": classID, "effective_date": "2025-08-01"], token: admin)
            #expect(withdrawWrong.status == .conflict)
            #expect(withdrawWrong.error == "not_enrolled")

            // `null` removes the homeroom teacher; absent keeps it.
            let renamed = try await client.call(.patch, "\(base)/classes/\(classID)", json: ["name": "10Б"], token: admin)
            #expect((renamed["homeroom_teacher"] as? [String: Any])?["id"] as? Int == teacherID)
            let cleared = try await client.call(.patch, "\(base)/classes/\(classID)", raw: #"{"homeroom_teacher_id": null}"#, token: admin)
            #expect(cleared.status == .ok)
            #expect(cleared["homeroom_teacher"] == nil)
            #expect(cleared["name"] as? String == "10Б")

            let orderID = try #require(order["id"] as? Int)
            let cancelled = try await client.call(.post, "\(base)/orders/\(orderID)/cancel", token: admin)
            #expect(cancelled["cancelled"] as? Bool == true)
            #expect(try await client.call(.get, "\(base)/classes/\(classID)/students?date=2025-10-01", token: admin).items.isEmpty)
            #expect(try await client.call(.post, "\(base)/orders/\(orderID)/cancel", token: admin).status == .conflict)
            #expect(try await client.call(.get, "/api/v1/organizations/999999/persons", token: admin).status == .notFound)
        }
    }

    @Test("API keys scope the integration API to one school", arguments: TestEngine.all)
    func integration(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let a = try await world.registerSchool(adminPhone: "+79990000010")
            let b = try await world.registerSchool("Лицей № 2", shortName: "Лицей № 2", adminPhone: "+79990000020")
            let adminA = try await client.signIn(world, "+79990000010")
            let adminB = try await client.signIn(world, "+79990000020")
            let key = try await client.call(.post, "/api/v1/organizations/\(a.summary.organization.id)/api-keys", json: ["name": "Электронный журнал"], token: adminA)
            #expect(key.status == .created)
            let secret = try #require(key["key"] as? String)
            let listed = try await client.call(.get, "/api/v1/organizations/\(a.summary.organization.id)/api-keys", token: adminA)
            #expect(listed.items.first?["key"] == nil)
            #expect(try await client.call(.get, "/api/v1/organizations/\(a.summary.organization.id)/api-keys", token: adminB).status == .forbidden)

            let person: [String: Any] = ["role": "student", "surname": "Петров", "given_name": "Пётр", "birth_date": "2010-05-17"]
            let first = try await client.call(.put, "/api/v1/integration/persons/S%2F1", json: person, token: secret)
            #expect(first.status == .created)
            #expect((first["person"] as? [String: Any])?["external_id"] as? String == "S/1")
            #expect(try await client.call(.put, "/api/v1/integration/persons/S%2F1", json: person, token: secret).status == .ok)
            #expect(try await client.call(.put, "/api/v1/integration/persons/S%2F1", json: person).status == .unauthorized)
            #expect(try await client.call(.put, "/api/v1/integration/persons/S%2F1", json: person, token: adminA).status == .unauthorized)
            // The key's records belong to school A only: school B's roster is untouched and the key
            // reaches nothing of B through the administrator routes either.
            #expect(try await client.call(.get, "/api/v1/organizations/\(b.summary.organization.id)/persons", token: adminB)["total"] as? Int == 0)
            #expect(try await client.call(.get, "/api/v1/organizations/\(b.summary.organization.id)/persons", token: secret).status == .unauthorized)

            _ = try await client.call(.put, "/api/v1/integration/persons/T-1", json: ["role": "teacher", "surname": "Иванова", "given_name": "Мария"], token: secret)
            let klass = try await client.call(.put, "/api/v1/integration/classes/C-10A", json: ["school_year": "2025/2026", "name": "10А", "homeroom_teacher": "T-1"], token: secret)
            #expect(klass.status == .created)
            let order: [String: Any] = ["kind": "enrollment", "student": "S/1", "class": "C-10A", "effective_date": "2025-09-01"]
            #expect(try await client.call(.put, "/api/v1/integration/orders/O-1", json: order, token: secret).status == .created)
            #expect(try await client.call(.put, "/api/v1/integration/orders/O-1", json: order, token: secret).status == .ok)
            var changed = order
            changed["effective_date"] = "2025-09-02"
            #expect(try await client.call(.put, "/api/v1/integration/orders/O-1", json: changed, token: secret).error == "order_differs")
            #expect(try await client.call(.post, "/api/v1/integration/orders/O-1/cancel", token: secret)["cancelled"] as? Bool == true)

            let revoked = try #require(listed.items.first?["id"] as? Int)
            #expect(try await client.call(.delete, "/api/v1/organizations/\(a.summary.organization.id)/api-keys/\(revoked)", token: adminA).status == .noContent)
            #expect(try await client.call(.put, "/api/v1/integration/persons/S%2F1", json: person, token: secret).status == .unauthorized)
        }
    }

    @Test("a link code comes with a QR code and links the person who confirms it", arguments: TestEngine.all)
    func linking(engine: TestEngine) async throws {
        var config = ServerConfig.forTests()
        config.publicURL = "https://school5.example.ru/"
        try await withApp(engine, config: config) { world, client in
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let base = "/api/v1/organizations/\(school.summary.organization.id)"
            let admin = try await client.signIn(world, "+79990000010")
            let parent = try await client.call(.post, "\(base)/persons", json: ["role": "parent", "surname": "Петрова", "given_name": "Анна"], token: admin)
            let parentID = try #require((parent["person"] as? [String: Any])?["id"] as? Int)
            // A parent is at the school through a child.
            let child = try await client.call(.post, "\(base)/persons", json: ["role": "student", "surname": "Петров", "given_name": "Иван"], token: admin)
            let childID = try #require((child["person"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.call(.post, "\(base)/persons/\(parentID)/children", json: ["student_id": childID], token: admin).status == .noContent)
            let code = try await client.call(.post, "\(base)/persons/\(parentID)/link-codes", token: admin)
            #expect(code.status == .created)
            let secret = try #require(code["code"] as? String)
            #expect(code["url"] as? String == "https://school5.example.ru/link/\(secret)")
            #expect((code["qr_svg"] as? String)?.hasPrefix("<svg") == true)
            let png = try #require(Data(base64Encoded: code["qr_png_base64"] as? String ?? ""))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            // Whom the code is for shows before signing in: the name, the role and the school only.
            let preview = try await client.call(.get, "/api/v1/link-codes/\(secret)")
            #expect(preview.status == .ok)
            #expect(preview["person"] as? [String: String] == [
                "role": "parent", "surname": "Петрова", "given_name": "Анна", "patronymic": "", "full_name": "Петрова Анна",
            ])
            #expect(Set(preview.json.keys) == ["person", "organization", "expires_at"])
            #expect((preview["organization"] as? [String: Any])?["short_name"] as? String == "Школа № 5")
            // A code to type off a card: 12 characters, printed in fours; typed any which way, it finds the same person.
            #expect(secret.count == 12 && secret.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
            let display = try #require(code["display_code"] as? String)
            #expect(display.replacingOccurrences(of: "-", with: "") == secret && display.split(separator: "-").map(\.count) == [4, 4, 4])
            let typed = display.lowercased().replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
            for form in [display, typed] {
                let again = try await client.call(.get, "/api/v1/link-codes/\(form)")
                #expect(again.status == .ok && NSDictionary(dictionary: again.json) == NSDictionary(dictionary: preview.json), "\(form)")
            }
            for wrong in [String(secret.dropLast()), secret + "A", secret.dropLast() + "U"] {
                #expect(try await client.call(.get, "/api/v1/link-codes/\(wrong)").status == .notFound, "\(wrong)")
            }
            let me = try await client.signIn(world, "+79991112233")
            #expect(try await client.call(.post, "/api/v1/link-codes/\(typed)/confirm", token: me).status == .ok)
            #expect(try await client.call(.post, "/api/v1/link-codes/\(secret)/confirm", token: me).error == "link_code_used")
            let myOrganizations = try await client.call(.get, "/api/v1/me", token: me)["organizations"] as? [[String: Any]]
            #expect(myOrganizations?.first?["roles"] as? [String] == ["parent"])
            let links = try await client.call(.get, "/api/v1/me/links", token: me)
            #expect(links.items.count == 1)
            #expect(try await client.call(.delete, "/api/v1/me/links/\(parentID)", token: me).status == .noContent)
            #expect(try await client.call(.get, "/api/v1/me/links", token: me).items.isEmpty)
            #expect(try await client.call(.get, "/api/v1/link-codes/nonsense", token: me).status == .notFound)
        }
    }
}
