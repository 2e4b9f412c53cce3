import Foundation
import Logging
public import PartaDomain
public import PartaStore

/// What an applicant sends: an invite token, or a role and class chosen in the organization search.
public struct JoinRequestInput: Sendable, Equatable {
    public var inviteToken: String?
    public var role: RosterRole?
    public var classID: ClassID?
    /// The applicant's name; may be left out when the account already has one.
    public var surname: String?
    public var givenName: String?
    public var patronymic: String?
    public var birthDate: LocalDate?
    /// For parents: the child's name.
    public var childSurname: String?
    public var childGivenName: String?
    public var childPatronymic: String?
    public var message: String?

    public init(
        inviteToken: String? = nil, role: RosterRole? = nil, classID: ClassID? = nil, surname: String? = nil,
        givenName: String? = nil, patronymic: String? = nil, birthDate: LocalDate? = nil, childSurname: String? = nil,
        childGivenName: String? = nil, childPatronymic: String? = nil, message: String? = nil
    ) {
        self.inviteToken = inviteToken
        self.role = role
        self.classID = classID
        self.surname = surname
        self.givenName = givenName
        self.patronymic = patronymic
        self.birthDate = birthDate
        self.childSurname = childSurname
        self.childGivenName = childGivenName
        self.childPatronymic = childPatronymic
        self.message = message
    }
}

/// A join request with the names a screen shows beside it.
public struct JoinRequestView: Sendable, Equatable {
    public var request: JoinRequest
    public var organization: OrganizationSummary
    public var className: String?
    /// The note of the invite it came through.
    public var inviteNote: String?
    /// The roster person the applicant became, once accepted.
    public var person: RosterPerson?
}

/// A roster person suggested for a request.
public struct MatchView: Sendable, Equatable {
    public var person: RosterPerson
    public var className: String?
    public var children: [PersonName]
    public var score: Int
    public var reasons: [PersonMatcher.Reason]
}

/// One request as the administrator decides it: likely roster persons, and for a parent the
/// likely children.
public struct JoinRequestDetails: Sendable, Equatable {
    public var view: JoinRequestView
    public var matches: [MatchView]
    public var childMatches: [MatchView]
}

/// How the administrator accepts: link to this roster person (or create one), with this child.
public struct Acceptance: Sendable, Equatable {
    public var personID: RosterPersonID?
    public var childID: RosterPersonID?

    public init(personID: RosterPersonID? = nil, childID: RosterPersonID? = nil) {
        self.personID = personID
        self.childID = childID
    }
}

public struct AcceptedJoin: Sendable, Equatable {
    public var view: JoinRequestView
    public var person: RosterPerson
    /// `true` when accepting created the roster person, `false` when it matched one.
    public var createdPerson: Bool
}

/// Join requests (SPEC §2): people apply, administrators accept or reject.
extension Parta {
    // MARK: The applicant's side

    /// Applies to join, through an invite (its role and class) or with a role and class chosen in
    /// the search. An invite's use is counted here, atomically.
    public func applyToJoin(
        _ principal: Principal, organization id: OrganizationID, _ input: JoinRequestInput, clientAddress: String
    ) async throws -> JoinRequestView {
        let now = clock.now()
        let caller = principal.caller(from: clientAddress)
        try checkRate(.joinRequests, principal.account.id.rawValue)
        let view = try await database.write { store in
            let org = try await rosterOrganization(id, in: store)
            guard let account = try await store.account(principal.account.id) else { throw PartaError.unauthorized }
            let invite = try await input.inviteToken.asyncMap { try await usableInvite($0, organization: id, in: store) }
            let application = try JoinRules.check(
                try Self.application(from: input, invite: invite, accountName: account.name), today: today(of: org))
            if let classID = application.classID, try await store.schoolClass(classID, in: id) == nil {
                throw PartaError.notFound("The class")
            }
            try await store.lock("join:\(id):\(account.id)")
            let holdsRole = try await store.roleGrants(of: account.id).contains {
                $0.organizationID == id && $0.role == application.role.organizationRole
            }
            try JoinRules.checkNewRequest(
                role: application.role,
                hasPendingRequest: try await store.hasPendingJoinRequest(organization: id, account: account.id, role: application.role),
                holdsRole: holdsRole)
            // A valid application: now it counts against the account's limit.
            try admit(.joinRequests, account.id.rawValue)
            if let invite, try await !store.redeemInvite(invite.id, now: now) {
                // Someone took the last use, or it was revoked, since it was read: name which.
                let current = try await store.invite(invite.id, in: id) ?? invite
                try InviteRules.check(current, organization: id, now: now)
                throw PartaError(.gone, code: "invite_used_up", message: "This invite has been used up. Ask the school for a new one.")
            }
            if account.name.isEmpty { try await store.setAccountName(account.id, application.name) }
            let request = try await store.insertJoinRequest(
                organization: id, account: account.id, application: application, invite: invite?.id, now: now)
            var details = ["role": application.role.rawValue]
            if let classID = application.classID { details["class"] = "\(classID)" }
            if let invite { details["invite"] = "\(invite.id)" }
            try await audit(store, caller, .joinRequested, organization: id, target: ("join_request", "\(request.id)"), details: details)
            return try await joinRequestViews([request], in: store)[0]
        }
        logger.info("join.requested", metadata: [
            "parta.organization.id": "\(id)", "parta.join_request.id": "\(view.request.id)",
            "parta.invite.id": "\(view.request.inviteID.map(String.init(describing:)) ?? "-")",
        ])
        return view
    }

