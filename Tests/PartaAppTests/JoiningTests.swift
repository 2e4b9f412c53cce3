import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// A school with a 2026/2027 year (the manual clock starts on 1 September 2026) and class 10А.
struct JoiningSchool {
    var school: TestWorld.RosterSchool
    var year: SchoolYear
    var tenA: ClassID

    var id: OrganizationID { school.id }
    var admin: Caller { school.admin }

    init(_ world: TestWorld, name: String = "МБОУ «Средняя общеобразовательная школа № 5»", adminPhone: String = "+79990000010") async throws {
        school = try await world.rosterSchool(name, adminPhone: adminPhone)
        year = try await world.parta.createSchoolYear(school.admin, organization: school.id, name: "2026/2027")
        tenA = try await world.parta.createClass(
            school.admin, organization: school.id, schoolYear: year.id, label: ClassLabel(grade: 10, letter: "А")).schoolClass.id
    }
}

func expectCode(_ code: String, _ body: () async throws -> some Any) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), nothing was thrown")
    } catch let error as PartaError {
        #expect(error.code == code, "\(error)")
    } catch {
        Issue.record("expected \(code), got \(error)")
    }
}

@Suite("Joining an organization")
struct JoiningTests {
    @Test("a teacher applies through an invite, is accepted, verified, and counted", arguments: TestEngine.all)
    func teacherFlow(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let issued = try await p.createInvite(s.admin, organization: s.id, role: .teacher, classID: nil, note: "Учителя")
            #expect(issued.path == "/join/\(issued.token)")
            #expect(issued.view.invite.maxUses == 1)
            #expect(issued.view.status == .active)

            let preview = try await p.previewInvite(token: issued.token)
            #expect(preview.role == .teacher && preview.organization.organization.id == s.id)

            let teacher = try await world.principal(try await world.signIn("+79991230001"))
            let applied = try await p.applyToJoin(
                teacher, organization: s.id, JoinRequestInput(inviteToken: issued.token, surname: "Иванова", givenName: "Мария", patronymic: "Петровна"),
                clientAddress: "x")
            #expect(applied.request.status == .pending && applied.request.role == .teacher)
            #expect(applied.inviteNote == "Учителя")
            // The account had no name; the request gave it one.
            #expect(try await p.me(teacher).account.name.full == "Иванова Мария Петровна")
            #expect(try await p.me(teacher).organizations.isEmpty)
            #expect(try await p.me(teacher).joinRequests.map(\.request.status) == [.pending])
            let listed = try await p.invites(s.admin, organization: s.id, page: PageRequest())
            #expect(listed.items.map(\.invite.useCount) == [1])
            #expect(listed.items.map(\.status) == [.usedUp])

            let queue = try await p.joinRequests(s.admin, organization: s.id, filter: JoinRequestFilter(status: .pending), page: PageRequest())
            #expect(queue.items.map(\.request.id) == [applied.request.id])
            let accepted = try await p.acceptJoinRequest(s.admin, organization: s.id, request: applied.request.id)
            #expect(accepted.createdPerson)
            #expect(accepted.person.accountID == teacher.account.id && accepted.person.role == .teacher)

            let me = try await p.me(teacher)
            #expect(me.organizations.map(\.organization.id) == [s.id])
            #expect(me.organizations[0].roles == [.teacher])
            #expect(me.organizations[0].verified)
            #expect(me.organizations[0].teacherCount == 1)
            #expect(me.joinRequests.map(\.request.status) == [.accepted])
            #expect(me.joinRequests[0].person?.id == accepted.person.id)
            #expect(try await p.organization(s.admin, s.id).teacherCount == 1)
            // The accepted teacher is a roster person the administrator can make 10А's homeroom teacher.
            let homeroom = try await p.updateClass(s.admin, organization: s.id, id: s.tenA, homeroomTeacher: .some(accepted.person.id))
            #expect(homeroom.homeroomTeacher?.accountID == teacher.account.id)

            // Decided requests cannot be decided again; the audit log has the decision.
            await expectCode("request_decided") { try await p.rejectJoinRequest(s.admin, organization: s.id, request: applied.request.id, reason: nil) }
            let audit = try await world.database.read { try await $0.auditLog(organization: s.id, action: nil, page: PageRequest(perPage: 100)) }
            let actions = Set(audit.items.map(\.action))
            #expect(actions.isSuperset(of: [.inviteCreated, .joinRequested, .joinRequestAccepted, .personLinked]))
        }
    }

    @Test("every invite failure is named, and changes nothing", arguments: TestEngine.all)
    func inviteFailures(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let other = try await JoiningSchool(world, name: "Гимназия № 2", adminPhone: "+79990000020")
            let p = world.parta
            let applicant = try await world.principal(try await world.signIn("+79991230002"))
            let input = { (token: String) in JoinRequestInput(inviteToken: token, surname: "Сидоров", givenName: "Олег") }

            let expiring = try await p.createInvite(s.admin, organization: s.id, role: .employee, classID: nil,
                                                   expiresAt: world.clock.now().addingTimeInterval(3_600))
            let revoked = try await p.createInvite(s.admin, organization: s.id, role: .employee, classID: nil)
            let usedUp = try await p.createInvite(s.admin, organization: s.id, role: .employee, classID: nil)
            let foreign = try await p.createInvite(other.admin, organization: other.id, role: .employee, classID: nil)
            _ = try await p.revokeInvite(s.admin, organization: s.id, invite: revoked.view.invite.id)
            let first = try await world.principal(try await world.signIn("+79991230003"))
            _ = try await p.applyToJoin(first, organization: s.id, input(usedUp.token), clientAddress: "x")
            world.clock.advance(by: 3_600)

            await expectCode("invite_expired") { try await p.applyToJoin(applicant, organization: s.id, input(expiring.token), clientAddress: "x") }
            await expectCode("invite_expired") { try await p.previewInvite(token: expiring.token) }
            await expectCode("invite_revoked") { try await p.applyToJoin(applicant, organization: s.id, input(revoked.token), clientAddress: "x") }
            await expectCode("invite_used_up") { try await p.applyToJoin(applicant, organization: s.id, input(usedUp.token), clientAddress: "x") }
            await expectCode("invite_wrong_organization") { try await p.applyToJoin(applicant, organization: s.id, input(foreign.token), clientAddress: "x") }
            await expectCode("not_found") { try await p.applyToJoin(applicant, organization: s.id, input("not-a-token"), clientAddress: "x") }
            await expectCode("not_found") { try await p.previewInvite(token: String(repeating: "A", count: 43)) }
            // A role that contradicts the invite is refused rather than silently replaced.
            let fresh = try await p.createInvite(s.admin, organization: s.id, role: .employee, classID: nil)
            await expectCode("invite_mismatch") {
                try await p.applyToJoin(applicant, organization: s.id, JoinRequestInput(inviteToken: fresh.token, role: .teacher, surname: "Сидоров", givenName: "Олег"), clientAddress: "x")
            }

            // Nothing was written: no request, no use counted, the foreign invite untouched.
            #expect(try await p.myJoinRequests(applicant).isEmpty)
            let uses = try await p.invites(s.admin, organization: s.id, page: PageRequest()).items.map { ($0.invite.id, $0.invite.useCount) }
            #expect(uses.filter { $0.0 != usedUp.view.invite.id }.allSatisfy { $0.1 == 0 })
            #expect(try await p.invites(other.admin, organization: other.id, page: PageRequest()).items.map(\.invite.useCount) == [0])
            // The usable filter leaves out expired, revoked and used-up invites.
            #expect(try await p.invites(s.admin, organization: s.id, usableOnly: true, page: PageRequest()).items.map(\.invite.id) == [fresh.view.invite.id])
            // Administrators of one school cannot revoke another's invites.
            await expectCode("forbidden") { try await p.revokeInvite(s.admin, organization: other.id, invite: foreign.view.invite.id) }
            await expectCode("not_found") { try await p.revokeInvite(s.admin, organization: s.id, invite: foreign.view.invite.id) }
        }
    }

    @Test("two people racing for the last use: exactly one wins", arguments: TestEngine.all)
    func raceForLastUse(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let invite = try await p.createInvite(s.admin, organization: s.id, role: .student, classID: s.tenA, useLimit: .limited(3))
            // Two uses go to others first; then eight people race for the last one.
            for phone in ["+79991240001", "+79991240002"] {
                let someone = try await world.principal(try await world.signIn(phone))
                _ = try await p.applyToJoin(someone, organization: s.id, JoinRequestInput(inviteToken: invite.token, surname: "Ранний", givenName: "Ученик"), clientAddress: "x")
            }
            var racers: [Principal] = []
            for i in 0..<8 { racers.append(try await world.principal(try await world.signIn("+7999125000\(i)"))) }
            let outcomes = await withTaskGroup(of: String.self) { group in
                for racer in racers {
                    group.addTask {
                        do {
                            _ = try await p.applyToJoin(racer, organization: s.id, JoinRequestInput(inviteToken: invite.token, surname: "Быстров", givenName: "Иван"), clientAddress: "x")
                            return "won"
                        } catch let error as PartaError {
                            return error.code
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "won" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "invite_used_up" }.count == 7, "\(outcomes)")
            let stored = try await p.invites(s.admin, organization: s.id, page: PageRequest()).items[0]
            #expect(stored.invite.useCount == 3 && stored.status == .usedUp)
            let pending = try await p.joinRequests(s.admin, organization: s.id, filter: JoinRequestFilter(status: .pending), page: PageRequest())
            #expect(pending.total == 3)
        }
    }

    @Test("reject with a reason; withdraw; apply again; one pending request per role", arguments: TestEngine.all)
    func rejectWithdrawReapply(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let person = try await world.principal(try await world.signIn("+79991230004"))
            let input = JoinRequestInput(role: .student, classID: s.tenA, surname: "Котов", givenName: "Илья", birthDate: LocalDate("2010-02-03"))
            let first = try await p.applyToJoin(person, organization: s.id, input, clientAddress: "x")
            await expectCode("request_pending") { try await p.applyToJoin(person, organization: s.id, input, clientAddress: "x") }
            let rejected = try await p.rejectJoinRequest(s.admin, organization: s.id, request: first.request.id, reason: " Такого ученика нет в 10А ")
            #expect(rejected.request.status == .rejected)
            let mine = try await p.me(person).joinRequests
            #expect(mine.map(\.request.status) == [.rejected])
            #expect(mine[0].request.reason == "Такого ученика нет в 10А")
            #expect(try await p.me(person).organizations.isEmpty)

            let second = try await p.applyToJoin(person, organization: s.id, input, clientAddress: "x")
            let withdrawn = try await p.withdrawJoinRequest(person, request: second.request.id, clientAddress: "x")
            #expect(withdrawn.request.status == .withdrawn)
            await expectCode("request_decided") { try await p.withdrawJoinRequest(person, request: second.request.id, clientAddress: "x") }
            await expectCode("request_decided") { try await p.acceptJoinRequest(s.admin, organization: s.id, request: second.request.id) }
            // Someone else's request is not found for me.
            let stranger = try await world.principal(try await world.signIn("+79991230005"))
            let third = try await p.applyToJoin(person, organization: s.id, input, clientAddress: "x")
            await expectCode("not_found") { try await p.withdrawJoinRequest(stranger, request: third.request.id, clientAddress: "x") }
            #expect(try await p.myJoinRequests(person).map(\.request.status) == [.pending, .withdrawn, .rejected])

            // Accepting creates the student and enrolls them in 10А from today.
            let accepted = try await p.acceptJoinRequest(s.admin, organization: s.id, request: third.request.id)
            #expect(accepted.createdPerson)
            #expect(accepted.person.birthDate == LocalDate("2010-02-03"))
            let students = try await p.students(s.admin, organization: s.id, classID: s.tenA)
            #expect(students.map(\.id) == [accepted.person.id])
            // Now a member: applying again in the same role is refused.
            await expectCode("already_member") { try await p.applyToJoin(person, organization: s.id, input, clientAddress: "x") }
            // Someone who joined through a link code while their request waited gets no second roster person.
            let waiting = try await p.applyToJoin(stranger, organization: s.id, JoinRequestInput(role: .student, classID: s.tenA, surname: "Лисин", givenName: "Марк"), clientAddress: "x")
            let rosterMark = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .student, surname: "Лисин", givenName: "Марк")).person
            let code = try await p.createLinkCode(s.admin, organization: s.id, person: rosterMark.id)
            _ = try await p.confirmLinkCode(stranger, code: code.code, clientAddress: "x")
            let studentsBefore = try await p.persons(s.admin, organization: s.id, filter: PersonFilter(role: .student), page: PageRequest()).total
            await expectCode("already_member") { try await p.acceptJoinRequest(s.admin, organization: s.id, request: waiting.request.id) }
            #expect(try await p.persons(s.admin, organization: s.id, filter: PersonFilter(role: .student), page: PageRequest()).total == studentsBefore)
            _ = try await p.rejectJoinRequest(s.admin, organization: s.id, request: waiting.request.id, reason: "Уже в школе")

            // Bad input: no role, no class, a class of nobody's, an oversized reason.
            await expectCode("role_required") { try await p.applyToJoin(stranger, organization: s.id, JoinRequestInput(surname: "А", givenName: "Б"), clientAddress: "x") }
            await expectCode("class_required") { try await p.applyToJoin(stranger, organization: s.id, JoinRequestInput(role: .student, surname: "А", givenName: "Б"), clientAddress: "x") }
            await expectCode("not_found") { try await p.applyToJoin(stranger, organization: s.id, JoinRequestInput(role: .student, classID: ClassID(999), surname: "А", givenName: "Б"), clientAddress: "x") }
            let newcomer = try await world.principal(try await world.signIn("+79991230099"))
            await expectCode("name_required") { try await p.applyToJoin(newcomer, organization: s.id, JoinRequestInput(role: .teacher), clientAddress: "x") }
            #expect(try await p.myJoinRequests(stranger).map(\.request.status) == [.rejected])
        }
    }

    @Test("a parent joins through a class invite, is matched to the roster, and gets their child", arguments: TestEngine.all)
    func parentThroughClassInvite(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let child = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .student, surname: "Петров", givenName: "Пётр")).person
            _ = try await p.createOrder(s.admin, organization: s.id, student: child.id, kind: .enrollment, classID: s.tenA, date: LocalDate("2026-09-01"))
            let rosterParent = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .parent, surname: "Петрова", givenName: "Мария")).person
            try await p.addGuardianship(s.admin, organization: s.id, parent: rosterParent.id, student: child.id)

            let invite = try await p.createInvite(s.admin, organization: s.id, role: .parent, classID: s.tenA, note: "Родители 10А")
            #expect(invite.view.invite.maxUses == nil)
            #expect(invite.view.className == "10А")
            let parent = try await world.principal(try await world.signIn("+79991230006"))
            await expectCode("child_required") {
                try await p.applyToJoin(parent, organization: s.id, JoinRequestInput(inviteToken: invite.token, surname: "Петрова", givenName: "Мария"), clientAddress: "x")
            }
            let applied = try await p.applyToJoin(
                parent, organization: s.id,
                JoinRequestInput(inviteToken: invite.token, surname: "Петрова", givenName: "Мария", childSurname: "Петров", childGivenName: "Петр"),
                clientAddress: "x")
            #expect(applied.request.classID == s.tenA && applied.request.role == .parent)

            let details = try await p.joinRequest(s.admin, organization: s.id, request: applied.request.id)
            #expect(details.matches.first?.person.id == rosterParent.id)
            #expect(details.matches.first?.reasons.contains(.child) == true)
            #expect(details.childMatches.map(\.person.id) == [child.id])
            #expect(details.childMatches.first?.className == "10А")

            let accepted = try await p.acceptJoinRequest(
                s.admin, organization: s.id, request: applied.request.id, Acceptance(personID: rosterParent.id, childID: child.id))
            #expect(!accepted.createdPerson)
            #expect(accepted.person.id == rosterParent.id && accepted.person.accountID == parent.account.id)
            let me = try await p.me(parent)
            #expect(me.organizations.map(\.roles) == [[.parent]])
            #expect(!me.organizations[0].verified)
            let events = try await world.database.read { try await $0.rosterEvents(of: s.id) }.map(\.event)
            #expect(events.contains(.linked(rosterParent.id, parent.account.id)))

            // A roster person linked to someone else cannot be chosen for another applicant.
            let impostor = try await world.principal(try await world.signIn("+79991230007"))
            let second = try await p.applyToJoin(
                impostor, organization: s.id,
                JoinRequestInput(inviteToken: invite.token, surname: "Петрова", givenName: "Мария", childSurname: "Петров", childGivenName: "Пётр"),
                clientAddress: "x")
            #expect(try await p.joinRequest(s.admin, organization: s.id, request: second.request.id).matches.isEmpty)
            await expectCode("already_linked") {
                try await p.acceptJoinRequest(s.admin, organization: s.id, request: second.request.id, Acceptance(personID: rosterParent.id, childID: child.id))
            }
            await expectCode("role_mismatch") {
                try await p.acceptJoinRequest(s.admin, organization: s.id, request: second.request.id, Acceptance(personID: child.id))
            }
            // A new parent without a chosen child is refused (they would be in no chat), and nothing was created.
            let before = try await p.persons(s.admin, organization: s.id, filter: PersonFilter(role: .parent), page: PageRequest()).total
            await expectCode("child_required") { try await p.acceptJoinRequest(s.admin, organization: s.id, request: second.request.id) }
            #expect(try await p.persons(s.admin, organization: s.id, filter: PersonFilter(role: .parent), page: PageRequest()).total == before)
            #expect(try await p.joinRequest(s.admin, organization: s.id, request: second.request.id).view.request.status == .pending)
        }
    }

    @Test("bulk accept links confident matches and creates the rest", arguments: TestEngine.all)
    func bulkAccept(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let known = try await p.createPerson(s.admin, organization: s.id, PersonInput(role: .student, surname: "Орлова", givenName: "Вера")).person
            _ = try await p.createOrder(s.admin, organization: s.id, student: known.id, kind: .enrollment, classID: s.tenA, date: LocalDate("2026-09-01"))
            let invite = try await p.createInvite(s.admin, organization: s.id, role: .student, classID: s.tenA)
            var ids: [JoinRequestID] = []
            for (phone, surname, given) in [("+79991260001", "Орлова", "Вера"), ("+79991260002", "Новиков", "Глеб")] {
                let applicant = try await world.principal(try await world.signIn(phone))
                ids.append(try await p.applyToJoin(applicant, organization: s.id, JoinRequestInput(inviteToken: invite.token, surname: surname, givenName: given), clientAddress: "x").request.id)
            }
            let results = try await p.acceptJoinRequests(s.admin, organization: s.id, requests: ids + [JoinRequestID(9_999)])
            #expect(results.count == 3)
            let first = try results[0].1.get(), second = try results[1].1.get()
            #expect(!first.createdPerson && first.person.id == known.id)
            #expect(second.createdPerson)
            if case .failure(let error) = results[2].1 { #expect(error.code == "not_found") } else { Issue.record("an unknown id was accepted") }
            #expect(Set(try await p.students(s.admin, organization: s.id, classID: s.tenA).map(\.id)) == [known.id, second.person.id])
            await expectCode("invalid_ids") { try await p.acceptJoinRequests(s.admin, organization: s.id, requests: []) }
        }
    }

    @Test("only administrators see and decide the queue or manage invites", arguments: TestEngine.all)
    func queueIsForAdministrators(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let other = try await JoiningSchool(world, name: "Гимназия № 2", adminPhone: "+79990000020")
            let p = world.parta
            let applicant = try await world.principal(try await world.signIn("+79991230008"))
            let request = try await p.applyToJoin(applicant, organization: s.id, JoinRequestInput(role: .teacher, surname: "Лебедев", givenName: "Антон"), clientAddress: "x")
            let member = try await p.attachMember(world.system, organization: s.id, name: "Учитель Обычный", phone: "+79991230009", role: .teacher, verified: true)
            let memberCaller = Caller.account(member.id, from: "x")
            for caller in [applicant.caller(from: "x"), memberCaller, other.admin] {
                await expectCode("forbidden") { try await p.joinRequests(caller, organization: s.id, filter: JoinRequestFilter(), page: PageRequest()) }
                await expectCode("forbidden") { try await p.joinRequest(caller, organization: s.id, request: request.request.id) }
                await expectCode("forbidden") { try await p.acceptJoinRequest(caller, organization: s.id, request: request.request.id) }
                await expectCode("forbidden") { try await p.rejectJoinRequest(caller, organization: s.id, request: request.request.id, reason: nil) }
                await expectCode("forbidden") { try await p.acceptJoinRequests(caller, organization: s.id, requests: [request.request.id]) }
                await expectCode("forbidden") { try await p.createInvite(caller, organization: s.id, role: .teacher, classID: nil) }
                await expectCode("forbidden") { try await p.revokeUnusedInvites(caller, organization: s.id) }
            }
            #expect(try await p.joinRequest(s.admin, organization: s.id, request: request.request.id).view.request.status == .pending)
            // An administrator of another school cannot reach this school's request through their own.
            await expectCode("not_found") { try await p.acceptJoinRequest(other.admin, organization: other.id, request: request.request.id) }
        }
    }

    @Test("revoke all unused invites in one action", arguments: TestEngine.all)
    func revokeUnused(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let used = try await p.createInvite(s.admin, organization: s.id, role: .student, classID: s.tenA)
            let unusedA = try await p.createInvite(s.admin, organization: s.id, role: .teacher, classID: nil)
            let unusedB = try await p.createInvite(s.admin, organization: s.id, role: .parent, classID: s.tenA)
            let someone = try await world.principal(try await world.signIn("+79991230010"))
            _ = try await p.applyToJoin(someone, organization: s.id, JoinRequestInput(inviteToken: used.token, surname: "Белов", givenName: "Ян"), clientAddress: "x")
            #expect(try await p.revokeUnusedInvites(s.admin, organization: s.id) == 2)
            #expect(try await p.revokeUnusedInvites(s.admin, organization: s.id) == 0)
            let statuses = Dictionary(uniqueKeysWithValues: try await p.invites(s.admin, organization: s.id, page: PageRequest()).items.map { ($0.invite.id, $0.status) })
            #expect(statuses == [used.view.invite.id: .active, unusedA.view.invite.id: .revoked, unusedB.view.invite.id: .revoked])
            await expectCode("invite_revoked") { try await p.previewInvite(token: unusedA.token) }
        }
    }

    @Test("an invite's link is shown again to its administrators while it works, and only by a server with its key", arguments: TestEngine.all)
    func inviteLinkShownAgain(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let other = try await JoiningSchool(world, name: "Гимназия № 2", adminPhone: "+79990000020")
            let p = world.parta
            let made = try await p.createInvite(s.admin, organization: s.id, role: .parent, classID: s.tenA, note: "Собрание 10А")
            #expect(made.view.linkKept)

            // The same token, hence the same link and preview, as often as asked; each showing audited.
            let again = try await p.inviteLink(s.admin, organization: s.id, invite: made.view.invite.id)
            #expect(again.token == made.token)
            #expect(again.view == made.view)
            #expect(try await p.previewInvite(token: again.token).className == "10А")
            let shown = try await world.database.read {
                try await $0.auditLog(organization: s.id, action: .inviteLinkShown, page: PageRequest())
            }
            #expect(shown.items.map { [$0.targetType, $0.targetID] } == [["invite", "\(made.view.invite.id)"]])
            #expect(try await p.invites(s.admin, organization: s.id, page: PageRequest()).items.map(\.linkKept) == [true])

            // Nobody else: a member, an applicant, another school's administrator (who reaches only their own invites).
            let member = try await p.attachMember(world.system, organization: s.id, name: "Учитель Обычный", phone: "+79991230009", role: .teacher, verified: true)
            for caller in [Caller.account(member.id, from: "x"), other.admin] {
                await expectCode("forbidden") { try await p.inviteLink(caller, organization: s.id, invite: made.view.invite.id) }
            }
            await expectCode("not_found") { try await p.inviteLink(other.admin, organization: other.id, invite: made.view.invite.id) }
            await expectCode("not_found") { try await p.inviteLink(s.admin, organization: s.id, invite: InviteID(rawValue: 999_999)) }

            // The key: a sealed token opens only where its key is, and the link keeps working elsewhere.
            for server in [world.server(sealing: .ephemeral()), world.server(sealing: nil)] {
                await expectCode("invite_link_not_kept") { try await server.inviteLink(s.admin, organization: s.id, invite: made.view.invite.id) }
                #expect(try await server.invites(s.admin, organization: s.id, page: PageRequest()).items.map(\.linkKept) == [false])
                #expect(try await server.previewInvite(token: made.token).role == .parent)
            }
            // A server without a key makes links that are shown only once.
            let once = try await world.server(sealing: nil).createInvite(s.admin, organization: s.id, role: .teacher, classID: nil)
            #expect(!once.view.linkKept)
            await expectCode("invite_link_not_kept") { try await p.inviteLink(s.admin, organization: s.id, invite: once.view.invite.id) }

            // A link that no longer works is not shown: it says why.
            _ = try await p.revokeInvite(s.admin, organization: s.id, invite: made.view.invite.id)
            await expectCode("invite_revoked") { try await p.inviteLink(s.admin, organization: s.id, invite: made.view.invite.id) }
            #expect(try await p.invites(s.admin, organization: s.id, page: PageRequest()).items.map(\.linkKept) == [false, false])
            let expiring = try await p.createInvite(s.admin, organization: s.id, role: .teacher, classID: nil)
            world.clock.advance(by: 8 * 86_400)
            await expectCode("invite_expired") { try await p.inviteLink(s.admin, organization: s.id, invite: expiring.view.invite.id) }
            let audited = try await world.database.read {
                try await $0.auditLog(organization: s.id, action: .inviteLinkShown, page: PageRequest())
            }
            #expect(audited.total == 1)
        }
    }

    @Test("administrators grant and revoke administrator rights; never the last", arguments: TestEngine.all)
    func administrators(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await JoiningSchool(world)
            let p = world.parta
            let teacher = try await p.attachMember(world.system, organization: s.id, name: "Зайцева Нина", phone: "+79991230011", role: .teacher, verified: true)
            let outsider = try await world.principal(try await world.signIn("+79991230012"))
            await expectCode("not_a_member") { try await p.grantAdministrator(s.admin, organization: s.id, account: outsider.account.id) }
            await expectCode("forbidden") { try await p.grantAdministrator(Caller.account(teacher.id, from: "x"), organization: s.id, account: teacher.id) }
            let admins = try await p.grantAdministrator(s.admin, organization: s.id, account: teacher.id)
            #expect(Set(admins.map(\.accountID)) == [s.school.adminPrincipal.account.id, teacher.id])
            #expect(try await p.members(s.admin, organization: s.id, role: .administrator, query: "", page: PageRequest()).total == 2)
            // The new administrator removes the first; then cannot remove themself, the last.
            let newAdmin = Caller.account(teacher.id, from: "x")
            _ = try await p.revokeAdministrator(newAdmin, organization: s.id, account: s.school.adminPrincipal.account.id)
            await expectCode("last_administrator") { try await p.revokeAdministrator(newAdmin, organization: s.id, account: teacher.id) }
            // The first administrator, no longer one, cannot act.
            await expectCode("forbidden") { try await p.grantAdministrator(s.admin, organization: s.id, account: s.school.adminPrincipal.account.id) }
            let audit = try await world.database.read { try await $0.auditLog(organization: s.id, action: nil, page: PageRequest(perPage: 100)) }
            #expect(audit.items.filter { $0.action == .administratorGranted && $0.targetID == "\(teacher.id)" }.count == 1)
            #expect(audit.items.contains { $0.action == .administratorRevoked && $0.targetID == "\(s.school.adminPrincipal.account.id)" })
            // The members list shows names and roles, never phone numbers.
            let members = try await p.members(newAdmin, organization: s.id, role: nil, query: "зайцева", page: PageRequest())
            #expect(members.items.map(\.roles) == [[.administrator, .teacher]])
            #expect(members.items[0].verified)
        }
    }

    @Test("the active-organization rule at each boundary", arguments: TestEngine.all)
    func activeOrganization(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let p = world.parta
            // Registered, administrator not yet signed in.
            let registered = try await world.registerSchool()
            let id = registered.summary.organization.id
            var activity = try #require(try await p.organization(world.system, id).activity)
            #expect(activity.missing == [.administratorSignedIn, .profileComplete, .verifiedTeachers])
            #expect(activity.missingProfileFields.contains("address"))

            let admin = try await world.principal(try await world.signIn("+79990000010")).caller(from: "x")
            _ = try await p.updateProfile(admin, organization: id, ProfilePatch(address: "г. Тверь, ул. Советская, 5", email: "s5@example.org"))
            activity = try #require(try await p.organization(admin, id).activity)
            #expect(activity.missing == [.verifiedTeachers])

            // Two verified teachers and an unverified one: not yet.
            for (i, verified) in [(1, true), (2, true), (3, false)] {
                _ = try await p.attachMember(world.system, organization: id, name: "Учитель Номер\(["", "один", "два", "три"][i])", phone: "+7999127000\(i)", role: .teacher, verified: verified)
            }
            activity = try #require(try await p.organization(admin, id).activity)
            #expect(activity.verifiedTeachers == 2)
            #expect(!activity.isActive && activity.missing == [.verifiedTeachers])

            // The third verified teacher joins through a request: active.
            let invite = try await p.createInvite(admin, organization: id, role: .teacher, classID: nil)
            let third = try await world.principal(try await world.signIn("+79991270004"))
            let request = try await p.applyToJoin(third, organization: id, JoinRequestInput(inviteToken: invite.token, surname: "Третья", givenName: "Учительница"), clientAddress: "x")
            _ = try await p.acceptJoinRequest(admin, organization: id, request: request.request.id)
            activity = try #require(try await p.organization(admin, id).activity)
            #expect(activity.isActive && activity.verifiedTeachers == 3)
            // Members see it too; strangers see no activity at all.
            #expect(try await p.organization(third.caller(from: "x"), id).activity?.isActive == true)
            let stranger = try await world.principal(try await world.signIn("+79991270005"))
            #expect(try await p.organization(stranger.caller(from: "x"), id).activity == nil)
        }
    }
}
