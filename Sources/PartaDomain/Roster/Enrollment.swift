/// A stretch of days a student is in a class: from `start` (inclusive) until `end` (exclusive,
/// `nil` while it lasts).
public struct EnrollmentPeriod: Hashable, Sendable, Codable {
    public var classID: ClassID
    public var start: LocalDate
    public var end: LocalDate?

    public init(classID: ClassID, start: LocalDate, end: LocalDate?) {
        self.classID = classID
        self.start = start
        self.end = end
    }

    public func contains(_ date: LocalDate) -> Bool {
        start <= date && (end.map { date < $0 } ?? true)
    }

    /// The students whose periods put them in one of `classes` (in any class when `nil`) on `date`.
    public static func enrolled(
        _ periods: [RosterPersonID: [EnrollmentPeriod]], in classes: Set<ClassID>?, on date: LocalDate
    ) -> Set<RosterPersonID> {
        Set(periods.compactMap { student, list in
            list.contains { $0.contains(date) && (classes?.contains($0.classID) ?? true) } ? student : nil
        })
    }
}

/// Where a student is on any date, as a pure function of their movement orders.
///
/// Orders apply in the order of their effective dates (and, on one date, of their creation).
/// An enrollment puts the student into its class from its date — leaving the previous class that
/// day, so enrolling elsewhere is a transfer. A withdrawal takes the student out of its class from
/// its date, and does nothing if the student is not in that class then. A cancelled order is as if
/// it had never been made, which undoes exactly its effect.
public enum EnrollmentTimeline {
    public static func periods(_ orders: [MovementOrder]) -> [EnrollmentPeriod] {
        let effective = orders.filter { !$0.cancelled }.sorted {
            ($0.effectiveDate, $0.id.rawValue) < ($1.effectiveDate, $1.id.rawValue)
        }
        var periods: [EnrollmentPeriod] = []
        var current: (classID: ClassID, since: LocalDate)?
        func close(at date: LocalDate) {
            if let open = current, open.since < date {
                periods.append(EnrollmentPeriod(classID: open.classID, start: open.since, end: date))
            }
            current = nil
        }
        for order in effective {
            switch order.kind {
            case .enrollment:
                if current?.classID == order.classID { continue }
                close(at: order.effectiveDate)
                current = (order.classID, order.effectiveDate)
            case .withdrawal:
                if current?.classID == order.classID { close(at: order.effectiveDate) }
            }
        }
        if let open = current {
            periods.append(EnrollmentPeriod(classID: open.classID, start: open.since, end: nil))
        }
        return periods
    }

    /// The class the student is in on `date`, if any.
    public static func classOn(_ date: LocalDate, orders: [MovementOrder]) -> ClassID? {
        classOn(date, periods: periods(orders))
    }

    /// The class enrollment periods put a student in on a date.
    public static func classOn(_ date: LocalDate, periods: [EnrollmentPeriod]) -> ClassID? {
        periods.first { $0.contains(date) }?.classID
    }

    /// The classes whose membership differs between two timelines on some date: the chats of
    /// exactly these classes must be re-planned.
    public static func affectedClasses(before: [EnrollmentPeriod], after: [EnrollmentPeriod]) -> Set<ClassID> {
        let old = Set(before), new = Set(after)
        return Set(old.symmetricDifference(new).map(\.classID))
    }

    /// Checks a new order against the student's existing ones and the class's school year.
    public static func checkNewOrder(
        kind: MovementOrder.Kind, classID: ClassID, className: String, date: LocalDate,
        schoolYear: SchoolYear, existing: [MovementOrder]
    ) throws(PartaError) {
        let current = classOn(date, orders: existing)
        switch kind {
        case .enrollment:
            guard schoolYear.contains(date) else {
                throw PartaError.invalid(
                    "outside_school_year",
                    "\(date.russian) is outside the school year \(schoolYear.name) of class \(className).")
            }
            if current == classID {
                throw PartaError.conflict("already_enrolled", "The student is already in \(className) on \(date.russian).")
            }
        case .withdrawal:
            guard current == classID else {
                throw PartaError.conflict("not_enrolled", "The student is not in \(className) on \(date.russian).")
            }
        }
    }
}
