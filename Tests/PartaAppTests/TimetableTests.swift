import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// The timetable and distance lessons on both engines, with the clock moved by hand. The chat
/// school's clock starts on Tuesday 1 September 2026 at 09:00 in Moscow (the school's zone).
@Suite("Timetable and distance lessons")
struct TimetableTests {
    static func date(_ text: String) -> LocalDate { LocalDate(parsing: text)! }
    static func time(_ text: String) -> LocalTime { LocalTime(parsing: text)! }
    /// An instant on the school's clock (Moscow, UTC+3).
    static func moscow(_ date: String, _ time: String) -> Date {
        ISO8601DateFormatter().date(from: "\(date)T\(time):00+03:00")!
    }

    static func kraeved(_ s: TestWorld.ChatSchool, on day: String = "2026-09-01", _ start: String = "10:00", _ end: String = "10:45")
        -> LessonInput
    {
        LessonInput(date: date(day), start: time(start), end: time(end), classID: s.tenA, subject: s.kraeved, teacher: s.petrov)
    }

    static func english(_ s: TestWorld.ChatSchool, on day: String = "2026-09-01") -> LessonInput {
        LessonInput(
            date: date(day), start: time("11:00"), end: time("11:45"), classID: s.tenA, group: "Англ.яз/1", subject: s.english,
            teacher: s.smith)
    }

    static func chemistry(_ s: TestWorld.ChatSchool, on day: String = "2026-09-01") -> LessonInput {
        LessonInput(date: date(day), start: time("10:00"), end: time("10:45"), classID: s.nineG, subject: s.chemistry, teacher: s.sidorova)
    }

    /// Links a roster person of the school to a new account and returns its caller.
    static func link(_ world: TestWorld, _ s: TestWorld.ChatSchool, _ person: RosterPersonID, phone: String) async throws -> Caller {
        let principal = try await world.principal(try await world.signIn(phone))
        let code = try await world.parta.createLinkCode(s.admin, organization: s.id, person: person).code
        _ = try await world.parta.confirmLinkCode(principal, code: code, clientAddress: "192.0.2.9")
        return principal.caller(from: "192.0.2.9")
    }

