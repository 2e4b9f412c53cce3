/// Whether a roster person still gives the account linked to it a place in the organization
/// (SPEC §9, "leaving ends access"). A person who stops standing is suspended: the account loses
/// the role, the chats and the rights that came through the person, at once; when the person
/// stands again (reactivated, enrolled again) the same account gets them back.
public enum PersonStanding {
    /// What the rule needs to know about one person on a day.
    public struct Facts: Sendable, Equatable {
        public var role: RosterRole
        public var active: Bool
        /// A student's enrollment periods.
        public var periods: [EnrollmentPeriod]
        /// A parent's children: each active or not, with their enrollment periods.
        public var children: [Child]

        public struct Child: Sendable, Equatable {
            public var active: Bool
            public var periods: [EnrollmentPeriod]

            public init(active: Bool, periods: [EnrollmentPeriod]) {
                self.active = active
                self.periods = periods
            }
        }

        public init(role: RosterRole, active: Bool, periods: [EnrollmentPeriod] = [], children: [Child] = []) {
            self.role = role
            self.active = active
            self.periods = periods
            self.children = children
        }
    }

    /// A student is at the school while enrolled today or later — or not placed in a class yet (a
    /// new student). One whose every enrollment ended (withdrawn, not enrolled again) has left.
    public static func isAtSchool(_ periods: [EnrollmentPeriod], on date: LocalDate) -> Bool {
        periods.isEmpty || periods.contains { $0.contains(date) || $0.start > date }
    }

    /// Whether the person stands on `date`: active, and — for a student — at the school; for a
    /// parent, with a child of theirs who stands (a parent is at the school through a child: one
    /// whose children all left, were deactivated or were unlinked from them does not; the same
    /// account comes back with a guardianship again). Staff stand while active.
    public static func stands(_ facts: Facts, on date: LocalDate) -> Bool {
        guard facts.active else { return false }
        switch facts.role {
        case .student: return isAtSchool(facts.periods, on: date)
        case .parent: return facts.children.contains { $0.active && isAtSchool($0.periods, on: date) }
        case .teacher, .employee: return true
        }
    }

    /// What to do with a person's link: suspend a linked person who no longer stands, restore a
    /// suspended one who stands again, or nothing.
    public enum Change: Sendable, Equatable {
        case suspend(AccountID)
        case restore(AccountID)
    }

    public static func change(_ facts: Facts, linked: AccountID?, suspended: AccountID?, on date: LocalDate) -> Change? {
        let standing = stands(facts, on: date)
        if let linked, !standing { return .suspend(linked) }
        if linked == nil, let suspended, standing { return .restore(suspended) }
        return nil
    }
}
