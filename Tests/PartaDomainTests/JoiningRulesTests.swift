import Foundation
import PartaDomain
import Testing

@Suite("Invite rules")
struct InviteRulesTests {
    static let now = Date(timeIntervalSince1970: 1_760_000_000)
    static let org = OrganizationID(1)
    static let tenA = ClassID(7)

    @Test("defaults: seven days; unlimited for class invites, one use for staff", arguments: RosterRole.allCases)
    func defaults(role: RosterRole) throws {
        let terms = try InviteRules.terms(
            role: role, classID: role.isStaff ? nil : Self.tenA, expiresAt: nil, useLimit: .default, note: nil, now: Self.now)
        #expect(terms.expiresAt == Self.now.addingTimeInterval(7 * 86_400))
        #expect(terms.maxUses == (role.isStaff ? 1 : nil))
        #expect(terms.note == "")
    }

    @Test("bad terms are refused with the field's code", arguments: [
        (RosterRole.teacher, ClassID(7), nil, InviteUseLimit.default, "", "class_not_allowed"),
        (.student, nil, nil, .default, "", "class_required"),
        (.parent, nil, nil, .default, "", "class_required"),
        (.teacher, nil, 59 * 60, .default, "", "invalid_expiry"),
        (.teacher, nil, 91 * 86_400, .default, "", "invalid_expiry"),
        (.teacher, nil, -3_600, .default, "", "invalid_expiry"),
        (.student, ClassID(7), nil, .limited(0), "", "invalid_max_uses"),
        (.student, ClassID(7), nil, .limited(10_001), "", "invalid_max_uses"),
        (.teacher, nil, nil, .default, String(repeating: "я", count: 201), "invalid_note"),
    ] as [(RosterRole, ClassID?, TimeInterval?, InviteUseLimit, String, String)])
    func refused(role: RosterRole, classID: ClassID?, lifetime: TimeInterval?, limit: InviteUseLimit, note: String, code: String) {
        #expect {
            _ = try InviteRules.terms(
                role: role, classID: classID, expiresAt: lifetime.map { Self.now.addingTimeInterval($0) }, useLimit: limit,
                note: note, now: Self.now)
        } throws: { ($0 as? PartaError)?.code == code }
    }

    @Test("an expiry asked as an instant or in days, not both; days far out of range are refused by the lifetime rule")
    func requestedExpiry() throws {
        let at = Self.now.addingTimeInterval(3 * 86_400)
        #expect(try InviteRules.requestedExpiry(at: at, inDays: nil, now: Self.now) == at)
        #expect(try InviteRules.requestedExpiry(at: nil, inDays: 3, now: Self.now) == at)
        #expect(try InviteRules.requestedExpiry(at: nil, inDays: nil, now: Self.now) == nil)
        #expect((#expect(throws: PartaError.self) { try InviteRules.requestedExpiry(at: at, inDays: 3, now: Self.now) })?.code == "invalid_expiry")
        for days in [-1, 91, Int.max] {
            let asked = try InviteRules.requestedExpiry(at: nil, inDays: days, now: Self.now)
            #expect((#expect(throws: PartaError.self) { try InviteRules.expiry(asked, now: Self.now) })?.code == "invalid_expiry", "\(days)")
        }
    }

    @Test("explicit limits and boundaries are kept")
    func explicit() throws {
        let unlimitedStaff = try InviteRules.terms(
            role: .employee, classID: nil, expiresAt: Self.now.addingTimeInterval(3_600), useLimit: .unlimited,
            note: "  столовая  ", now: Self.now)
        #expect(unlimitedStaff.maxUses == nil)
        #expect(unlimitedStaff.note == "столовая")
        let limitedClass = try InviteRules.terms(
            role: .parent, classID: Self.tenA, expiresAt: Self.now.addingTimeInterval(90 * 86_400), useLimit: .limited(30),
            note: nil, now: Self.now)
        #expect(limitedClass.maxUses == 30)
    }

    static func invite(maxUses: Int? = nil, used: Int = 0, revoked: Bool = false, expiresIn: TimeInterval = 3_600) -> Invite {
        Invite(
            id: InviteID(1), organizationID: org, role: .student, classID: tenA, note: "", createdAt: now, createdBy: nil,
            expiresAt: now.addingTimeInterval(expiresIn), maxUses: maxUses, useCount: used,
            revokedAt: revoked ? now : nil)
    }

    @Test("each unusable invite names its reason", arguments: [
        (invite(), nil, nil),
        (invite(maxUses: 2, used: 1), nil, nil),
        (invite(expiresIn: 0), nil, "invite_expired"),
        (invite(expiresIn: -1), nil, "invite_expired"),
        (invite(revoked: true), nil, "invite_revoked"),
        (invite(maxUses: 1, used: 1), nil, "invite_used_up"),
        // Revoked wins over used up, used up over expired.
        (invite(maxUses: 1, used: 1, revoked: true, expiresIn: -1), nil, "invite_revoked"),
        (invite(maxUses: 1, used: 1, expiresIn: -1), nil, "invite_used_up"),
        (invite(), OrganizationID(2), "invite_wrong_organization"),
    ] as [(Invite, OrganizationID?, String?)])
    func check(invite: Invite, organization: OrganizationID?, code: String?) {
        do {
            try InviteRules.check(invite, organization: organization ?? Self.org, now: Self.now)
            #expect(code == nil)
        } catch {
            #expect(error.code == code)
            #expect(error.kind == (code == "invite_wrong_organization" ? .badRequest : .gone))
        }
    }
}

