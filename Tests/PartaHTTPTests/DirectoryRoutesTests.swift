import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

@Suite("Directory and platform over HTTP")
struct DirectoryRoutesTests {
    static var registration: [String: Any] { [
        "region": "Тверская область", "municipality": "г. Тверь", "kind": "school",
        "full_name": "МБОУ «Средняя общеобразовательная школа № 5»", "short_name": "Школа № 5",
        "admin_name": "Смирнова Ольга Викторовна", "admin_phone": "8 999 000-00-10",
    ] }

    @Test("operators register; others get 403 and nothing is written", arguments: TestEngine.all)
    func registration(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            _ = try await world.parta.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79000000001")
            let op = try await client.signIn(world, "+79000000001")
            let someone = try await client.signIn(world, "+79000000002")

            let refused = try await client.call(.post, "/api/v1/organizations", json: Self.registration, token: someone)
            #expect(refused.status == .forbidden)
            #expect(refused.error == "forbidden")
            #expect(refused.message == "Only platform operators register organizations.")
            let anonymous = try await client.call(.post, "/api/v1/organizations", json: Self.registration)
            #expect(anonymous.status == .unauthorized)
            #expect(try await client.call(.get, "/api/v1/organizations", token: op)["total"] as? Int == 0)

            let created = try await client.call(.post, "/api/v1/organizations", json: Self.registration, token: op)
            #expect(created.status == .created)
            #expect(created["short_name"] as? String == "Школа № 5")
            #expect((created["community_id"] as? String)?.hasPrefix("PRT-") == true)
            #expect(created["missing_profile_fields"] as? [String] == ["address", "contact_phone_or_email"])

            let duplicate = try await client.call(.post, "/api/v1/organizations", json: Self.registration, token: op)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.error == "organization_exists")

