import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import SQLKit
import Testing

@Suite("Linking roster persons to accounts")
struct LinkingTests {
    @Test("a code links once; the account joins in the person's role; unlinking leaves", arguments: TestEngine.all)
    func linking(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let teacher = try await p.createPerson(school.admin, organization: school.id,
                PersonInput(role: .teacher, surname: "Иванова", givenName: "Мария", externalID: "T-1")).person
            let issued = try await p.createLinkCode(school.admin, organization: school.id, person: teacher.id)
            #expect(issued.path == "/link/\(issued.code)")
            #expect(issued.expiresAt == world.clock.now().addingTimeInterval(86_400))

            let me = try await world.principal(try await world.signIn("+79991112233"))
            let preview = try await p.previewLinkCode(code: issued.code, clientAddress: "192.0.2.1")
            #expect(preview.person.name.full == "Иванова Мария")
            let linked = try await p.confirmLinkCode(me, code: issued.code, clientAddress: "x")
            #expect(linked.person.accountID == me.account.id)
            // Signed up to follow the code, without a name yet: the account takes the roster's.
            #expect(me.account.name == .empty)
            #expect(try await world.database.read { try await $0.account(me.account.id) }?.name == teacher.name)
            let view = try await p.me(me)
            #expect(view.organizations.map(\.roles) == [[.teacher]])
            #expect(view.organizations[0].verified)
            #expect(try await p.myLinks(me).map(\.person.id) == [teacher.id])

            // Single use, even by someone else; a refused code names nobody.
            let other = try await world.principal(try await world.signIn("+79991112244"))
            _ = try await p.updateMyName(other, PersonName(surname: "Сидоров", givenName: "Олег"))
            do {
                _ = try await p.confirmLinkCode(other, code: issued.code, clientAddress: "x")
                Issue.record("a used code linked again")
            } catch let error as PartaError {
                #expect(error.code == "link_code_used")
            }
            #expect(try await world.database.read { try await $0.account(other.account.id) }?.name == PersonName(surname: "Сидоров", givenName: "Олег"))
            // A linked person gets no new code.
            await #expect(throws: PartaError.self) { try await p.createLinkCode(school.admin, organization: school.id, person: teacher.id) }

            try await p.unlink(me, person: teacher.id, clientAddress: "x")
            #expect(try await p.me(me).organizations.isEmpty)
            let events = try await world.database.read { try await $0.rosterEvents(of: school.id) }.map(\.event)
            #expect(events.contains(.linked(teacher.id, me.account.id)))
            #expect(events.contains(.unlinked(teacher.id, me.account.id)))
            // Someone else cannot unlink what is not theirs.
            await #expect(throws: PartaError.self) { try await p.unlink(other, person: teacher.id, clientAddress: "x") }
        }
    }

    @Test("codes expire after 24 hours; unknown codes are not found", arguments: TestEngine.all)
    func expiry(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let student = try await world.parta.createPerson(school.admin, organization: school.id,
                PersonInput(role: .student, surname: "Петров", givenName: "Пётр")).person
            let issued = try await world.parta.createLinkCode(school.admin, organization: school.id, person: student.id)
            let me = try await world.principal(try await world.signIn("+79991112233"))
            world.clock.advance(by: 86_400)
            do {
                _ = try await world.parta.confirmLinkCode(me, code: issued.code, clientAddress: "x")
                Issue.record("an expired code linked")
            } catch let error as PartaError {
                #expect(error.code == "link_code_expired")
            }
            #expect(try await world.database.read { try await $0.person(student.id, in: school.id) }?.accountID == nil)
            await #expect(throws: PartaError.notFound("This link code")) {
                try await world.parta.previewLinkCode(code: Secrets.newToken(), clientAddress: "192.0.2.1")
            }
        }
    }

    @Test("link codes: short ones under a keyed hash, the school system's long; guessing is held off per address", arguments: TestEngine.all)
    func linkCodeGuarding(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let student = try await p.createPerson(school.admin, organization: school.id,
                PersonInput(role: .student, surname: "Петров", givenName: "Пётр")).person
            let card = try await p.createLinkCode(school.admin, organization: school.id, person: student.id)
            #expect(card.code.count == 12)
            let key = try await p.createAPIKey(school.admin, organization: school.id, name: "journal")
            let system = try #require(try await p.authenticateAPIKey(key.key, clientAddress: "192.0.2.7"))
            let followed = try await p.createLinkCode(system, organization: school.id, person: student.id)
            #expect(Secrets.looksLikeToken(followed.code))

            // A database copy holds no plain hash of the short code: it is stored under the server's key.
            let hashes = try await world.database.read { store in
                try await store.sql.raw("SELECT code_hash FROM link_codes ORDER BY id").all().map { try $0.decode(column: "code_hash", as: String.self) }
            }
            #expect(hashes.count == 2 && hashes[0].hasPrefix("k1:") && !hashes.contains(Secrets.hashToken(card.code)))
            #expect(hashes[1] == Secrets.hashToken(followed.code))
            await expectCode("not_found") { try await world.server(sealing: .ephemeral()).previewLinkCode(code: card.code, clientAddress: "192.0.2.2") }
            await expectCode("not_found") { try await world.server(sealing: nil).previewLinkCode(code: card.code, clientAddress: "192.0.2.2") }
            // Both codes work on this server; the school system's on any.
            #expect(try await p.previewLinkCode(code: card.display.lowercased(), clientAddress: "192.0.2.2").person.id == student.id)
            #expect(try await world.server(sealing: nil).previewLinkCode(code: followed.code, clientAddress: "192.0.2.2").person.id == student.id)

            // Ten misses from one address in a minute, and that address is held off — even with a good code;
            // another address is not. Time gives the tries back.
            for _ in 0..<10 {
                await expectCode("not_found") { try await p.previewLinkCode(code: Secrets.newLinkCode(), clientAddress: "198.51.100.9") }
            }
            await expectCode("too_many_requests") { try await p.previewLinkCode(code: card.code, clientAddress: "198.51.100.9") }
            let guesser = try await world.principal(try await world.signIn("+79991112244"))
            await expectCode("too_many_requests") { try await p.confirmLinkCode(guesser, code: card.code, clientAddress: "198.51.100.9") }
            #expect(try await p.previewLinkCode(code: card.code, clientAddress: "198.51.100.10").person.id == student.id)
            world.clock.advance(by: 61)
            #expect(try await p.previewLinkCode(code: card.code, clientAddress: "198.51.100.9").person.id == student.id)
            #expect(try await world.database.read { try await $0.person(student.id, in: school.id) }?.accountID == nil)
        }
    }

    @Test("a teacher who is also a parent keeps one account in two schools", arguments: TestEngine.all)
    func severalOrganizations(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let a = try await world.rosterSchool()
            let b = try await world.rosterSchool("МБОУ «Лицей № 2»", adminPhone: "+79990000020")
            let p = world.parta
            let teacher = try await p.createPerson(a.admin, organization: a.id, PersonInput(role: .teacher, surname: "Иванова", givenName: "Мария")).person
            let parent = try await p.createPerson(b.admin, organization: b.id, PersonInput(role: .parent, surname: "Иванова", givenName: "Мария")).person
            let son = try await p.createPerson(b.admin, organization: b.id, PersonInput(role: .student, surname: "Иванов", givenName: "Пётр")).person
            try await p.addGuardianship(b.admin, organization: b.id, parent: parent.id, student: son.id)
            let me = try await world.principal(try await world.signIn("+79991112233"))
            _ = try await p.confirmLinkCode(me, code: try await p.createLinkCode(a.admin, organization: a.id, person: teacher.id).code, clientAddress: "x")
            _ = try await p.confirmLinkCode(me, code: try await p.createLinkCode(b.admin, organization: b.id, person: parent.id).code, clientAddress: "x")
            let roles = try await p.me(me).organizations.map(\.roles)
            #expect(Set(roles) == [[.teacher], [.parent]])
        }
    }
}