    static func application(from input: JoinRequestInput, invite: Invite?, accountName: PersonName) throws(PartaError) -> JoinApplication {
        if let invite {
            if let role = input.role, role != invite.role {
                throw PartaError.invalid(
                    "invite_mismatch", "This invite is for a \(invite.role.rawValue); the role comes from the invite.",
                    details: ["field": .string("role")])
            }
            if let classID = input.classID, classID != invite.classID {
                throw PartaError.invalid(
                    "invite_mismatch", "The class comes from the invite.", details: ["field": .string("class_id")])
            }
        }
        guard let role = invite?.role ?? input.role else {
            throw PartaError.invalid("role_required", "Choose the role you join in.", details: ["field": .string("role")])
        }
        let name: PersonName
        if input.surname != nil || input.givenName != nil {
            name = try PersonName(
                validatingSurname: input.surname ?? "", givenName: input.givenName ?? "", patronymic: input.patronymic ?? "")
        } else if !accountName.isEmpty {
            name = accountName
        } else {
            throw PartaError.invalid("name_required", "Write your surname and given name.", details: ["field": .string("surname")])
        }
        var childName: PersonName?
        if input.childSurname != nil || input.childGivenName != nil {
            childName = try PersonName(
                validatingSurname: input.childSurname ?? "", givenName: input.childGivenName ?? "",
                patronymic: input.childPatronymic ?? "")
        }
        return JoinApplication(
            role: role, classID: invite?.classID ?? input.classID, name: name, birthDate: input.birthDate,
            childName: childName, message: input.message ?? "")
    }

    /// The signed-in person's requests, newest first, with their outcome.
    public func myJoinRequests(_ principal: Principal) async throws -> [JoinRequestView] {
        try await database.read { store in
            try await joinRequestViews(try await store.joinRequests(of: principal.account.id), in: store)
        }
    }

    /// Withdraws the signed-in person's pending request; they may apply again later.
    public func withdrawJoinRequest(_ principal: Principal, request id: JoinRequestID, clientAddress: String) async throws -> JoinRequestView {
        try await database.write { store in
            guard let request = try await store.joinRequest(id, of: principal.account.id) else {
                throw PartaError.notFound("Your request")
            }
            try JoinRules.checkPending(request.status)
            guard try await store.decideJoinRequest(
                id, status: .withdrawn, by: principal.account.id, reason: "", person: nil, now: clock.now())
            else { throw PartaError.conflict("request_decided", "This request was decided a moment ago.") }
            try await audit(store, principal.caller(from: clientAddress), .joinRequestWithdrawn,
                            organization: request.organizationID, target: ("join_request", "\(id)"))
            return try await joinRequestViews([try await store.joinRequest(id, of: principal.account.id)!], in: store)[0]
        }
    }

    // MARK: The administrator's queue