            var invalid = Self.registration
            invalid["kind"] = "university"
            invalid["full_name"] = "Другая школа"
            let badKind = try await client.call(.post, "/api/v1/organizations", json: invalid, token: op)
            #expect(badKind.status == .badRequest)
            #expect(badKind.error == "invalid_kind")
            invalid["kind"] = "school"
            invalid["admin_phone"] = "555"
            #expect(try await client.call(.post, "/api/v1/organizations", json: invalid, token: op).error == "invalid_phone")
            invalid["admin_phone"] = "+79990000011"
            invalid["time_zone"] = "Moon/Base"
            #expect(try await client.call(.post, "/api/v1/organizations", json: invalid, token: op).error == "invalid_profile")
            #expect(try await client.call(.get, "/api/v1/organizations", token: op)["total"] as? Int == 1)
        }
    }

    @Test("search: Cyrillic case, ё, regions, paging and bad parameters", arguments: TestEngine.all)
    func search(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            try await world.registerSchool("МБОУ «Ёлкинская СОШ»", shortName: "Ёлкинская СОШ", adminPhone: "+79990000010")
            try await world.registerSchool("МБОУ «Лицей № 2»", shortName: "Лицей № 2", region: "Псковская область", municipality: "г. Псков", adminPhone: "+79990000020")
            let token = try await client.signIn(world, "+79990000099")
            let found = try await client.call(.get, "/api/v1/organizations?q=\(q("ЕЛКИНСКАЯ сош"))", token: token)
            #expect(found.status == .ok)
            #expect(found.items.map { $0["short_name"] as? String } == ["Ёлкинская СОШ"])
            #expect(found.items.first?["community_id"] == nil)

            let regions = try await client.call(.get, "/api/v1/regions", token: token)
            #expect(regions.items.map { $0["name"] as? String } == ["Псковская область", "Тверская область"])
            let pskov = try #require(regions.items.first?["id"] as? Int)
            let municipalities = try await client.call(.get, "/api/v1/regions/\(pskov)/municipalities", token: token)
            #expect(municipalities.items.map { $0["name"] as? String } == ["г. Псков"])
            let inPskov = try await client.call(.get, "/api/v1/organizations?region_id=\(pskov)", token: token)
            #expect(inPskov.items.map { $0["short_name"] as? String } == ["Лицей № 2"])

            let paged = try await client.call(.get, "/api/v1/organizations?per_page=10&page=2", token: token)
            #expect(paged["total"] as? Int == 2)
            #expect(paged.items.isEmpty)

            #expect(try await client.call(.get, "/api/v1/organizations?per_page=7", token: token).error == "invalid_page")
            #expect(try await client.call(.get, "/api/v1/organizations?page=x", token: token).error == "invalid_query")
            #expect(try await client.call(.get, "/api/v1/organizations?region_id=-1", token: token).error == "invalid_query")
            #expect(try await client.call(.get, "/api/v1/regions/999/municipalities", token: token).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/organizations", token: nil).status == .unauthorized)
            // Looking up by community id is for operators.
            #expect(try await client.call(.get, "/api/v1/organizations?community_id=PRT-0000-0000", token: token).status == .forbidden)
        }
    }

    @Test("profile: its administrators and operators only; audit log follows", arguments: TestEngine.all)
    func profileAndAudit(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let id = school.summary.organization.id.rawValue
            _ = try await world.parta.attachMember(world.system, organization: school.summary.organization.id, name: "Иванов Пётр Николаевич", phone: "+79990000030", role: .teacher, verified: true)
            let admin = try await client.signIn(world, "+79990000010")
            let teacher = try await client.signIn(world, "+79990000030")

            let byTeacher = try await client.call(.patch, "/api/v1/organizations/\(id)", json: ["address": "чужой адрес"], token: teacher)
            #expect(byTeacher.status == .forbidden)
            #expect(byTeacher.message == "Only the organization's administrators edit its profile.")
            let card = try await client.call(.get, "/api/v1/organizations/\(id)", token: teacher)
            #expect(card["address"] as? String == "")
            #expect(card["teacher_count"] as? Int == 1)
            #expect(card["community_id"] == nil)

            let edited = try await client.call(
                .patch, "/api/v1/organizations/\(id)", json: ["address": "г. Тверь, ул. Советская, 5", "contact_phone": "+7 4822 00-00-00"], token: admin)
            #expect(edited.status == .ok)
            #expect(edited["missing_profile_fields"] as? [String] == [])
            let badEmail = try await client.call(.patch, "/api/v1/organizations/\(id)", json: ["email": "нет"], token: admin)
            #expect(badEmail.status == .badRequest)
            #expect((badEmail["details"] as? [String: Any])?["field"] as? String == "email")

            let audit = try await client.call(.get, "/api/v1/organizations/\(id)/audit", token: admin)
            #expect(audit.status == .ok)
            let actions = audit.items.compactMap { $0["action"] as? String }
            #expect(actions.first == "organization.profile_updated")
            #expect(actions.contains("organization.registered"))
            #expect(audit.items.first?["actor_label"] as? String == "Смирнова О. В.")
            let filtered = try await client.call(.get, "/api/v1/organizations/\(id)/audit?action=organization.registered", token: admin)
            #expect(filtered.items.count == 1)
            #expect(try await client.call(.get, "/api/v1/organizations/\(id)/audit?action=nonsense", token: admin).status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/organizations/\(id)/audit", token: teacher).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/audit", token: admin).status == .forbidden)
            #expect(try await client.call(.get, "/api/v1/organizations/999999", token: admin).status == .notFound)
        }
    }

    @Test("administrators, operators and officers are the operators' business", arguments: TestEngine.all)
    func platform(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let school = try await world.registerSchool(adminPhone: "+79990000010")
            let id = school.summary.organization.id.rawValue
            _ = try await world.parta.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79000000001")
            let op = try await client.signIn(world, "+79000000001")
            let admin = try await client.signIn(world, "+79990000010")

            let appoint: [String: Any] = ["name": "Козлов Иван Петрович", "phone": "+79990000012", "replace_others": false]
            let refused = try await client.call(.post, "/api/v1/organizations/\(id)/administrators", json: appoint, token: admin)
            #expect(refused.status == .forbidden)
            #expect(refused.message == "Only platform operators change an organization's administrators.")

            let both = try await client.call(.post, "/api/v1/organizations/\(id)/administrators", json: appoint, token: op)
            #expect(both.items.count == 2)
            let original = try #require(both.items.first { $0["full_name"] as? String == "Смирнова Ольга Викторовна" }?["account_id"] as? Int)
            let kozlov = try #require(both.items.first { $0["full_name"] as? String == "Козлов Иван Петрович" }?["account_id"] as? Int)
            // An administrator may take the rights of another administrator, never of the last one.
            let stranger = try await client.signIn(world, "+79990000099")
            #expect(try await client.call(.delete, "/api/v1/organizations/\(id)/administrators/\(kozlov)", token: stranger).status == .forbidden)
            let byAdmin = try await client.call(.delete, "/api/v1/organizations/\(id)/administrators/\(kozlov)", token: admin)
            #expect(byAdmin.items.map { $0["full_name"] as? String } == ["Смирнова Ольга Викторовна"])
            let lastSelf = try await client.call(.delete, "/api/v1/organizations/\(id)/administrators/\(original)", token: admin)
            #expect(lastSelf.status == .conflict && lastSelf.error == "last_administrator")
            // Only an operator hands the school to someone else.
            let replaced = try await client.call(.post, "/api/v1/organizations/\(id)/administrators", json: ["name": "Козлов Иван Петрович", "phone": "+79990000012"], token: op)
            #expect(replaced.items.map { $0["full_name"] as? String } == ["Козлов Иван Петрович"])
            let last = try #require(replaced.items.first?["account_id"] as? Int)
            let keep = try await client.call(.delete, "/api/v1/organizations/\(id)/administrators/\(last)", token: op)
            #expect(keep.status == .conflict)
            #expect(keep.error == "last_administrator")
            // The former administrator lost access to the school's admin views at once.
            #expect(try await client.call(.get, "/api/v1/organizations/\(id)/audit", token: admin).status == .forbidden)

            let community = try #require(school.privateInfo?.communityID.value)
            let lookup = try await client.call(.get, "/api/v1/organizations?community_id=\(community.lowercased())", token: op)
            #expect(lookup.items.map { $0["id"] as? Int } == [Int(id)])

            let municipality = school.summary.municipality.id.rawValue
            let officer = try await client.call(.post, "/api/v1/officers", json: ["name": "Лебедева Елена Павловна", "phone": "+79000000002", "municipality_id": municipality], token: op)
            #expect(officer.status == .created)
            let officerID = try #require((officer["account"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.call(.post, "/api/v1/officers", json: ["name": "Лебедева Елена Павловна", "phone": "+79000000002"], token: op).error == "invalid_scope")
            #expect(try await client.call(.get, "/api/v1/officers", token: admin).status == .forbidden)
            let officers = try await client.call(.get, "/api/v1/officers", token: op)
            #expect(officers.items.count == 1)
            #expect((officers.items[0]["account"] as? [String: Any])?["phone"] as? String == "+79000000002")
            #expect(try await client.call(.delete, "/api/v1/officers/\(officerID)", token: op).error == "invalid_scope")
            #expect(try await client.call(.delete, "/api/v1/officers/\(officerID)?municipality_id=\(municipality)", token: op).status == .noContent)

            let added = try await client.call(.post, "/api/v1/operators", json: ["name": "Белов Олег Игоревич", "phone": "+79000000004"], token: op)
            #expect(added.status == .created)
            #expect(try await client.call(.post, "/api/v1/operators", json: ["name": "Белов Олег", "phone": "+79000000005"], token: admin).status == .forbidden)
            let operators = try await client.call(.get, "/api/v1/operators", token: op)
            #expect(operators.items.count == 2)
            let audit = try await client.call(.get, "/api/v1/audit?per_page=100", token: op)
            let actions = Set(audit.items.compactMap { $0["action"] as? String })
            #expect(actions.isSuperset(of: ["platform.operator_added", "platform.officer_added", "platform.officer_removed", "organization.administrator_revoked"]))
        }
    }
}
