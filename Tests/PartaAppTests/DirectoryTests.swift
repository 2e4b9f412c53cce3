import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

@Suite("Directory and operators")
struct DirectoryUseCaseTests {
    @Test("an operator registers a school; its administrator sees it in /me", arguments: TestEngine.all)
    func registration(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            _ = try await world.parta.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79000000001")
            let op = try await world.principal(try await world.signIn("+79000000001"))
            let details = try await world.parta.registerOrganization(
                op.caller(from: "203.0.113.5"),
                OrganizationRegistration(
                    region: "Тверская область", municipality: "г. Тверь",
                    profile: OrganizationProfile(kind: .school, fullName: "МБОУ «СОШ № 5»", shortName: "Школа № 5"),
                    administratorName: "Смирнова Ольга Викторовна", administratorPhone: "8 999 000-00-10"))
            #expect(details.summary.region.name == "Тверская область")
            #expect(details.privateInfo?.communityID.value.hasPrefix("PRT-") == true)
            #expect(details.administrators?.map(\.name.full) == ["Смирнова Ольга Викторовна"])

            let admin = try await world.principal(try await world.signIn("+79990000010"))
            #expect(admin.account.name.full == "Смирнова Ольга Викторовна")
            let me = try await world.parta.me(admin)
            #expect(me.organizations.count == 1)
            #expect(me.organizations[0].roles == [.administrator])
            #expect(me.organizations[0].administrators.map(\.accountID) == [admin.account.id])
            #expect(me.organizations[0].teacherCount == 0)

            // Teachers attached appear in the count.
            let id = details.summary.organization.id
            for (i, name) in ["Иванов Пётр Николаевич", "Кузнецова Мария Андреевна"].enumerated() {
                _ = try await world.parta.attachMember(world.system, organization: id, name: name, phone: "+7999000002\(i)", role: .teacher, verified: true)
            }
            #expect(try await world.parta.me(admin).organizations[0].teacherCount == 2)

            // The audit log names the operator, the action and — for operators only — where it came from.
            let log = try await world.parta.auditLog(admin.caller(from: "x"), organization: id, action: nil, page: PageRequest())
            let registered = try #require(log.items.first { $0.action == .organizationRegistered })
            #expect(registered.actorAccountID == op.account.id)
            #expect(registered.actorLabel == "Орлова А. С.")
            #expect(log.items.allSatisfy { $0.clientAddress.isEmpty })
            let operatorLog = try await world.parta.auditLog(op.caller(from: "x"), organization: id, action: nil, page: PageRequest())
            #expect(operatorLog.items.first { $0.action == .organizationRegistered }?.clientAddress == "203.0.113.5")
            #expect(log.items.contains { $0.action == .administratorGranted })
            #expect(log.items.filter { $0.action == .memberAttached }.count == 2)
            // Nothing in the audit log holds a phone number.
            for entry in log.items {
                #expect(!entry.details.values.contains { $0.contains("999") })
            }
        }
    }

    @Test("registering the same school twice is a conflict and writes nothing", arguments: TestEngine.all)
    func duplicate(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            try await world.registerSchool()
            await #expect(throws: PartaError.self) {
                try await world.registerSchool(adminPhone: "+79990000077")
            }
            let stray = try await world.database.read { try await $0.account(phone: PhoneNumber(e164: "+79990000077")) }
            #expect(stray == nil)
            let found = try await world.parta.searchOrganizations(query: "", region: nil, municipality: nil, page: PageRequest())
            #expect(found.total == 1)
        }
    }

    @Test("only operators register, change administrators and manage platform roles", arguments: TestEngine.all)
    func operatorOnly(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool()
            let id = school.summary.organization.id
            let admin = try await world.principal(try await world.signIn("+79990000010")).caller(from: "x")
            let nobody = try await world.principal(try await world.signIn("+79990000055")).caller(from: "x")
            for caller in [admin, nobody] {
                await #expect(throws: PartaError.forbidden("Only platform operators register organizations.")) {
                    _ = try await world.parta.registerOrganization(
                        caller,
                        OrganizationRegistration(
                            region: "Тверская область", municipality: "г. Тверь",
                            profile: OrganizationProfile(kind: .school, fullName: "Третья школа", shortName: "Ш3"),
                            administratorName: "Петров Пётр", administratorPhone: "+79990000067"))
                }
                await #expect(throws: PartaError.self) {
                    try await world.parta.setAdministrator(caller, organization: id, name: "Петров Пётр", phone: "+79990000068", replaceOthers: true)
                }
                await #expect(throws: PartaError.self) {
                    try await world.parta.addOperator(caller, name: "Петров Пётр", phone: "+79990000069")
                }
                await #expect(throws: PartaError.self) {
                    try await world.parta.platformMembers(caller, kinds: [.operator])
                }
                await #expect(throws: PartaError.self) {
                    try await world.parta.auditLog(caller, organization: nil, action: nil, page: PageRequest())
                }
            }
            // Refusals wrote nothing: the would-be administrator has no account.
            let stray = try await world.database.read { try await $0.account(phone: PhoneNumber(e164: "+79990000068")) }
            #expect(stray == nil)
        }
    }

    @Test("profile edits: administrators of that school and operators only, audited by field", arguments: TestEngine.all)
    func profile(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool()
            let other = try await world.registerSchool("Лицей № 2", shortName: "Лицей № 2", adminPhone: "+79990000020")
            let id = school.summary.organization.id
            let admin = try await world.principal(try await world.signIn("+79990000010")).caller(from: "x")
            let otherAdmin = try await world.principal(try await world.signIn("+79990000020")).caller(from: "x")

            let updated = try await world.parta.updateProfile(admin, organization: id, ProfilePatch(address: "г. Тверь, ул. Советская, 5", email: "s5@example.org"))
            #expect(updated.summary.organization.profile.address == "г. Тверь, ул. Советская, 5")
            #expect(updated.privateInfo?.missingProfileFields == [])

            await #expect(throws: PartaError.forbidden("Only the organization's administrators edit its profile.")) {
                try await world.parta.updateProfile(otherAdmin, organization: id, ProfilePatch(address: "захвачено"))
            }
            await #expect(throws: PartaError.self) {
                try await world.parta.updateProfile(admin, organization: id, ProfilePatch(timeZone: "Europe/Atlantis"))
            }
            let unchanged = try await world.parta.organization(admin, id)
            #expect(unchanged.summary.organization.profile.address == "г. Тверь, ул. Советская, 5")
            #expect(unchanged.summary.organization.profile.timeZone == "Europe/Moscow")

            let log = try await world.parta.auditLog(admin, organization: id, action: .organizationProfileUpdated, page: PageRequest())
            #expect(log.items.map { $0.details["fields"] } == ["address,email"])
            // The other school's administrator cannot read this school's audit log.
            await #expect(throws: PartaError.self) {
                try await world.parta.auditLog(otherAdmin, organization: id, action: nil, page: PageRequest())
            }
            _ = other
        }
    }

    @Test("what a non-member, a member and an administrator see of a school", arguments: TestEngine.all)
    func visibility(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool()
            let id = school.summary.organization.id
            _ = try await world.parta.attachMember(world.system, organization: id, name: "Иванов Пётр Николаевич", phone: "+79990000030", role: .teacher, verified: true)
            let stranger = try await world.principal(try await world.signIn("+79990000040")).caller(from: "x")
            let teacher = try await world.principal(try await world.signIn("+79990000030")).caller(from: "x")
            let admin = try await world.principal(try await world.signIn("+79990000010")).caller(from: "x")

            let seenByStranger = try await world.parta.organization(stranger, id)
            #expect(seenByStranger.administrators == nil)
            #expect(seenByStranger.privateInfo == nil)
            let seenByTeacher = try await world.parta.organization(teacher, id)
            #expect(seenByTeacher.myRoles == [.teacher])
            #expect(seenByTeacher.administrators?.count == 1)
            #expect(seenByTeacher.teacherCount == 1)
            #expect(seenByTeacher.privateInfo == nil)
            let seenByAdmin = try await world.parta.organization(admin, id)
            #expect(seenByAdmin.privateInfo?.communityID == school.privateInfo?.communityID)
            await #expect(throws: PartaError.self) {
                try await world.parta.organization(admin, communityID: school.privateInfo!.communityID)
            }
            await #expect(throws: PartaError.notFound("The organization")) {
                try await world.parta.organization(admin, OrganizationID(999_999))
            }
        }
    }

    @Test("set-admin replaces administrators; the last one cannot be removed", arguments: TestEngine.all)
    func administrators(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool()
            let id = school.summary.organization.id
            let kept = try await world.parta.setAdministrator(
                world.system, organization: id, name: "Петрова Анна Ивановна", phone: "+79990000011", replaceOthers: false)
            #expect(kept.count == 2)
            let replaced = try await world.parta.setAdministrator(
                world.system, organization: id, name: "Козлов Иван Петрович", phone: "+79990000012", replaceOthers: true)
            #expect(replaced.map(\.name.full) == ["Козлов Иван Петрович"])
            let formerAdmin = try await world.principal(try await world.signIn("+79990000010"))
            #expect(try await world.parta.me(formerAdmin).organizations.isEmpty)
            await #expect(throws: PartaError.conflict("last_administrator", "An organization keeps at least one administrator: appoint the new one before removing the last.")) {
                try await world.parta.revokeAdministrator(world.system, organization: id, account: replaced[0].accountID)
            }
            let revokedAudit = try await world.parta.auditLog(world.system, organization: id, action: .administratorRevoked, page: PageRequest())
            #expect(revokedAudit.total == 2)
        }
    }

    @Test("search by name words, Cyrillic case and ё, within a region", arguments: TestEngine.all)
    func search(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            try await world.registerSchool("МБОУ «Ёлкинская средняя школа»", shortName: "Ёлкинская СОШ", adminPhone: "+79990000010")
            try await world.registerSchool("МБОУ «Гимназия № 1»", shortName: "Гимназия № 1", region: "Псковская область", municipality: "г. Псков", adminPhone: "+79990000020")
            let everyone = PageRequest(page: 1, perPage: 10)
            #expect(try await world.parta.searchOrganizations(query: "ЕЛКИНСКАЯ", region: nil, municipality: nil, page: everyone).total == 1)
            #expect(try await world.parta.searchOrganizations(query: "ёлкинская школа", region: nil, municipality: nil, page: everyone).total == 1)
            #expect(try await world.parta.searchOrganizations(query: "гимназия елкинская", region: nil, municipality: nil, page: everyone).total == 0)
            let regions = try await world.parta.regions()
            #expect(regions.map(\.name) == ["Псковская область", "Тверская область"])
            let tver = regions[1].id
            let inTver = try await world.parta.searchOrganizations(query: "", region: tver, municipality: nil, page: everyone)
            #expect(inTver.items.map(\.organization.profile.shortName) == ["Ёлкинская СОШ"])
            #expect(try await world.parta.municipalities(in: tver).map(\.name) == ["г. Тверь"])
        }
    }

    @Test("operators and officers; the last operator stays", arguments: TestEngine.all)
    func platformRoles(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.registerSchool()
            let first = try await world.parta.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79000000001")
            let op = try await world.principal(try await world.signIn("+79000000001")).caller(from: "x")
            let officer = try await world.parta.addOfficer(
                op, name: "Лебедева Елена Павловна", phone: "+79000000002", scope: .municipality(school.summary.municipality.id))
            #expect(officer.role.scopeName == "г. Тверь")
            let officerPrincipal = try await world.principal(try await world.signIn("+79000000002"))
            #expect(try await world.parta.me(officerPrincipal).platformRoles.map(\.role) == [.municipalOfficer(school.summary.municipality.id)])
            await #expect(throws: PartaError.notFound("The region")) {
                try await world.parta.addOfficer(op, name: "Некто Некто", phone: "+79000000003", scope: .region(RegionID(999)))
            }
            await #expect(throws: PartaError.conflict("last_operator", "The platform keeps at least one operator.")) {
                try await world.parta.removePlatformRole(op, account: first.account.id, role: .operator)
            }
            let second = try await world.parta.addOperator(op, name: "Белов Олег Игоревич", phone: "+79000000004")
            try await world.parta.removePlatformRole(op, account: first.account.id, role: .operator)
            let operators = try await world.parta.platformMembers(world.system, kinds: [.operator])
            #expect(operators.map(\.account.id) == [second.account.id])
        }
    }

    @Test("the demo school seeds once and again without change", arguments: TestEngine.all)
    func demo(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let first = try await DemoSchool.seed(world.parta, caller: world.system)
            let second = try await DemoSchool.seed(world.parta, caller: world.system)
            #expect(first.organization == second.organization)
            #expect(second.organization.teacherCount == 3)
            let all = try await world.parta.searchOrganizations(query: "", region: nil, municipality: nil, page: PageRequest())
            #expect(all.total == 1)
            let audit = try await world.parta.auditLog(world.system, organization: nil, action: nil, page: PageRequest(page: 1, perPage: 100))
            // operator added, school registered, administrator granted, officer added, and for
            // three teachers and one employee: roster person created, linked, member attached —
            // sixteen entries, none added by the second run.
            #expect(audit.total == 16)
            #expect(audit.items.filter { $0.action == .personCreated }.count == 4)
            // They are roster persons, so the staff room follows: the teachers are in it.
            let teacher = try await world.principal(try await world.signIn(DemoSchool.teachers[0].phone))
            #expect(try await world.parta.myChats(teacher).map(\.entry.chat.name) == ["Учительская"])
        }
    }
}