@Suite("Join request rules")
struct JoinRulesTests {
    static let today = LocalDate(parsing: "2025-10-01")!
    static let name = PersonName(surname: "Петров", givenName: "Пётр")
    static let child = PersonName(surname: "Петрова", givenName: "Анна")

    @Test("applications: class for students and parents only, a child for parents only", arguments: [
        (RosterRole.student, ClassID(1), nil, nil, nil),
        (.parent, ClassID(1), child, nil, nil),
        (.teacher, nil, nil, nil, nil),
        (.teacher, ClassID(1), nil, nil, "class_not_allowed"),
        (.student, nil, nil, nil, "class_required"),
        (.parent, ClassID(1), nil, nil, "child_required"),
        (.student, ClassID(1), child, nil, "child_not_allowed"),
        (.employee, nil, nil, LocalDate(parsing: "2025-10-02")!, "invalid_date"),
    ] as [(RosterRole, ClassID?, PersonName?, LocalDate?, String?)])
    func application(role: RosterRole, classID: ClassID?, childName: PersonName?, birthDate: LocalDate?, code: String?) {
        do {
            _ = try JoinRules.check(
                JoinApplication(role: role, classID: classID, name: Self.name, birthDate: birthDate, childName: childName),
                today: Self.today)
            #expect(code == nil)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("one pending request per role; members do not apply again, except parents (one request per child)", arguments: [
        (RosterRole.teacher, false, false, nil),
        (.teacher, true, false, "request_pending"),
        (.teacher, false, true, "already_member"),
        (.student, false, true, "already_member"),
        (.parent, false, true, nil),
        (.parent, true, true, "request_pending"),
    ] as [(RosterRole, Bool, Bool, String?)])
    func newRequest(role: RosterRole, pending: Bool, holds: Bool, code: String?) {
        do {
            try JoinRules.checkNewRequest(role: role, hasPendingRequest: pending, holdsRole: holds)
            #expect(code == nil)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("accepting gives an account one person per role, parents excepted", arguments: [
        (RosterRole.teacher, nil, nil, nil),
        (.teacher, RosterPersonID(1), nil, "already_member"),
        (.student, RosterPersonID(1), RosterPersonID(2), "already_member"),
        (.student, RosterPersonID(1), RosterPersonID(1), nil),
        (.parent, RosterPersonID(1), nil, nil),
    ] as [(RosterRole, RosterPersonID?, RosterPersonID?, String?)])
    func acceptance(role: RosterRole, linked: RosterPersonID?, chosen: RosterPersonID?, code: String?) {
        do {
            try JoinRules.checkAcceptance(role: role, linked: linked, chosen: chosen)
            #expect(code == nil)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test("only pending requests are decided", arguments: JoinRequest.Status.allCases)
    func pending(status: JoinRequest.Status) {
        #expect(((try? JoinRules.checkPending(status)) != nil) == (status == .pending))
    }

    @Test("a matched person has the request's role, is active and not someone else's")
    func matchedPerson() {
        let request = JoinRequest(
            id: JoinRequestID(1), organizationID: OrganizationID(1), accountID: AccountID(5), role: .student, classID: ClassID(1),
            name: Self.name, birthDate: nil, childName: nil, message: "", inviteID: nil, status: .pending, createdAt: Date())
        func person(role: RosterRole = .student, account: AccountID? = nil, active: Bool = true) -> RosterPerson {
            RosterPerson(
                id: RosterPersonID(9), organizationID: OrganizationID(1), role: role, name: Self.name, gender: .male,
                birthDate: nil, externalID: nil, accountID: account, active: active)
        }
        #expect((try? JoinRules.checkMatchedPerson(person(), for: request)) != nil)
        #expect((try? JoinRules.checkMatchedPerson(person(account: AccountID(5)), for: request)) != nil)
        for (candidate, code) in [
            (person(role: .parent), "role_mismatch"), (person(account: AccountID(6)), "already_linked"),
            (person(active: false), "person_inactive"),
        ] {
            #expect { try JoinRules.checkMatchedPerson(candidate, for: request) } throws: { ($0 as? PartaError)?.code == code }
        }
    }

    @Test("an accepted student is enrolled only when in no class")
    func placement() throws {
        #expect(try JoinRules.placement(currentClass: nil, currentClassName: nil, requestedClass: ClassID(1), requestedClassName: "10А") == .enroll)
        #expect(try JoinRules.placement(currentClass: ClassID(1), currentClassName: "10А", requestedClass: ClassID(1), requestedClassName: "10А") == .alreadyInClass)
        #expect {
            try JoinRules.placement(currentClass: ClassID(2), currentClassName: "9Б", requestedClass: ClassID(1), requestedClassName: "10А")
        } throws: { ($0 as? PartaError)?.code == "class_mismatch" }
    }

    @Test("administrator rights only for members")
    func administrators() {
        #expect((try? AdministratorRules.checkGrant(targetRoles: [.teacher])) != nil)
        #expect { try AdministratorRules.checkGrant(targetRoles: []) } throws: { ($0 as? PartaError)?.code == "not_a_member" }
    }

    @Test("a rejection reason is trimmed and bounded")
    func reason() throws {
        #expect(try JoinRules.checkReason("  не наш ученик ") == "не наш ученик")
        #expect(try JoinRules.checkReason(nil) == "")
        #expect { try JoinRules.checkReason(String(repeating: "a", count: 501)) } throws: { ($0 as? PartaError)?.code == "invalid_reason" }
    }
}

@Suite("Person matching")
struct PersonMatcherTests {
    static let tenA = ClassID(1), nineB = ClassID(2)

