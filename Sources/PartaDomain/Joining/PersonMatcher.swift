/// Who in the roster a join request is probably about: the administrator accepting a request
/// links the applicant to an existing roster person rather than creating a duplicate.
public enum PersonMatcher {
    /// What is known about the applicant.
    public struct Query: Sendable, Equatable {
        public var name: PersonName
        public var birthDate: LocalDate?
        public var classID: ClassID?
        /// For parents: the child's name.
        public var childName: PersonName?

        public init(name: PersonName, birthDate: LocalDate? = nil, classID: ClassID? = nil, childName: PersonName? = nil) {
            self.name = name
            self.birthDate = birthDate
            self.classID = classID
            self.childName = childName
        }
    }

    /// A roster person that might be the applicant, with what the roster says about them today.
    public struct Candidate: Sendable, Equatable {
        public var person: RosterPerson
        /// A student's class today.
        public var classID: ClassID?
        /// A parent's children and their classes today.
        public var children: [Child]

        public struct Child: Sendable, Equatable {
            public var name: PersonName
            public var classID: ClassID?

            public init(name: PersonName, classID: ClassID?) {
                self.name = name
                self.classID = classID
            }
        }

        public init(person: RosterPerson, classID: ClassID? = nil, children: [Child] = []) {
            self.person = person
            self.classID = classID
            self.children = children
        }
    }

    public enum Reason: String, Sendable, Codable, CaseIterable {
        case surname
        case givenName = "given_name"
        case patronymic
        case birthDate = "birth_date"
        case schoolClass = "class"
        case child
    }

    public struct Match: Sendable, Equatable {
        public var personID: RosterPersonID
        public var score: Int
        public var reasons: [Reason]
    }

    /// Matches below this are not suggested.
    public static let threshold = 50
    /// A match this strong, with no rival close to it, is taken without asking (bulk accept):
    /// more than a name alone — the class, the birth date or the patronymic must agree too.
    public static let confidentScore = 70
    static let rivalMargin = 20

    /// Candidates worth suggesting, best first, at most `limit`. A birth date or a patronymic
    /// that both sides know and that differs rules a candidate out; a different given name
    /// counts against one.
    public static func rank(_ query: Query, _ candidates: [Candidate], limit: Int = 5) -> [Match] {
        let matches = candidates.compactMap { score(query, $0) }.filter { $0.score >= threshold }
        return Array(matches.sorted { ($0.score, $1.personID) > ($1.score, $0.personID) }.prefix(limit))
    }

    /// The best match when it is strong and unambiguous; `nil` means a person must choose.
    public static func confident(_ ranked: [Match]) -> Match? {
        guard let best = ranked.first, best.score >= confidentScore else { return nil }
        if ranked.count > 1, ranked[1].score > best.score - rivalMargin { return nil }
        return best
    }

    static func score(_ query: Query, _ candidate: Candidate) -> Match? {
        let person = candidate.person
        var score = 0
        var reasons: [Reason] = []
        if let birthDate = query.birthDate, let known = person.birthDate {
            guard birthDate == known else { return nil }
            score += 30
            reasons.append(.birthDate)
        }
        if !query.name.patronymic.isEmpty, !person.name.patronymic.isEmpty {
            guard same(query.name.patronymic, person.name.patronymic) else { return nil }
            score += 10
            reasons.append(.patronymic)
        }
        if same(query.name.surname, person.name.surname) {
            score += 40
            reasons.append(.surname)
        }
        if same(query.name.givenName, person.name.givenName) {
            score += 25
            reasons.append(.givenName)
        } else {
            score -= 30
        }
        if let classID = query.classID, candidate.classID == classID {
            score += 25
            reasons.append(.schoolClass)
        }
        if let childName = query.childName,
            let child = candidate.children.first(where: {
                same($0.name.surname, childName.surname) && same($0.name.givenName, childName.givenName)
            })
        {
            score += 30
            reasons.append(.child)
            if let classID = query.classID, child.classID == classID { score += 10 }
        }
        return Match(personID: person.id, score: score, reasons: reasons)
    }

    static func same(_ a: String, _ b: String) -> Bool {
        !a.isEmpty && SearchText.fold(a) == SearchText.fold(b)
    }
}
