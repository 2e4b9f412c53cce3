import Crypto
public import Foundation
import Logging
public import PartaDomain
import PartaStore

/// A link code as issued: the code is shown once (as a URL, a QR code, and as 12 characters to
/// type — `Secrets.displayLinkCode`) and stored only hashed.
public struct IssuedLinkCode: Sendable, Equatable {
    public var code: String
    /// `K7QM-4XPD-2R9A`: how a card prints it for someone to type at `/link`.
    public var display: String { Secrets.displayLinkCode(code) }
    public var person: RosterPerson
    public var expiresAt: Date

    /// The path the signed-in person opens: `/link/<code>`.
    public var path: String { "/link/\(code)" }

    /// The link under the address people reach the server at (`https://school.example.ru`).
    public func url(base: String) -> String {
        Secrets.link(base: base, path: path)
    }
}

/// What a link code's page shows before anything else, signed in or not: whom the code is for
/// (so "Да, это я" means something) and where.
public struct LinkPreview: Sendable, Equatable {
    public var organization: OrganizationSummary
    public var person: RosterPerson
    public var expiresAt: Date
}

/// A roster person linked to the signed-in account.
public struct LinkedPerson: Sendable, Equatable {
    public var person: RosterPerson
    public var organization: OrganizationSummary
}

/// Linking roster persons to accounts: a one-time code from the school, confirmed by the person.
extension Parta {
    /// Issues a one-time code (valid 24 hours) that links `person` to whoever confirms it.
    public func createLinkCode(_ caller: Caller, organization: OrganizationID, person id: RosterPersonID) async throws -> IssuedLinkCode {
        let now = clock.now()
        return try await database.write { store in
            try await rosterAccess(caller, organization, write: true, in: store)
            guard let person = try await store.person(id, in: organization) else { throw PartaError.notFound("The person") }
            guard person.accountID == nil else {
                throw PartaError.conflict("already_linked", "\(person.name.full) is already linked to an account; they can unlink first.")
            }
            guard person.active else {
                throw PartaError.conflict("person_inactive", "\(person.name.full) is marked inactive.")
            }
            // The school system shows its own codes (each page view may ask for one): they do not
            // end the ones the school handed out; an administrator's new code or card does. Its
            // codes are links to follow, not to type: 256 bits, so that however many it makes,
            // guessing one stays hopeless.
            let issued = try await issueLinkCode(person, replacing: !caller.isIntegration, short: !caller.isIntegration, now: now, in: store)
            try await audit(store, caller, .linkCodeCreated, organization: organization, target: ("roster_person", "\(id)"))
            return issued
        }
    }

    /// A new code for `person`, stored as its hash, valid `LinkCodeRules.lifetime`; `replacing`:
    /// the person's earlier unused codes stop working; `short`: 12 characters to type off a card
    /// (under the sealing key's keyed hash when the server has one), else a 43-character token.
    func issueLinkCode(
        _ person: RosterPerson, replacing: Bool = true, short: Bool = true, now: Date, in store: Store
    ) async throws -> IssuedLinkCode {
        let code = short ? Secrets.newLinkCode() : Secrets.newToken()
        let expiresAt = now.addingTimeInterval(LinkCodeRules.lifetime)
        if replacing { try await store.expireLinkCodes(of: person.id, now: now) }
        try await store.insertLinkCode(
            organization: person.organizationID, person: person.id, hash: linkCodeHashes(code)[0], now: now, expiresAt: expiresAt)
        return IssuedLinkCode(code: code, person: person, expiresAt: expiresAt)
    }

    /// The hashes a code may be stored under, the one to store first: a short code's keyed hash
    /// under each sealing key, then its plain hash (made without a key); a long token's plain hash.
    func linkCodeHashes(_ code: String) -> [String] {
        let plain = Secrets.hashToken(code)
        guard code.count == Secrets.linkCodeLength, let sealing = config.sealing else { return [plain] }
        return sealing.codeHashes(code) + [plain]
    }

