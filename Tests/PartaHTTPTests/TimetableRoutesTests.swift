import Foundation
import HTTPTypes
import HummingbirdTesting
import PartaApp
import PartaDomain
import PartaHTTP
import PartaTesting
import Testing

@Suite("Timetable and distance lessons over HTTP")
struct TimetableRoutesTests {
    /// The school system's lesson, as `PUT /integration/lessons/{id}` takes it.
    nonisolated(unsafe) static let lesson: [String: Any] = [
        "date": "2026-09-01", "start": "10:00", "end": "10:45", "class": "ext-10a", "subject": "ext-kraeved", "teacher": "ext-petrov",
        "topic": "Природа родного края", "room": "214",
    ]

    static func expected(id: Int, s: TestWorld.ChatSchool, cancelled: Bool, state: String, externalID: Bool, distance: [String: Any]? = nil)
        -> NSDictionary
    {
        var lesson: [String: Any] = [
            "id": id, "date": "2026-09-01", "start": "10:00", "end": "10:45", "starts_at": "2026-09-01T07:00:00Z",
            "ends_at": "2026-09-01T07:45:00Z", "state": state,
            "school_class": ["id": Int(s.tenA.rawValue), "name": "10А", "school_year_id": Int(s.year.id.rawValue)], "group": "",
            "subject": ["id": Int(s.kraeved.rawValue), "name": "Краеведение"],
            "teacher": ["id": Int(s.petrov.rawValue), "full_name": "Петров Олег", "short_name": "Петров О."],
            "topic": "Природа родного края", "room": "214", "cancelled": cancelled,
        ]
        if externalID { lesson["external_id"] = "ext-l1" }
        if let distance { lesson["distance_lesson"] = distance }
        return lesson as NSDictionary
    }