    /// The queue (administrators only), oldest first, filtered by status, role and class.
    public func joinRequests(
        _ caller: Caller, organization id: OrganizationID, filter: JoinRequestFilter, page: PageRequest
    ) async throws -> Page<JoinRequestView> {
        try await database.read { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .reviewJoinRequests(id), in: store)
            let found = try await store.listJoinRequests(of: id, filter: filter, page: page)
            return Page(
                items: try await joinRequestViews(found.items, in: store), page: found.page, perPage: found.perPage,
                total: found.total)
        }
    }

    /// One request with the roster persons it probably is (and, for a parent, the probable children).
    public func joinRequest(_ caller: Caller, organization id: OrganizationID, request requestID: JoinRequestID) async throws -> JoinRequestDetails {
        try await database.read { store in
            let org = try await rosterOrganization(id, in: store)
            try await authorize(caller, .reviewJoinRequests(id), in: store)
            guard let request = try await store.joinRequest(requestID, in: id) else { throw PartaError.notFound("The request") }
            let view = try await joinRequestViews([request], in: store)[0]
            guard request.status == .pending else { return JoinRequestDetails(view: view, matches: [], childMatches: []) }
            let suggestions = try await suggestions(for: request, today: today(of: org), in: store)
            return JoinRequestDetails(view: view, matches: suggestions.persons, childMatches: suggestions.children)
        }
    }

    /// Accepts a request: links the applicant to the chosen roster person (or a new one), places
    /// them in the role and class, and verifies staff.
    public func acceptJoinRequest(
        _ caller: Caller, organization id: OrganizationID, request requestID: JoinRequestID, _ acceptance: Acceptance = Acceptance()
    ) async throws -> AcceptedJoin {
        let accepted = try await database.write { store in
            try await accept(caller, organization: id, request: requestID, acceptance, in: store)
        }
        logger.info("join.accepted", metadata: ["parta.organization.id": "\(id)", "parta.join_request.id": "\(requestID)"])
        return accepted
    }

    /// Accepts several requests, each on its own: a strong, unambiguous match is linked, otherwise
    /// a roster person is created. One failing request does not stop the others.
    public func acceptJoinRequests(
        _ caller: Caller, organization id: OrganizationID, requests ids: [JoinRequestID]
    ) async throws -> [(JoinRequestID, Result<AcceptedJoin, PartaError>)] {
        guard !ids.isEmpty, ids.count <= 200 else {
            throw PartaError.invalid("invalid_ids", "Accept between 1 and 200 requests at a time.", details: ["field": .string("ids")])
        }
        // Refuse non-administrators once, before anything, rather than per request.
        try await database.read { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .reviewJoinRequests(id), in: store)
        }
        var results: [(JoinRequestID, Result<AcceptedJoin, PartaError>)] = []
        for requestID in ids {
            do {
                let accepted = try await database.write { store in
                    try await accept(caller, organization: id, request: requestID, nil, in: store)
                }
                results.append((requestID, .success(accepted)))
            } catch let error as PartaError {
                results.append((requestID, .failure(error)))
            }
        }
        return results
    }

    /// Rejects a request with an optional reason the applicant sees.
    public func rejectJoinRequest(
        _ caller: Caller, organization id: OrganizationID, request requestID: JoinRequestID, reason rawReason: String?
    ) async throws -> JoinRequestView {
        let reason = try JoinRules.checkReason(rawReason)
        return try await database.write { store in
            try await rosterOrganization(id, in: store)
            try await authorize(caller, .reviewJoinRequests(id), in: store)
            guard let request = try await store.joinRequest(requestID, in: id) else { throw PartaError.notFound("The request") }
            try JoinRules.checkPending(request.status)
            guard try await store.decideJoinRequest(
                requestID, status: .rejected, by: caller.accountID, reason: reason, person: nil, now: clock.now())
            else { throw PartaError.conflict("request_decided", "This request was decided a moment ago.") }
            try await audit(store, caller, .joinRequestRejected, organization: id, target: ("join_request", "\(requestID)"),
                            details: ["role": request.role.rawValue, "reason": reason])
            return try await joinRequestViews([try await store.joinRequest(requestID, in: id)!], in: store)[0]
        }
    }

    // MARK: Steps

    /// `acceptance == nil` means bulk: take confident matches, else create.
    func accept(
        _ caller: Caller, organization id: OrganizationID, request requestID: JoinRequestID, _ acceptance: Acceptance?,
        in store: Store
    ) async throws -> AcceptedJoin {
        let org = try await rosterOrganization(id, in: store)
        try await authorize(caller, .reviewJoinRequests(id), in: store)
        guard let request = try await store.joinRequest(requestID, in: id) else { throw PartaError.notFound("The request") }
        try await store.lock("join_request:\(requestID)")
        try JoinRules.checkPending(request.status)
        let now = clock.now()
        let today = today(of: org)
        var personID = acceptance?.personID
        var childID = acceptance?.childID
        if acceptance == nil {
            let suggestions = try await suggestions(for: request, today: today, in: store)
            personID = PersonMatcher.confident(suggestions.ranked)?.personID
            childID = PersonMatcher.confident(suggestions.rankedChildren)?.personID
        }

        let linked = try await store.persons(linkedTo: request.accountID).first { $0.organizationID == id && $0.role == request.role }
        try JoinRules.checkAcceptance(role: request.role, linked: linked?.id, chosen: personID)
        var person: RosterPerson
        var created = false
        if let personID {
            guard let found = try await store.person(personID, in: id) else { throw PartaError.notFound("The person") }
            try JoinRules.checkMatchedPerson(found, for: request)
            person = found
        } else {
            person = try await insertPerson(
                caller, organization: id, role: request.role, name: request.name, gender: .unspecified,
                birthDate: request.birthDate, externalID: nil, auditDetails: ["join_request": "\(requestID)"], in: store)
            created = true
        }

        switch request.role {
        case .student:
            if let classID = request.classID {
                try await place(student: person, in: classID, today: today, caller: caller, organization: id, in: store)
            }
        case .parent:
            if let childID {
                try await addGuardianship(
                    caller, organization: id, parent: person.id, student: childID, auditDetails: ["join_request": "\(requestID)"],
                    in: store)
            } else if try await store.children(of: person.id).isEmpty {
                throw PartaError.invalid(
                    "child_required", "Choose which student is this parent's child.", details: ["field": .string("child_id")])
            }
        case .teacher, .employee:
            break
        }

        if person.accountID == nil {
            try await link(person, to: request.accountID, caller: caller, auditDetails: ["join_request": "\(requestID)"], in: store)
            person.accountID = request.accountID
        } else {
            // The applicant was already this person (a parent adding a child): keep the role, verify staff.
            try await store.grantRole(
                person.role.organizationRole, to: request.accountID, in: id, verified: person.role.isStaff, now: now)
        }
        guard try await store.decideJoinRequest(
            requestID, status: .accepted, by: caller.accountID, reason: "", person: person.id, now: now)
        else { throw PartaError.conflict("request_decided", "This request was decided a moment ago.") }
        var details = ["role": request.role.rawValue, "person": "\(person.id)", "person_source": created ? "created" : "matched"]
        if let classID = request.classID { details["class"] = "\(classID)" }
        if let childID { details["child"] = "\(childID)" }
        try await audit(store, caller, .joinRequestAccepted, organization: id, target: ("join_request", "\(requestID)"),
                        details: details)
        let view = try await joinRequestViews([try await store.joinRequest(requestID, in: id)!], in: store)[0]
        return AcceptedJoin(view: view, person: person, createdPerson: created)
    }

    /// Enrolls an accepted student in the requested class from today, unless already there.
    func place(
        student: RosterPerson, in classID: ClassID, today: LocalDate, caller: Caller, organization: OrganizationID, in store: Store
    ) async throws {
        guard let schoolClass = try await store.schoolClass(classID, in: organization) else { return }
        try await lockRoster(organization, in: store)
        let current = try await store.enrollmentPeriods(of: student.id).first { $0.contains(today) }?.classID
        let currentName = try await current.asyncMap { try await store.schoolClass($0, in: organization)?.name } ?? nil
        switch try JoinRules.placement(
            currentClass: current, currentClassName: currentName, requestedClass: classID, requestedClassName: schoolClass.name)
        {
        case .alreadyInClass:
            return
        case .enroll:
            _ = try await insertAuditedOrder(
                caller, organization: organization, student: student.id, kind: .enrollment, classID: classID, date: today,
                externalID: nil, source: "join_request", in: store)
        }
    }

    struct Suggestions {
        var ranked: [PersonMatcher.Match]
        var rankedChildren: [PersonMatcher.Match]
        var persons: [MatchView]
        var children: [MatchView]
    }

    /// Ranks the roster persons a request may be: people of the role with the applicant's surname,
    /// people already linked to the applicant, and for a parent the parents of students with the
    /// child's name. Persons linked to someone else are never suggested. A fixed number of queries,
    /// whatever the number of candidates.
    func suggestions(for request: JoinRequest, today: LocalDate, in store: Store) async throws -> Suggestions {
        let org = request.organizationID
        func named(_ name: PersonName, role: RosterRole) async throws -> [RosterPerson] {
            let words = SearchText.words(name.surname)
            guard !words.isEmpty else { return [] }
            return try await store.listPersons(
                of: org, filter: PersonFilter(role: role, words: words, active: true), page: PageRequest(page: 1, perPage: 100)
            ).items
        }
        var persons = try await named(request.name, role: request.role)
        persons += try await store.persons(linkedTo: request.accountID).filter { $0.organizationID == org && $0.role == request.role }
        var namedChildren: [RosterPerson] = []
        if request.role == .parent, let childName = request.childName {
            namedChildren = try await named(childName, role: .student)
            let theirParents = try await store.guardianships(involving: namedChildren.map(\.id)).map(\.parent)
            persons += try await store.persons(Array(Set(theirParents)), in: org).values
        }
        var seen = Set<RosterPersonID>()
        persons = persons.filter { person in
            person.active && (person.accountID == nil || person.accountID == request.accountID) && seen.insert(person.id).inserted
        }
        // Everything the candidates need in a handful of queries: children of parents, and the
        // class today of every student involved.
        let guardianships = try await store.guardianships(involving: persons.filter { $0.role == .parent }.map(\.id))
        let childrenByParent = Dictionary(grouping: guardianships, by: \.parent).mapValues { $0.map(\.student) }
        let children = try await store.persons(Array(Set(guardianships.map(\.student))), in: org)
        let studentIDs = persons.filter { $0.role == .student }.map(\.id) + namedChildren.map(\.id) + Array(children.keys)
        let periods = try await store.enrollmentPeriods(of: Array(Set(studentIDs)))
        func classToday(_ id: RosterPersonID) -> ClassID? { periods[id]?.first { $0.contains(today) }?.classID }

        let candidates = persons.map { person in
            PersonMatcher.Candidate(
                person: person, classID: classToday(person.id),
                children: (childrenByParent[person.id] ?? []).compactMap { children[$0] }.map { .init(name: $0.name, classID: classToday($0.id)) })
        }
        let childCandidates = namedChildren.map { PersonMatcher.Candidate(person: $0, classID: classToday($0.id)) }
        let query = PersonMatcher.Query(
            name: request.name, birthDate: request.birthDate, classID: request.classID, childName: request.childName)
        let ranked = PersonMatcher.rank(query, candidates)
        let rankedChildren = request.childName.map {
            PersonMatcher.rank(PersonMatcher.Query(name: $0, classID: request.classID), childCandidates)
        } ?? []
        let classes = try await classNames(of: org, in: store)
        func views(_ matches: [PersonMatcher.Match], _ pool: [PersonMatcher.Candidate]) -> [MatchView] {
            matches.compactMap { match in
                guard let candidate = pool.first(where: { $0.person.id == match.personID }) else { return nil }
                return MatchView(
                    person: candidate.person, className: candidate.classID.flatMap { classes[$0] },
                    children: candidate.children.map(\.name), score: match.score, reasons: match.reasons)
            }
        }
        return Suggestions(
            ranked: ranked, rankedChildren: rankedChildren, persons: views(ranked, candidates),
            children: views(rankedChildren, childCandidates))
    }

    /// Views of requests with their organization, class, invite note and person: a few queries per
    /// organization, not per request.
    func joinRequestViews(_ requests: [JoinRequest], in store: Store) async throws -> [JoinRequestView] {
        var views: [JoinRequestID: JoinRequestView] = [:]
        for (org, group) in Dictionary(grouping: requests, by: \.organizationID) {
            guard let summary = try await summary(of: org, in: store) else { continue }
            let classes = try await classNames(of: org, in: store)
            let invites = try await store.invites(Array(Set(group.compactMap(\.inviteID))), in: org)
            let persons = try await store.persons(Array(Set(group.compactMap(\.personID))), in: org)
            for request in group {
                let note = request.inviteID.flatMap { invites[$0]?.note }
                views[request.id] = JoinRequestView(
                    request: request, organization: summary, className: request.classID.flatMap { classes[$0] },
                    inviteNote: note.flatMap { $0.isEmpty ? nil : $0 }, person: request.personID.flatMap { persons[$0] })
            }
        }
        return requests.compactMap { views[$0.id] }
    }
}