    /// `clientAddress`'s subject for the limit on missed link-code lookups.
    static func addressSubject(_ address: String) -> Int64 {
        SHA256.hash(data: Data(("parta.address:" + address).utf8)).prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// Link codes for everyone of a class who is not in the messenger yet — its students enrolled
    /// today and their parents, active and unlinked — for the school to print as cards and hand
    /// out (one audit entry for the class). Each card names a parent's children in the class.
    public func createClassLinkCards(
        _ caller: Caller, organization: OrganizationID, class classID: ClassID
    ) async throws -> (schoolClass: SchoolClass, cards: [(code: IssuedLinkCode, children: [PersonName])]) {
        let now = clock.now()
        return try await database.write { store in
            let org = try await rosterAccess(caller, organization, write: true, in: store)
            guard let schoolClass = try await store.schoolClass(classID, in: organization) else { throw PartaError.notFound("The class") }
            let periods = try await store.enrollmentPeriods(ofClasses: [classID])
            let guardianships = Array(try await store.guardianships(involving: Array(periods.keys)))
            let persons = try await store.persons(Array(Set(periods.keys).union(guardianships.map(\.parent))), in: organization)
            var cards: [(code: IssuedLinkCode, children: [PersonName])] = []
            for holder in LinkCodeRules.cardHolders(of: classID, on: today(of: org), periods: periods, guardianships: guardianships, persons: persons) {
                cards.append((try await issueLinkCode(holder.person, now: now, in: store), holder.children))
            }
            try await audit(store, caller, .linkCodeCreated, organization: organization, target: ("class", "\(classID)"),
                            details: ["cards": "\(cards.count)", "persons": cards.map { "\($0.code.person.id)" }.joined(separator: ",")])
            return (schoolClass, cards)
        }
    }

    /// The code's stored row and person, checked for use now. Lookups of codes that do not exist
    /// are limited per client address (`RateKind.linkCodes`): 429 once spent, before any lookup.
    func usableLinkCode(_ code: String, clientAddress: String, in store: Store) async throws -> (StoredLinkCode, RosterPerson) {
        let subject = Self.addressSubject(clientAddress)
        try checkRate(.linkCodes, subject)
        var found: StoredLinkCode?
        if let key = Secrets.linkCodeKey(code) {
            for hash in linkCodeHashes(key) where found == nil { found = try await store.linkCode(hash: hash) }
        }
        guard let stored = found, let person = try await store.person(stored.personID, in: stored.organizationID) else {
            // A miss costs one of the address's tries; a mistyped code is far inside the allowance.
            try? admit(.linkCodes, subject)
            throw PartaError.notFound("This link code")
        }
        try LinkCodeRules.check(expiresAt: stored.expiresAt, usedAt: stored.usedAt, personLinked: person.accountID != nil, now: clock.now())
        return (stored, person)
    }

    /// What the code would link, so the person can check it is them before signing in and
    /// confirming. Open like an invite's preview: the code is an unguessable secret the school
    /// handed to that person, and the preview shows no more than linking would.
    public func previewLinkCode(code: String, clientAddress: String) async throws -> LinkPreview {
        try await database.read { store in
            let (stored, person) = try await usableLinkCode(code, clientAddress: clientAddress, in: store)
            guard let organization = try await summary(of: stored.organizationID, in: store) else {
                throw PartaError.notFound("The organization")
            }
            return LinkPreview(organization: organization, person: person, expiresAt: stored.expiresAt)
        }
    }

    /// Links the code's roster person to the signed-in account; the account joins the organization
    /// in the person's role (verified for staff: the school vouched by issuing the code). An
    /// account that has no name yet (signed up to follow the code) takes the person's from the roster.
    public func confirmLinkCode(_ principal: Principal, code: String, clientAddress: String) async throws -> LinkedPerson {
        let account = principal.account.id
        let caller = principal.caller(from: clientAddress)
        return try await database.write { store in
            let (stored, person) = try await usableLinkCode(code, clientAddress: clientAddress, in: store)
            guard try await store.useLinkCode(stored.id, by: account, now: clock.now()) else {
                // Used, or replaced by a newer code, between the read and the update.
                throw PartaError.conflict("link_code_used", "This link code was already used or replaced. Ask the school for a new one.")
            }
            try await link(person, to: account, caller: caller, in: store)
            if principal.account.name.surname.isEmpty { try await store.setAccountName(account, person.name) }
            var linked = person
            linked.accountID = account
            guard let organization = try await summary(of: person.organizationID, in: store) else {
                throw PartaError.notFound("The organization")
            }
            return LinkedPerson(person: linked, organization: organization)
        }
    }

    /// The signed-in person unlinks one of their roster persons: they leave its roster chats.
    public func unlink(_ principal: Principal, person id: RosterPersonID, clientAddress: String) async throws {
        let account = principal.account.id
        try await database.write { store in
            guard let person = try await store.persons(linkedTo: account).first(where: { $0.id == id }) else {
                throw PartaError.notFound("A person linked to you")
            }
            try await detach(person, from: account, in: store)
            try await apply([.unlinked(id, account)], organization: person.organizationID, in: store)
            try await audit(store, principal.caller(from: clientAddress), .personUnlinked, organization: person.organizationID,
                            target: ("roster_person", "\(id)"))
        }
    }

    /// The roster persons linked to the signed-in account.
    public func myLinks(_ principal: Principal) async throws -> [LinkedPerson] {
        try await database.read { store in
            var links: [LinkedPerson] = []
            for person in try await store.persons(linkedTo: principal.account.id) {
                guard let organization = try await summary(of: person.organizationID, in: store) else { continue }
                links.append(LinkedPerson(person: person, organization: organization))
            }
            return links
        }
    }

    /// Links a person to an account with its roster event and audit entry (link codes, join requests).
    func link(
        _ person: RosterPerson, to account: AccountID, caller: Caller, auditDetails: [String: String] = [:], in store: Store
    ) async throws {
        // Linked anew: a suspended account no longer gets the person back.
        try await store.setSuspendedAccount(nil, for: person.id, now: clock.now())
        try await attach(person, to: account, in: store)
        try await apply([.linked(person.id, account)], organization: person.organizationID, in: store)
        try await audit(store, caller, .personLinked, organization: person.organizationID,
                        target: ("roster_person", "\(person.id)"), details: auditDetails)
    }

    /// Links a person and gives the account the person's role in the organization.
    func attach(_ person: RosterPerson, to account: AccountID, in store: Store) async throws {
        try await store.setAccount(account, for: person.id, now: clock.now())
        try await store.grantRole(
            person.role.organizationRole, to: account, in: person.organizationID, verified: person.role.isStaff, now: clock.now())
    }

    /// Unlinks a person; the account keeps the role only if another of its persons there holds it.
    func detach(_ person: RosterPerson, from account: AccountID, in store: Store) async throws {
        try await store.setAccount(nil, for: person.id, now: clock.now())
        let others = try await store.persons(linkedTo: account).filter {
            $0.organizationID == person.organizationID && $0.role == person.role && $0.id != person.id
        }
        if others.isEmpty {
            try await store.revokeRole(person.role.organizationRole, from: account, in: person.organizationID)
        }
    }
}
