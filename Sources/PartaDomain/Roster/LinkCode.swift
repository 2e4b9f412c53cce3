public import Foundation

/// The rules of one-time link codes: valid for a day, usable once, for a person not yet linked.
public enum LinkCodeRules {
    public static let lifetime: TimeInterval = 24 * 3600

    /// Throws the reason a code cannot be used now.
    public static func check(expiresAt: Date, usedAt: Date?, personLinked: Bool, now: Date) throws(PartaError) {
        if usedAt != nil {
            throw PartaError.conflict("link_code_used", "This link code was already used. Ask the school for a new one.")
        }
        guard now < expiresAt else {
            throw PartaError.invalid("link_code_expired", "This link code has expired or was replaced by a newer one (codes are valid for 24 hours). Ask the school for a new one.")
        }
        if personLinked {
            throw PartaError.conflict("already_linked", "This person is already linked to an account.")
        }
    }

    /// Who gets a printed card for a class on `date`: its students enrolled that day and their
    /// parents, active and not yet linked — students first, then parents, each by name; a parent's
    /// card names their children in the class.
    public static func cardHolders(
        of classID: ClassID, on date: LocalDate, periods: [RosterPersonID: [EnrollmentPeriod]], guardianships: [Guardianship],
        persons: [RosterPersonID: RosterPerson]
    ) -> [(person: RosterPerson, children: [PersonName])] {
        let enrolled = EnrollmentPeriod.enrolled(periods, in: [classID], on: date)
        let families = guardianships.filter { enrolled.contains($0.student) }
        let holders = (enrolled.map { ($0, RosterRole.student) } + families.map { ($0.parent, RosterRole.parent) })
            .compactMap { id, role in persons[id].flatMap { $0.role == role && $0.active && $0.accountID == nil ? $0 : nil } }
        return Array(Set(holders))
            .sorted { ($0.role == .student ? 0 : 1, $0.name.full) < ($1.role == .student ? 0 : 1, $1.name.full) }
            .map { person in
                (person, families.filter { $0.parent == person.id }.compactMap { persons[$0.student]?.name }.sorted { $0.full < $1.full })
            }
    }
}