    static func person(_ id: Int64, _ surname: String, _ given: String, _ patronymic: String = "", born: String? = nil, role: RosterRole = .student) -> RosterPerson {
        RosterPerson(
            id: RosterPersonID(id), organizationID: OrganizationID(1), role: role,
            name: PersonName(surname: surname, givenName: given, patronymic: patronymic), gender: .unspecified,
            birthDate: born.flatMap(LocalDate.init(parsing:)), externalID: nil, accountID: nil, active: true)
    }

    static let students: [PersonMatcher.Candidate] = [
        .init(person: person(1, "Петров", "Пётр", "Ильич", born: "2010-03-04"), classID: tenA),
        .init(person: person(2, "Петров", "Павел"), classID: tenA),
        .init(person: person(3, "Петров", "Пётр", born: "2011-05-06"), classID: nineB),
        .init(person: person(4, "Сидорова", "Анна"), classID: tenA),
    ]

    @Test("name, class and birth date rank the roster; ё and case do not matter", arguments: [
        // (applicant, birth date, class) → expected ids in order, confident pick
        ("петров петр", nil, tenA, [1, 3], 1),
        ("Петров Пётр", "2011-05-06", nil, [3], 3),
        ("Петров Пётр Ильич", nil, nil, [1, 3], nil),
        ("Петров Пётр Сергеевич", nil, tenA, [3], nil),
        ("Иванов Иван", nil, tenA, [], nil),
        // Only the student whose birth date the roster does not know remains.
        ("Петров Павел", "2012-01-01", tenA, [2], 2),
    ] as [(String, String?, ClassID?, [Int64], Int64?)])
    func rank(applicant: String, born: String?, classID: ClassID?, expected: [Int64], confident: Int64?) throws {
        let query = PersonMatcher.Query(
            name: try PersonName(parsing: applicant), birthDate: born.flatMap(LocalDate.init(parsing:)), classID: classID)
        let ranked = PersonMatcher.rank(query, Self.students)
        #expect(ranked.map(\.personID.rawValue) == expected)
        #expect(PersonMatcher.confident(ranked)?.personID.rawValue == confident)
    }