    @Test("the school system upserts and cancels lessons; diaries show them without its ids", arguments: TestEngine.all)
    func integration(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let p = world.parta
            _ = try await p.updateSubject(s.admin, organization: s.id, id: s.kraeved, name: nil, externalID: .some("ext-kraeved"))
            _ = try await p.updatePerson(s.admin, organization: s.id, id: s.petrov, PersonPatch(externalID: .some("ext-petrov")))
            _ = try await p.updateClass(s.admin, organization: s.id, id: s.tenA, externalID: .some("ext-10a"))
            let key = try await p.createAPIKey(s.admin, organization: s.id, name: "Электронный журнал").key

            let created = try await client.call(.put, "/api/v1/integration/lessons/ext-l1", json: Self.lesson, token: key)
            #expect(created.status == .created)
            let id = try #require(created["id"] as? Int)
            #expect(created.json as NSDictionary == Self.expected(id: id, s: s, cancelled: false, state: "upcoming", externalID: true))
            let again = try await client.call(.put, "/api/v1/integration/lessons/ext-l1", json: Self.lesson, token: key)
            #expect(again.status == .ok && again.json as NSDictionary == created.json as NSDictionary)

            // Bad lessons: a clear 400 or 404, and the lesson as it was.
            let bad: [([String: Any], HTTPResponse.Status, String)] = [
                (["start": "25:00"], .badRequest, "invalid_time"), (["end": "09:00"], .badRequest, "invalid_time"),
                (["class": "ext-none"], .notFound, "not_found"), (["subject": "Краеведение"], .notFound, "not_found"),
                (["teacher": "ext-none"], .notFound, "not_found"), (["group": "Англ.яз/9"], .badRequest, "invalid_group"),
                (["date": "2027-10-01"], .badRequest, "invalid_date"), (["room": String(repeating: "1", count: 41)], .badRequest, "invalid_room"),
            ]
            for (change, status, code) in bad {
                let response = try await client.call(
                    .put, "/api/v1/integration/lessons/ext-l1", json: Self.lesson.merging(change) { $1 }, token: key)
                #expect(response.status == status && response.error == code, "\(change): \(response.text)")
            }
            let unchanged = try await client.call(.get, "/api/v1/organizations/\(s.id)/lessons/\(id)", token: s.tokens["admin"])
            #expect(unchanged.json as NSDictionary == created.json as NSDictionary)

            let cancelled = try await client.call(.post, "/api/v1/integration/lessons/ext-l1/cancel", token: key)
            #expect(cancelled.json as NSDictionary == Self.expected(id: id, s: s, cancelled: true, state: "upcoming", externalID: true))
            #expect(try await client.call(.post, "/api/v1/integration/lessons/ext-none/cancel", token: key).status == .notFound)
            let restored = try await client.call(.put, "/api/v1/integration/lessons/ext-l1", json: Self.lesson, token: key)
            #expect(restored.status == .ok && restored.json as NSDictionary == created.json as NSDictionary)

            // The student's diary: the same lesson, without the school system's id.
            let diary = try await client.call(.get, "/api/v1/organizations/\(s.id)/timetable", token: s.tokens["s1"])
            #expect(diary.status == .ok)
            #expect(diary["from"] as? String == "2026-08-31" && diary["to"] as? String == "2026-09-06")
            #expect((diary["teaching"] as? [Any])?.isEmpty == true)
            let diaries = try #require(diary["diaries"] as? [[String: Any]])
            #expect(diaries.count == 1)
            #expect(diaries[0]["student_id"] as? Int == Int(s.s1.rawValue) && diaries[0]["student_name"] as? String == "Алексеев Артём")
            #expect(diaries[0]["own"] as? Bool == true)
            #expect(diaries[0]["lessons"] as? [NSDictionary] == [Self.expected(id: id, s: s, cancelled: false, state: "upcoming", externalID: false)])
            #expect(!diary.text.contains("ext-"))
        }
    }

    @Test("a distance lesson over HTTP: made by the teacher, entered in its window, with clear refusals", arguments: TestEngine.all)
    func distance(engine: TestEngine) async throws {
        try await withApp(engine) { world, client in
            let s = try await world.chatSchool()
            let base = "/api/v1/organizations/\(s.id)"
            let made = try await client.call(.post, "\(base)/lessons", json: [
                "date": "2026-09-01", "start": "10:00", "end": "10:45", "class_id": Int(s.tenA.rawValue), "subject_id": Int(s.kraeved.rawValue),
                "teacher_id": Int(s.petrov.rawValue), "topic": "Природа родного края", "room": "214",
            ], token: s.tokens["admin"])
            #expect(made.status == .created)
            let lessonID = try #require(made["id"] as? Int)
            for (body, code) in [("{\"start\": \"10:00\"}", "invalid_body"), ("[]", "invalid_body")] {
                let refused = try await client.call(.post, "\(base)/lessons", raw: body, token: s.tokens["admin"])
                #expect(refused.status == .badRequest && refused.error == code, "\(refused.text)")
            }
            let badTime = try await client.call(.post, "\(base)/lessons", json: [
                "date": "2026-09-01", "start": "10.00", "end": "9:60", "class_id": Int(s.tenA.rawValue), "subject_id": Int(s.kraeved.rawValue),
                "teacher_id": Int(s.petrov.rawValue),
            ], token: s.tokens["admin"])
            #expect(badTime.status == .badRequest && badTime.error == "invalid_time")
            #expect((badTime["details"] as? [String: Any])?["field"] as? String == "end")

            let created = try await client.call(.post, "\(base)/lessons/\(lessonID)/distance-lesson", token: s.tokens["petrov"])
            #expect(created.status == .created)
            let id = try #require(created["id"] as? Int)
            let name = "Урок по предмету «Краеведение» от 01.09.2026 10:00"
            #expect(created["name"] as? String == name)
            #expect(created["lesson"] as? NSDictionary == Self.expected(
                id: lessonID, s: s, cancelled: false, state: "upcoming", externalID: false, distance: ["id": id, "name": name]))

            let early = try await client.call(.post, "\(base)/distance-lessons/\(id)/enter", token: s.tokens["s1"])
            #expect(early.status == .conflict)
            #expect(early.error == "lesson_not_started")
            #expect(early["details"] as? NSDictionary == ["starts_at": "10:00", "date": "2026-09-01"] as NSDictionary)

            world.clock.set(ISO8601DateFormatter().date(from: "2026-09-01T07:10:00Z")!)
            let entered = try await client.call(.post, "\(base)/distance-lessons/\(id)/enter", token: s.tokens["s1"])
            #expect(entered.status == .ok)
            #expect(entered["role"] as? String == "student" && entered["ends_at"] as? String == "2026-09-01T07:45:00Z")
            #expect((entered["distance_lesson"] as? [String: Any])?["id"] as? Int == id)
            let host = try await client.call(.post, "\(base)/distance-lessons/\(id)/enter", token: s.tokens["petrov"])
            #expect(host["role"] as? String == "host")
            let parent = try await client.call(.post, "\(base)/distance-lessons/\(id)/enter", token: s.tokens["p2"])
            #expect(parent.status == .notFound)

            world.clock.set(ISO8601DateFormatter().date(from: "2026-09-01T07:45:00Z")!)
            let late = try await client.call(.post, "\(base)/distance-lessons/\(id)/enter", token: s.tokens["s1"])
            #expect(late.status == .gone && late.error == "lesson_ended")
            let tooLate = try await client.call(.post, "\(base)/lessons/\(lessonID)/distance-lesson", token: s.tokens["petrov"])
            #expect(tooLate.status == .conflict && tooLate.error == "lesson_ended")
        }
    }
}