@Suite("The school system's API keys and upserts")
struct IntegrationTests {
    @Test("keys: created once, authenticate, revoke; scoped to their school", arguments: TestEngine.all)
    func keys(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let a = try await world.rosterSchool()
            let b = try await world.rosterSchool("МБОУ «Лицей № 2»", adminPhone: "+79990000020")
            let p = world.parta
            let issued = try await p.createAPIKey(a.admin, organization: a.id, name: "Электронный журнал")
            #expect(issued.key.hasPrefix("pk_"))
            #expect(try await p.apiKeys(a.admin, organization: a.id).map(\.prefix) == [String(issued.key.prefix(10))])
            await #expect(throws: PartaError.self) { try await p.apiKeys(b.admin, organization: a.id) }
            let caller = try #require(try await p.authenticateAPIKey(issued.key, clientAddress: "10.0.0.9"))
            _ = try await p.upsertPerson(caller, organization: a.id, externalID: "S-1", PersonInput(role: .student, surname: "Петров", givenName: "Пётр"))
            // A key of school A cannot touch school B.
            await #expect(throws: PartaError.self) {
                try await p.upsertPerson(caller, organization: b.id, externalID: "S-1", PersonInput(role: .student, surname: "Петров", givenName: "Пётр"))
            }
            #expect(try await p.persons(b.admin, organization: b.id, filter: PersonFilter(), page: PageRequest()).total == 0)
            // Nor manage keys.
            await #expect(throws: PartaError.self) { try await p.createAPIKey(caller, organization: a.id, name: "другой") }
            let audit = try await p.auditLog(a.admin, organization: a.id, action: .personCreated, page: PageRequest())
            #expect(audit.items.first?.actorLabel == "integration:Электронный журнал")