    @Test("two namesakes in one class: suggested, never picked without asking")
    func namesakes() throws {
        let twins: [PersonMatcher.Candidate] = [
            .init(person: Self.person(1, "Ким", "Алина"), classID: Self.tenA),
            .init(person: Self.person(2, "Ким", "Алина"), classID: Self.tenA),
        ]
        let ranked = PersonMatcher.rank(.init(name: try PersonName(parsing: "Ким Алина"), classID: Self.tenA), twins)
        #expect(ranked.count == 2)
        #expect(PersonMatcher.confident(ranked) == nil)
    }

    @Test("a parent is found through the child they name")
    func parentThroughChild() throws {
        let parents: [PersonMatcher.Candidate] = [
            .init(person: Self.person(10, "Петрова", "Мария", role: .parent),
                  children: [.init(name: PersonName(surname: "Петров", givenName: "Пётр"), classID: Self.tenA)]),
            .init(person: Self.person(11, "Петрова", "Мария", role: .parent),
                  children: [.init(name: PersonName(surname: "Петрова", givenName: "Ольга"), classID: Self.nineB)]),
        ]
        let ranked = PersonMatcher.rank(
            .init(name: try PersonName(parsing: "Петрова Мария"), classID: Self.tenA,
                  childName: PersonName(surname: "Петров", givenName: "Петр")), parents)
        #expect(ranked.map(\.personID.rawValue) == [10, 11])
        #expect(ranked[0].reasons.contains(.child))
        #expect(PersonMatcher.confident(ranked)?.personID.rawValue == 10)
    }
}

@Suite("Active organization")
struct OrganizationActivityTests {
    @Test("each condition at its boundary", arguments: [
        (true, [String](), 3, [OrganizationActivity.Condition]()),
        (true, [], 4, []),
        (true, [], 2, [.verifiedTeachers]),
        (true, [], 0, [.verifiedTeachers]),
        (false, [], 3, [.administratorSignedIn]),
        (true, ["address"], 3, [.profileComplete]),
        (false, ["address", "contact_phone_or_email"], 2, [.administratorSignedIn, .profileComplete, .verifiedTeachers]),
    ] as [(Bool, [String], Int, [OrganizationActivity.Condition])])
    func evaluate(signedIn: Bool, missingFields: [String], teachers: Int, missing: [OrganizationActivity.Condition]) {
        let activity = OrganizationActivity.evaluate(
            administratorSignedIn: signedIn, missingProfileFields: missingFields, verifiedTeachers: teachers)
        #expect(activity.missing == missing)
        #expect(activity.isActive == missing.isEmpty)
        #expect(activity.missingProfileFields == missingFields)
    }
}