    static func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as PartaError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    @Test("administrators write lessons; bad ones are refused and change nothing", arguments: TestEngine.all)
    func writing(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            var input = Self.kraeved(s)
            input.topic = "  Природа родного края "
            input.room = "214"
            let created = try await p.createLesson(s.admin, organization: s.id, input)
            #expect(created.lesson.date == Self.date("2026-09-01"))
            #expect(created.lesson.start.text == "10:00" && created.lesson.end.text == "10:45")
            #expect(created.lesson.topic == "Природа родного края" && created.lesson.room == "214")
            #expect(created.subject.name == "Краеведение" && created.schoolClass.name == "10А" && created.teacherName.full == "Петров Олег")
            #expect(created.window == LessonWindow(start: Self.moscow("2026-09-01", "10:00"), end: Self.moscow("2026-09-01", "10:45")))
            #expect(created.state == .upcoming && !created.lesson.cancelled && created.distanceLesson == nil)

            // Each bad lesson: its code, and the timetable as it was.
            var studentTeacher = Self.kraeved(s)
            studentTeacher.teacher = s.s1
            var outsideYear = Self.kraeved(s, on: "2027-09-15")
            outsideYear.externalID = nil
            var noGroup = Self.kraeved(s)
            noGroup.group = "Англ.яз/3"
            var longTopic = Self.kraeved(s)
            longTopic.topic = String(repeating: "я", count: 301)
            var longRoom = Self.kraeved(s)
            longRoom.room = String(repeating: "1", count: 41)
            var otherSchoolSubject = Self.kraeved(s)
            otherSchoolSubject.subject = SubjectID(999_999)
            let bad: [(LessonInput, String)] = [
                (Self.kraeved(s, "10:45", "10:00"), "invalid_time"), (Self.kraeved(s, "08:00", "12:30"), "invalid_time"),
                (studentTeacher, "wrong_role"), (outsideYear, "invalid_date"), (noGroup, "invalid_group"), (longTopic, "invalid_topic"),
                (longRoom, "invalid_room"), (otherSchoolSubject, "not_found"),
            ]
            for (lesson, expected) in bad {
                #expect(await Self.code { _ = try await p.createLesson(s.admin, organization: s.id, lesson) } == expected)
                #expect(await Self.code { _ = try await p.updateLesson(s.admin, organization: s.id, id: created.lesson.id, lesson) } == expected)
            }
            // Only administrators (and the school system) write the timetable.
            for who in ["petrov", "ivanova", "s1", "p2"] {
                #expect(await Self.code { _ = try await p.createLesson(s.callers[who]!, organization: s.id, Self.kraeved(s)) } == "forbidden")
                #expect(await Self.code {
                    _ = try await p.setLessonCancelled(s.callers[who]!, organization: s.id, id: created.lesson.id, cancelled: true)
                } == "forbidden")
            }
            let week = try await p.lessons(s.admin, organization: s.id, from: Self.date("2026-08-31"))
            #expect(week.span == DateSpan(from: Self.date("2026-08-31"), to: Self.date("2026-09-06")))
            #expect(week.lessons == [created])

            // An edit, a cancellation and its withdrawal, each once in the audit log.
            var moved = input
            moved.start = Self.time("11:50")
            moved.end = Self.time("12:35")
            moved.externalID = "ext-l1"
            let updated = try await p.updateLesson(s.admin, organization: s.id, id: created.lesson.id, moved)
            #expect(updated.lesson.start.text == "11:50" && updated.lesson.externalID == "ext-l1")
            #expect(try await p.updateLesson(s.admin, organization: s.id, id: created.lesson.id, moved) == updated)
            var copy = Self.kraeved(s, on: "2026-09-02")
            copy.externalID = "ext-l1"
            #expect(await Self.code { _ = try await p.createLesson(s.admin, organization: s.id, copy) } == "external_id_taken")
            let cancelled = try await p.setLessonCancelled(s.admin, organization: s.id, id: created.lesson.id, cancelled: true)
            #expect(cancelled.lesson.cancelled)
            #expect(try await p.setLessonCancelled(s.admin, organization: s.id, id: created.lesson.id, cancelled: true) == cancelled)
            #expect(!(try await p.setLessonCancelled(s.admin, organization: s.id, id: created.lesson.id, cancelled: false)).lesson.cancelled)
            let audit = try await p.auditLog(s.admin, organization: s.id, action: nil, page: PageRequest()).items
                .filter { $0.targetType == "lesson" }.map(\.action)
            #expect(audit == [.lessonRestored, .lessonCancelled, .lessonUpdated, .lessonCreated])

            // A subject with lessons is not deleted; a deleted lesson is gone, and so is the subject's hold.
            #expect(await Self.code { try await p.deleteSubject(s.admin, organization: s.id, id: s.kraeved) } == "subject_in_use")
            try await p.deleteLesson(s.admin, organization: s.id, id: created.lesson.id)
            #expect(await Self.code { _ = try await p.lesson(s.admin, organization: s.id, id: created.lesson.id) } == "not_found")
            #expect(try await p.lessons(s.admin, organization: s.id, from: Self.date("2026-08-31")).lessons.isEmpty)
        }
    }

    @Test("weeks: a class's for the staff, a teacher's own, diaries by class, group and date", arguments: TestEngine.all)
    func weeks(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            var ids: [String: LessonID] = [:]
            for day in ["2026-09-01", "2026-09-03", "2026-09-07"] {
                ids["k" + day] = try await p.createLesson(s.admin, organization: s.id, Self.kraeved(s, on: day)).lesson.id
                ids["e" + day] = try await p.createLesson(s.admin, organization: s.id, Self.english(s, on: day)).lesson.id
                ids["c" + day] = try await p.createLesson(s.admin, organization: s.id, Self.chemistry(s, on: day)).lesson.id
            }
            // s1 leaves 10А on Thursday: that day's lessons are no longer in the diary.
            _ = try await p.createOrder(s.admin, organization: s.id, student: s.s1, kind: .withdrawal, classID: s.tenA, date: Self.date("2026-09-03"))

            let tenA = try await p.classTimetable(s.callers["ivanova"]!, organization: s.id, classID: s.tenA)
            #expect(tenA.span == DateSpan(from: Self.date("2026-08-31"), to: Self.date("2026-09-06")))
            #expect(tenA.lessons.map(\.lesson.id) == [ids["k2026-09-01"], ids["e2026-09-01"], ids["k2026-09-03"], ids["e2026-09-03"]])
            for who in ["s1", "p2"] {
                #expect(await Self.code { _ = try await p.classTimetable(s.callers[who]!, organization: s.id, classID: s.tenA) } == "forbidden")
            }
            #expect(await Self.code { _ = try await p.classTimetable(s.admin, organization: s.id, classID: ClassID(999_999)) } == "not_found")
            #expect(await Self.code {
                _ = try await p.classTimetable(s.admin, organization: s.id, classID: s.tenA, from: Self.date("2026-09-01"), to: Self.date("2026-10-20"))
            } == "invalid_date")

            let petrov = try await p.personalTimetable(s.callers["petrov"]!, organization: s.id, from: Self.date("2026-08-31"), to: Self.date("2026-09-13"))
            #expect(petrov.teaching.map(\.lesson.id) == [ids["k2026-09-01"], ids["k2026-09-03"], ids["k2026-09-07"]])
            #expect(petrov.diaries.isEmpty)

            let s1 = try await p.personalTimetable(s.callers["s1"]!, organization: s.id)
            #expect(s1.teaching.isEmpty)
            #expect(s1.diaries.map(\.student) == [s.s1] && s1.diaries[0].own)
            #expect(s1.diaries[0].lessons.map(\.lesson.id) == [ids["k2026-09-01"], ids["e2026-09-01"]])

            // p2's children: Борисов Дмитрий (9Г) and Борисова Вера (10А, in the English group).
            let p2 = try await p.personalTimetable(s.callers["p2"]!, organization: s.id)
            #expect(p2.diaries.map(\.student) == [s.s9, s.s2] && p2.diaries.allSatisfy { !$0.own })
            #expect(p2.diaries[0].lessons.map(\.lesson.id) == [ids["c2026-09-01"], ids["c2026-09-03"]])
            #expect(p2.diaries[1].lessons.map(\.lesson.id) == [ids["k2026-09-01"], ids["e2026-09-01"], ids["k2026-09-03"], ids["e2026-09-03"]])

            // s3 is in 10А but not in the English group; a stranger has no timetable here.
            let s3 = try await Self.link(world, s, s.s3, phone: "+79990000301")
            let s3Week = try await p.personalTimetable(s3, organization: s.id)
            #expect(s3Week.diaries[0].lessons.map(\.lesson.id) == [ids["k2026-09-01"], ids["k2026-09-03"]])
            let stranger = try await world.principal(try await world.signIn("+79990000302")).caller(from: "192.0.2.3")
            #expect(await Self.code { _ = try await p.personalTimetable(stranger, organization: s.id) } == "forbidden")
        }
    }

    @Test("distance lessons: the teacher makes one; the class enters while the lesson runs", arguments: TestEngine.all)
    func distance(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let p = world.parta
            let kraeved = try await p.createLesson(s.admin, organization: s.id, Self.kraeved(s)).lesson
            let english = try await p.createLesson(s.admin, organization: s.id, Self.english(s)).lesson
            let s3 = try await Self.link(world, s, s.s3, phone: "+79990000301")
            let s9 = try await Self.link(world, s, s.s9, phone: "+79990000302")
            let (petrov, smith, s1, admin) = (s.callers["petrov"]!, s.callers["smith"]!, s.callers["s1"]!, s.admin)

            // Only the lesson's teacher makes it; to the others it is forbidden or unknown.
            #expect(await Self.code { _ = try await p.createDistanceLesson(admin, organization: s.id, lesson: kraeved.id) } == "forbidden")
            #expect(await Self.code { _ = try await p.createDistanceLesson(s1, organization: s.id, lesson: kraeved.id) } == "forbidden")
            #expect(await Self.code { _ = try await p.createDistanceLesson(smith, organization: s.id, lesson: kraeved.id) } == "not_found")
            #expect(await Self.code { _ = try await p.createDistanceLesson(s9, organization: s.id, lesson: kraeved.id) } == "not_found")
            #expect(await Self.code {
                _ = try await p.createDistanceLesson(petrov, organization: s.id, lesson: kraeved.id, name: String(repeating: "я", count: 201))
            } == "invalid_name")
            let made = try await p.createDistanceLesson(petrov, organization: s.id, lesson: kraeved.id)
            #expect(made.distanceLesson.name == "Урок по предмету «Краеведение» от 01.09.2026 10:00")
            #expect(made.lesson.lesson == kraeved && made.distanceLesson.lessonID == kraeved.id)
            #expect(await Self.code { _ = try await p.createDistanceLesson(petrov, organization: s.id, lesson: kraeved.id) } == "distance_lesson_exists")
            let id = made.distanceLesson.id

            // The diary shows it on the lesson's row.
            let diary = try await p.personalTimetable(s1, organization: s.id)
            #expect(diary.diaries[0].lessons.first { $0.lesson.id == kraeved.id }?.distanceLesson == made.distanceLesson)

            // Before the start: not started, with the start; for everyone who may enter.
            for caller in [s1, petrov, admin, s3] {
                await #expect(throws: PartaError(
                    .conflict, code: "lesson_not_started", message: "The distance lesson has not started yet; it starts at 10:00.",
                    details: ["starts_at": .string("10:00"), "date": .string("2026-09-01")])) {
                    _ = try await p.enterDistanceLesson(caller, organization: s.id, id: id)
                }
            }
            // From the start: each as what they are; a student of another class is refused.
            world.clock.set(Self.moscow("2026-09-01", "10:00"))
            #expect(try await p.enterDistanceLesson(petrov, organization: s.id, id: id).entry == .host)
            #expect(try await p.enterDistanceLesson(s1, organization: s.id, id: id).entry == .student)
            #expect(try await p.enterDistanceLesson(s3, organization: s.id, id: id).entry == .student)
            #expect(try await p.enterDistanceLesson(admin, organization: s.id, id: id).entry == .observer)
            let entered = try await p.enterDistanceLesson(s1, organization: s.id, id: id)
            #expect(entered.view.lesson.state == .running && entered.view.distanceLesson == made.distanceLesson)
            for outsider in [s9, smith, s.callers["p2"]!] {
                #expect(await Self.code { _ = try await p.enterDistanceLesson(outsider, organization: s.id, id: id) } == "not_found")
            }

            // The group lesson admits its group: s1 yes, s3 (10А, not in the group) no.
            let group = try await p.createDistanceLesson(smith, organization: s.id, lesson: english.id, name: "Повторение")
            world.clock.set(Self.moscow("2026-09-01", "11:00"))
            #expect(try await p.enterDistanceLesson(s1, organization: s.id, id: group.distanceLesson.id).entry == .student)
            #expect(await Self.code { _ = try await p.enterDistanceLesson(s3, organization: s.id, id: group.distanceLesson.id) } == "not_found")

            // Renaming: the teacher only; deleting: the teacher or an administrator.
            #expect(await Self.code { _ = try await p.renameDistanceLesson(admin, organization: s.id, id: id, name: "Другое") } == "forbidden")
            #expect(await Self.code { _ = try await p.renameDistanceLesson(s1, organization: s.id, id: id, name: "Другое") } == "forbidden")
            #expect(await Self.code { _ = try await p.renameDistanceLesson(petrov, organization: s.id, id: id, name: " \n ") } == "invalid_name")
            #expect(try await p.renameDistanceLesson(petrov, organization: s.id, id: id, name: " Экскурсия ").distanceLesson.name == "Экскурсия")
            #expect(try await p.distanceLesson(s1, organization: s.id, id: id).distanceLesson.name == "Экскурсия")

            // At the end: ended, for everyone; and no new distance lesson of an ended lesson.
            world.clock.set(Self.moscow("2026-09-01", "10:45"))
            for caller in [s1, petrov, admin] {
                await #expect(throws: PartaError(.gone, code: "lesson_ended", message: "The lesson has ended.")) {
                    _ = try await p.enterDistanceLesson(caller, organization: s.id, id: id)
                }
            }
            #expect(await Self.code { try await p.deleteDistanceLesson(s1, organization: s.id, id: id) } == "forbidden")
            try await p.deleteDistanceLesson(admin, organization: s.id, id: id)
            #expect(await Self.code { _ = try await p.distanceLesson(petrov, organization: s.id, id: id) } == "not_found")
            #expect(await Self.code { _ = try await p.createDistanceLesson(petrov, organization: s.id, lesson: kraeved.id) } == "lesson_ended")
            // A cancelled lesson admits nobody.
            _ = try await p.setLessonCancelled(admin, organization: s.id, id: english.id, cancelled: true)
            world.clock.set(Self.moscow("2026-09-01", "11:10"))
            #expect(await Self.code { _ = try await p.enterDistanceLesson(s1, organization: s.id, id: group.distanceLesson.id) } == "lesson_cancelled")

            let audit = try await p.auditLog(admin, organization: s.id, action: nil, page: PageRequest()).items
                .filter { $0.targetType == "distance_lesson" }.map(\.action)
            #expect(audit == [.distanceLessonDeleted, .distanceLessonRenamed, .distanceLessonCreated, .distanceLessonCreated])
        }
    }
}