            try await p.revokeAPIKey(a.admin, organization: a.id, id: issued.info.id)
            #expect(try await p.authenticateAPIKey(issued.key, clientAddress: "x") == nil)
            #expect(try await p.authenticateAPIKey("pk_nonsense", clientAddress: "x") == nil)
            await #expect(throws: PartaError.notFound("That API key")) {
                try await p.revokeAPIKey(b.admin, organization: b.id, id: issued.info.id)
            }
        }
    }

    @Test("upserts are idempotent by external id, so the school system may retry", arguments: TestEngine.all)
    func idempotence(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let school = try await world.rosterSchool()
            let p = world.parta
            let key = try await p.createAPIKey(school.admin, organization: school.id, name: "ЭЖ").key
            let sis = try #require(try await p.authenticateAPIKey(key, clientAddress: "x"))
            let input = PersonInput(role: .student, surname: "Петров", givenName: "Пётр", birthDate: LocalDate("2010-05-17"))
            let first = try await p.upsertPerson(sis, organization: school.id, externalID: "S-1", input)
            let again = try await p.upsertPerson(sis, organization: school.id, externalID: "S-1", input)
            #expect(first.created && !again.created && !again.changed)
            #expect(first.value.person.id == again.value.person.id)
            var renamed = input
            renamed.givenName = "Петр"
            #expect(try await p.upsertPerson(sis, organization: school.id, externalID: "S-1", renamed).changed)

            _ = try await p.upsertPerson(sis, organization: school.id, externalID: "T-1", PersonInput(role: .teacher, surname: "Иванова", givenName: "Мария"))
            _ = try await p.upsertPerson(sis, organization: school.id, externalID: "P-1", PersonInput(role: .parent, surname: "Петрова", givenName: "Анна"))
            let c1 = try await p.upsertClass(sis, organization: school.id, externalID: "C-10A", schoolYear: "2025/2026", label: ClassLabel(grade: 10, letter: "А"), homeroomTeacherExternalID: "T-1")
            let c2 = try await p.upsertClass(sis, organization: school.id, externalID: "C-10A", schoolYear: "2025/2026", label: ClassLabel(grade: 10, letter: "А"), homeroomTeacherExternalID: "T-1")
            #expect(c1.created && !c2.changed)
            #expect(c2.value.homeroomTeacher?.externalID == "T-1")
            let s1 = try await p.upsertSubject(sis, organization: school.id, externalID: "SUB-EN", name: "Английский язык")
            let s2 = try await p.upsertSubject(sis, organization: school.id, externalID: "SUB-EN", name: "Английский язык")
            #expect(s1.created && !s2.changed)
            let a1 = try await p.upsertAssignment(sis, organization: school.id, externalID: "A-1", teacher: "T-1", subject: "SUB-EN", classExternalID: "C-10A", group: "Англ.яз/1", students: ["S-1"])
            let a2 = try await p.upsertAssignment(sis, organization: school.id, externalID: "A-1", teacher: "T-1", subject: "SUB-EN", classExternalID: "C-10A", group: "Англ.яз/1", students: ["S-1"])
            #expect(a1.created && !a2.changed)
            try await p.putGuardianship(sis, organization: school.id, parent: "P-1", student: "S-1")
            try await p.putGuardianship(sis, organization: school.id, parent: "P-1", student: "S-1")

            let o1 = try await p.putOrder(sis, organization: school.id, externalID: "O-1", student: "S-1", kind: .enrollment, classExternalID: "C-10A", date: LocalDate("2025-09-01"))
            let o2 = try await p.putOrder(sis, organization: school.id, externalID: "O-1", student: "S-1", kind: .enrollment, classExternalID: "C-10A", date: LocalDate("2025-09-01"))
            #expect(o1.created && !o2.changed)
            #expect(o1.value.order.id == o2.value.order.id)
            await #expect(throws: PartaError.self) {
                try await p.putOrder(sis, organization: school.id, externalID: "O-1", student: "S-1", kind: .enrollment, classExternalID: "C-10A", date: LocalDate("2025-09-02"))
            }
            #expect(try await p.cancelOrder(sis, organization: school.id, externalID: "O-1").changed)
            #expect(try await !p.cancelOrder(sis, organization: school.id, externalID: "O-1").changed)
            let orders = try await p.orders(school.admin, organization: school.id, page: PageRequest())
            #expect(orders.total == 1)
            let events = try await world.database.read { try await $0.rosterEvents(of: school.id) }
            let eventCount = events.count
            // Repeating everything once more records no new events.
            _ = try await p.upsertPerson(sis, organization: school.id, externalID: "S-1", renamed)
            _ = try await p.upsertClass(sis, organization: school.id, externalID: "C-10A", schoolYear: "2025/2026", label: ClassLabel(grade: 10, letter: "А"), homeroomTeacherExternalID: "T-1")
            _ = try await p.upsertAssignment(sis, organization: school.id, externalID: "A-1", teacher: "T-1", subject: "SUB-EN", classExternalID: "C-10A", group: "Англ.яз/1", students: ["S-1"])
            _ = try await p.putOrder(sis, organization: school.id, externalID: "O-1", student: "S-1", kind: .enrollment, classExternalID: "C-10A", date: LocalDate("2025-09-01"))
            #expect(try await world.database.read { try await $0.rosterEvents(of: school.id) }.count == eventCount)
            await #expect(throws: PartaError.notFound("The person with external id «nobody»")) {
                try await p.putGuardianship(sis, organization: school.id, parent: "nobody", student: "S-1")
            }
        }
    }
}
