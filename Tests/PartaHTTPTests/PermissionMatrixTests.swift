import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PartaApp
import PartaDomain
import PartaHTTP
import PartaStore
import PartaTesting
import Testing

/// Every route of the router × every kind of caller, with the status each gets, from one table
/// (issue 16: "every route has a row in the permission matrix test"). A route the router has and
/// the table lacks fails the test, as does a row for a route that does not exist.
///
/// Each route runs against a school of its own (`ChatSchool` plus another school, an operator, a
/// municipal officer, an API key, a message with a file, an invite, a pending join request and a
/// link code), the callers in the order of `Actor.allCases`: what one caller changes is what the
/// next finds (a deletion makes the next caller's attempt a 404), so the table reads in order.
@Suite("Permission matrix")
struct PermissionMatrixTests {
    enum Actor: String, CaseIterable, Sendable {
        case anonymous, noRole, student, parent, teacher, homeroom, otherAdmin, admin, `operator`, officer, apiKey
    }

    /// One route: how to call it, and the status each actor gets, in `Actor.allCases` order.
    struct Row: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var route: String
        /// `route` with placeholders beyond the route's own (`{chat}`, `{message}`, …) filled per world.
        var path: String
        var body: [String: any Sendable]?
        /// A body that is not JSON (an upload).
        var raw: String?
        var statuses: [Int]
        var description: String { "\(method.rawValue) \(route)" }

        init(
            _ method: HTTPRequest.Method, _ route: String, path: String? = nil, body: [String: any Sendable]? = nil, raw: String? = nil,
            _ statuses: String
        ) {
            self.method = method
            self.route = route
            self.path = path ?? route
            self.body = body
            self.raw = raw
            self.statuses = statuses.split(separator: " ").map { Int($0)! }
        }
    }

    //                                                       anon none stud par teach home other admin oper offic key
    static let rows: [Row] = [
        // Service routes.
        Row(.get, "/healthz", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.get, "/readyz", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.get, "/metrics", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.get, "/api/v1/openapi.yaml", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.get, "/dev/codes", "404 404 404 404 404 404 404 404 404 404 404"),
        Row(.get, "/dev/codes.json", "404 404 404 404 404 404 404 404 404 404 404"),
        // Signing in and sessions.
        Row(.post, "/api/v1/auth/code", body: ["phone": "+799910000{nn}"], "202 202 202 202 202 202 202 202 202 202 202"),
        Row(.post, "/api/v1/auth/verify", body: ["phone": "+79990000123", "code": "000000"], "400 400 400 400 400 400 400 400 400 400 400"),
        Row(.post, "/api/v1/auth/sign-out", "401 204 204 204 204 204 204 204 204 204 401"),
        Row(.get, "/api/v1/sessions", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.delete, "/api/v1/sessions/{id}", path: "/api/v1/sessions/{session}", "401 404 404 404 404 404 404 204 404 404 401"),
        Row(.post, "/api/v1/sessions/revoke-others", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.get, "/api/v1/me", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.patch, "/api/v1/me", body: ["surname": "Иванов", "given_name": "Иван"], "401 200 200 200 200 200 200 200 200 200 401"),
        // The directory.
        Row(.get, "/api/v1/regions", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.get, "/api/v1/regions/{id}/municipalities", path: "/api/v1/regions/{region}/municipalities", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.get, "/api/v1/organizations", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.post, "/api/v1/organizations", body: ["region": "Тверская область", "municipality": "г. Тверь", "full_name": "МБОУ «Лицей № 3»",
                                                   "admin_name": "Петрова Анна Ивановна", "admin_phone": "+79990000200"], "401 403 403 403 403 403 403 403 201 403 401"),
        Row(.get, "/api/v1/organizations/{id}", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.patch, "/api/v1/organizations/{id}", body: ["address": "г. Тверь, ул. Школьная, 1"], "401 403 403 403 403 403 403 200 200 403 401"),
        Row(.post, "/api/v1/organizations/{id}/administrators", body: ["name": "Петрова Анна Ивановна", "phone": "+79990000201", "replace_others": false], "401 403 403 403 403 403 403 403 200 403 401"),
        Row(.put, "/api/v1/organizations/{id}/administrators/{account_id}", path: "/api/v1/organizations/{id}/administrators/{teacher_account}", "401 403 403 403 403 403 403 200 200 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/administrators/{account_id}", path: "/api/v1/organizations/{id}/administrators/{second_admin}", "401 403 403 403 403 403 403 200 404 403 401"),
        Row(.get, "/api/v1/organizations/{id}/audit", "401 403 403 403 403 403 403 200 200 403 401"),
        Row(.get, "/api/v1/operators", "401 403 403 403 403 403 403 403 200 403 401"),
        Row(.post, "/api/v1/operators", body: ["name": "Миронова Вера Олеговна", "phone": "+79990000202"], "401 403 403 403 403 403 403 403 201 403 401"),
        Row(.delete, "/api/v1/operators/{account_id}", path: "/api/v1/operators/{operator_account}", "401 403 403 403 403 403 403 403 204 403 401"),
        Row(.get, "/api/v1/officers", "401 403 403 403 403 403 403 403 200 403 401"),
        Row(.post, "/api/v1/officers", path: "/api/v1/officers", body: ["name": "Котова Нина Петровна", "phone": "+79990000203", "municipality_id": "{municipality}"], "401 403 403 403 403 403 403 403 201 403 401"),
        Row(.delete, "/api/v1/officers/{account_id}", path: "/api/v1/officers/{officer_account}?municipality_id={municipality}", "401 403 403 403 403 403 403 403 204 403 401"),
        Row(.get, "/api/v1/audit", "401 403 403 403 403 403 403 403 200 403 401"),
        // The roster.
        Row(.get, "/api/v1/organizations/{id}/school-years", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/school-years", body: ["name": "2027/2028"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/school-years/{year_id}", body: ["start_date": "2026-09-01", "end_date": "2027-06-30"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/subjects", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/subjects", body: ["name": "Астрономия"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/subjects/{subject_id}", body: ["name": "Краеведение и история"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/subjects/{subject_id}", "401 403 403 403 403 403 403 409 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/classes", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/classes", body: ["school_year_id": "{year_id}", "name": "11Б"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/classes/{class_id}", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/classes/{class_id}", body: ["name": "10А"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/classes/{class_id}", "401 403 403 403 403 403 403 409 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/classes/{class_id}/students", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/persons", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/persons", body: ["role": "student", "surname": "Орлов", "given_name": "Ян"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/persons/{person_id}", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/persons/{person_id}", body: ["patronymic": "Игоревна"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/persons/{person_id}", "401 403 403 403 403 403 403 409 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/persons/{person_id}/children", path: "/api/v1/organizations/{id}/persons/{parent_id}/children",
            body: ["student_id": "{s3_id}"], "401 403 403 403 403 403 403 204 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/persons/{person_id}/children/{student_id}",
            path: "/api/v1/organizations/{id}/persons/{parent_id}/children/{student_id}", "401 403 403 403 403 403 403 204 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/persons/{person_id}/link-codes", "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/classes/{class_id}/link-code-cards", "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/assignments", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/assignments", body: ["teacher_id": "{smith_person}", "subject_id": "{subject_id}", "class_id": "{nine_g}"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/assignments/{assignment_id}",
            body: ["teacher_id": "{smith_person}", "subject_id": "{subject_id}", "class_id": "{class_id}"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/assignments/{assignment_id}", "401 403 403 403 403 403 403 204 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/orders", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/orders", body: ["student_id": "{s3_id}", "kind": "withdrawal", "class_id": "{class_id}", "effective_date": "2026-10-01"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/orders/{order_id}/cancel", "401 403 403 403 403 403 403 200 403 403 401"),
        // The timetable and distance lessons.
        Row(.get, "/api/v1/organizations/{id}/lessons", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/lessons", body: ["date": "2026-09-02", "start": "10:00", "end": "10:45", "class_id": "{class_id}", "subject_id": "{subject_id}", "teacher_id": "{smith_person}"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/lessons/{lesson_id}", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.put, "/api/v1/organizations/{id}/lessons/{lesson_id}", body: ["date": "2026-09-02", "start": "10:00", "end": "10:45", "class_id": "{class_id}", "subject_id": "{subject_id}", "teacher_id": "{smith_person}"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/lessons/{lesson_id}", "401 403 403 403 403 403 403 204 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/lessons/{lesson_id}/cancel", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/lessons/{lesson_id}/restore", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/lessons/{lesson_id}/distance-lesson", path: "/api/v1/organizations/{id}/lessons/{bare_lesson}/distance-lesson",
            "401 404 403 404 201 404 404 403 404 404 401"),
        Row(.get, "/api/v1/organizations/{id}/classes/{class_id}/timetable", "401 403 403 403 200 200 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/timetable", "401 403 200 200 200 200 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}", "401 404 200 404 200 404 404 200 404 404 401"),
        Row(.patch, "/api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}", body: ["name": "Экскурсия"], "401 404 403 404 200 404 404 403 404 404 401"),
        Row(.delete, "/api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}", "401 404 403 404 204 404 404 404 404 404 401"),
        Row(.post, "/api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}/enter", "401 404 200 404 200 404 404 200 404 404 401"),
        Row(.post, "/api/v1/organizations/{id}/distance-lessons/{distance_lesson_id}/leave", "401 404 204 404 204 404 404 204 404 404 401"),
        Row(.get, "/api/v1/organizations/{id}/api-keys", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/api-keys", body: ["name": "Второй журнал"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/api-keys/{key_id}", "401 403 403 403 403 403 403 204 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/imports/csv", "401 403 403 403 403 403 403 400 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/imports/oneroster", "401 403 403 403 403 403 403 400 403 403 401"),
        // Joining.
        Row(.get, "/api/v1/organizations/{id}/invites", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/invites", body: ["role": "teacher"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/invites/{invite_id}/link", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/invites/{invite_id}", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/invites/revoke-unused", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.get, "/api/v1/invites/{token}", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.get, "/api/v1/organizations/{id}/join-requests", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/join-requests", body: ["role": "teacher", "surname": "Гусева", "given_name": "Лилия"], "401 201 201 201 409 409 201 201 201 201 401"),
        Row(.get, "/api/v1/organizations/{id}/join-requests/{request_id}", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/join-requests/{request_id}/accept", "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/join-requests/{request_id}/reject", body: ["reason": "Не работает в школе"], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/join-requests/accept", body: ["ids": ["{request_id}"]], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.get, "/api/v1/me/join-requests", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.post, "/api/v1/me/join-requests/{request_id}/withdraw", "401 404 404 404 404 404 404 404 404 404 401"),
        Row(.get, "/api/v1/organizations/{id}/members", "401 403 403 403 403 403 403 200 200 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/members/{account_id}", path: "/api/v1/organizations/{id}/members/{parent_account}", "401 403 403 403 403 403 403 204 404 403 401"),
        // Chat management.
        Row(.post, "/api/v1/organizations/{id}/chats/initialize", body: ["dry_run": true], "401 403 403 403 403 403 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats", "401 403 403 403 200 200 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/chats", body: ["type": "custom", "name": "Кружок"], "401 403 403 403 403 403 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/creation-options", "401 403 403 403 200 200 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/suggested-name", path: "/api/v1/organizations/{id}/chats/suggested-name?type=class&class_id={class_id}", "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/{chat_id}", "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.patch, "/api/v1/organizations/{id}/chats/{chat_id}", body: ["name": "10А — класс"], "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/chats/{chat_id}", "401 403 403 403 403 204 404 404 404 404 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/{chat_id}/members", "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/chats/{chat_id}/members", body: ["person_ids": ["{p1_id}"]], "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/chats/{chat_id}/members/remove", body: ["person_ids": ["{s3_id}"]], "401 403 403 403 403 200 403 404 403 403 401"),
        Row(.post, "/api/v1/organizations/{id}/chats/{chat_id}/admins", body: ["person_id": "{s2_id}", "admin": true], "401 403 403 403 403 204 403 204 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/{chat_id}/candidates", "401 403 403 403 403 200 403 200 403 403 401"),
        // Chat invite links: made by the chat's managers; used by people of the school in an invited role
        // (the student, the homeroom teacher are members already; the administrator comes in as staff).
        Row(.post, "/api/v1/organizations/{id}/chats/{chat_id}/invites", body: ["roles": ["parents"]], "401 403 403 403 403 201 403 201 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/{chat_id}/invites", "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.get, "/api/v1/organizations/{id}/chats/{chat_id}/invites/{invite_id}", path: "/api/v1/organizations/{id}/chats/{chat_id}/invites/{chat_invite_id}",
            "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.delete, "/api/v1/organizations/{id}/chats/{chat_id}/invites/{invite_id}", path: "/api/v1/organizations/{id}/chats/{chat_id}/invites/{chat_invite_id}",
            "401 403 403 403 403 200 403 200 403 403 401"),
        Row(.get, "/api/v1/chat-invites/{token}", path: "/api/v1/chat-invites/{chat_invite_token}", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.post, "/api/v1/chat-invites/{token}/join", path: "/api/v1/chat-invites/{chat_invite_token}/join", "401 403 200 200 200 200 403 200 403 403 401"),
        // The messenger.
        Row(.get, "/api/v1/me/chats", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.get, "/api/v1/chats/{chat_id}/messages", "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/messages", body: ["client_id": "m-2", "text": "Вопрос"], "401 404 201 404 404 201 404 404 404 404 401"),
        Row(.get, "/api/v1/chats/{chat_id}/members", "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.patch, "/api/v1/chats/{chat_id}/messages/{message_id}", body: ["text": "План на неделю (исправлен)"], "401 404 403 404 404 200 404 404 404 404 401"),
        Row(.delete, "/api/v1/chats/{chat_id}/messages/{message_id}", "401 404 403 404 404 200 404 404 404 404 401"),
        Row(.get, "/api/v1/chats/{chat_id}/messages/{message_id}/readers", "401 404 403 404 404 403 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/read", body: ["seq": 1], "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.patch, "/api/v1/chats/{chat_id}/settings", body: ["announcements_only": true], "401 404 403 404 404 200 404 404 404 404 401"),
        Row(.post, "/api/v1/organizations/{id}/direct-chats", body: ["account_id": "{teacher_account}"], "401 404 403 200 404 200 404 200 404 404 401"),
        // Calls and meetings (no media server here: entering answers 503 once the rules allowed it).
        Row(.get, "/api/v1/chats/{chat_id}/calls", "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/calls", body: ["media": "video"], "401 404 503 404 404 503 404 404 404 404 401"),  // a call runs: starting joins it
        Row(.post, "/api/v1/chats/{chat_id}/calls/{call_id}/join", "401 404 503 404 404 503 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/calls/{call_id}/leave", "401 404 204 404 404 204 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/calls/{call_id}/end", "401 404 403 404 404 204 404 404 404 404 401"),
        Row(.get, "/api/v1/chats/{chat_id}/meetings", "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/meetings", body: ["title": "Родительское собрание", "starts_at": "2026-09-01T15:00:00+03:00",
                                                            "ends_at": "2026-09-01T16:00:00+03:00"], "401 404 403 404 404 201 404 404 404 404 401"),
        Row(.delete, "/api/v1/chats/{chat_id}/meetings/{meeting_id}", "401 404 403 404 404 204 404 404 404 404 401"),
        Row(.post, "/api/v1/chats/{chat_id}/meetings/{meeting_id}/join", "401 404 503 404 404 503 404 404 404 404 401"),
        Row(.get, "/api/v1/calls/{call_id}/state", "401 404 200 404 404 200 404 404 404 404 401"),
        Row(.post, "/api/v1/calls/{call_id}/hand", body: ["raised": true], "401 404 204 404 404 204 404 404 404 404 401"),
        Row(.post, "/api/v1/calls/{call_id}/mute-all", "401 404 403 404 404 204 404 404 404 404 401"),
        Row(.post, "/api/v1/calls/{call_id}/participants/{account_id}/remove", path: "/api/v1/calls/{call_id}/participants/{student_account}/remove",
            "401 404 403 404 404 204 404 404 404 404 401"),
        // Statistics: the operator everything, the municipal officer their municipality and its
        // schools, a school's administrator their school.
        Row(.get, "/api/v1/statistics", "401 403 403 403 403 403 403 403 200 403 401"),
        Row(.get, "/api/v1/statistics/regions/{region_id}", path: "/api/v1/statistics/regions/{region}", "401 403 403 403 403 403 403 403 200 403 401"),
        Row(.get, "/api/v1/statistics/municipalities/{municipality_id}", path: "/api/v1/statistics/municipalities/{municipality}",
            "401 403 403 403 403 403 403 403 200 200 401"),
        Row(.get, "/api/v1/statistics/organizations/{id}", "401 403 403 403 403 403 403 200 200 200 401"),
        Row(.post, "/api/v1/attachments", raw: "План урока", "401 403 201 201 201 201 201 201 403 403 401"),
        Row(.get, "/api/v1/attachments/{attachment_id}", "401 403 200 403 403 200 403 403 403 403 401"),
        // Linking.
        // Whom a link code is for shows before signing in, as an invite's preview does.
        Row(.get, "/api/v1/link-codes/{code}", "200 200 200 200 200 200 200 200 200 200 200"),
        Row(.post, "/api/v1/link-codes/{code}/confirm", "401 200 409 409 409 409 409 409 409 409 401"),
        Row(.get, "/api/v1/me/links", "401 200 200 200 200 200 200 200 200 200 401"),
        Row(.delete, "/api/v1/me/links/{person_id}", path: "/api/v1/me/links/{student_id}", "401 404 204 404 404 404 404 404 404 404 401"),
        // The school system's API.
        Row(.put, "/api/v1/integration/persons/{external_id}", body: ["role": "student", "surname": "Орлов", "given_name": "Ян"], "401 401 401 401 401 401 401 401 401 401 200"),
        Row(.put, "/api/v1/integration/subjects/{external_id}", body: ["name": "Астрономия"], "401 401 401 401 401 401 401 401 401 401 201"),
        Row(.put, "/api/v1/integration/classes/{external_id}", body: ["school_year": "2026/2027", "name": "11Б"], "401 401 401 401 401 401 401 401 401 401 201"),
        Row(.put, "/api/v1/integration/assignments/{external_id}", body: ["teacher": "ext-petrov", "subject": "Краеведение", "class": "ext-10a"], "401 401 401 401 401 401 401 401 401 401 404"),
        Row(.put, "/api/v1/integration/guardianships", body: ["parent": "ext-p1", "student": "ext-1"], "401 401 401 401 401 401 401 401 401 401 204"),
        Row(.delete, "/api/v1/integration/guardianships", path: "/api/v1/integration/guardianships?parent=ext-p1&student=ext-s1", "401 401 401 401 401 401 401 401 401 401 204"),
        Row(.put, "/api/v1/integration/orders/{external_id}", body: ["kind": "enrollment", "student": "ext-1", "class": "ext-10a", "effective_date": "2026-09-01"], "401 401 401 401 401 401 401 401 401 401 409"),
        Row(.post, "/api/v1/integration/orders/{external_id}/cancel", "401 401 401 401 401 401 401 401 401 401 404"),
        Row(.post, "/api/v1/integration/persons/{external_id}/link-codes", "401 401 401 401 401 401 401 401 401 401 201"),
        Row(.put, "/api/v1/integration/lessons/{external_id}", path: "/api/v1/integration/lessons/ext-lesson-2",
            body: ["date": "2026-09-02", "start": "10:00", "end": "10:45", "class": "ext-10a", "subject": "ext-kraeved", "teacher": "ext-petrov"],
            "401 401 401 401 401 401 401 401 401 401 201"),
        Row(.post, "/api/v1/integration/lessons/{external_id}/cancel", path: "/api/v1/integration/lessons/ext-lesson-1/cancel",
            "401 401 401 401 401 401 401 401 401 401 200"),
    ]

    /// Concrete values for a world's placeholders.
    struct World: Sendable {
        var tokens: [Actor: String]
        var values: [String: String]

        func path(_ row: Row) -> String {
            var path = row.path
            for (key, value) in values { path = path.replacingOccurrences(of: "{\(key)}", with: value) }
            return path
        }

        /// The body with `"{placeholder}"` strings replaced by the world's values (numbers as numbers),
        /// and `{nn}` by the actor's two-digit number (a phone of its own).
        func body(_ row: Row, actor: Actor) -> [String: any Sendable]? {
            let nn = String(format: "%02d", Actor.allCases.firstIndex(of: actor)!)
            func fill(_ value: any Sendable) -> any Sendable {
                if let text = value as? String, text.hasPrefix("{"), text.hasSuffix("}"), let found = values[String(text.dropFirst().dropLast())] {
                    return Int64(found).map { $0 as any Sendable } ?? found
                }
                if let text = value as? String, text.contains("{nn}") { return text.replacingOccurrences(of: "{nn}", with: nn) }
                if let list = value as? [any Sendable] { return list.map(fill) }
                return value
            }
            return row.body?.mapValues(fill)
        }
    }

    static func world(_ world: TestWorld, _ client: any TestClientProtocol, dataDirectory: String) async throws -> World {
        let p = world.parta
        let s = try await world.chatSchool()
        let school = s.id
        let other = try await world.registerSchool("МБОУ «Гимназия № 2»", shortName: "Гимназия № 2", adminPhone: "+79990000011")
        _ = try await p.addOperator(world.system, name: "Орлова Анна Сергеевна", phone: "+79990000001")
        let secondOperator = try await p.addOperator(world.system, name: "Зуева Ирина Петровна", phone: "+79990000002")
        let municipality = try await p.organization(world.system, school).summary.municipality.id
        let officer = try await p.addOfficer(world.system, name: "Лебедева Елена Павловна", phone: "+79990000003", scope: .municipality(municipality))
        var tokens: [Actor: String] = [
            .student: s.tokens["s1"]!, .parent: s.tokens["p2"]!, .teacher: s.tokens["petrov"]!, .homeroom: s.tokens["ivanova"]!,
            .admin: s.tokens["admin"]!,
        ]
        tokens[.noRole] = try await world.signIn("+79990000099").token
        tokens[.otherAdmin] = try await world.signIn("+79990000011").token
        tokens[.operator] = try await world.signIn("+79990000001").token
        tokens[.officer] = try await world.signIn("+79990000003").token
        let key = try await p.createAPIKey(s.admin, organization: school, name: "Электронный журнал")
        tokens[.apiKey] = key.key

        let classChat = try #require(try await p.myChats(s.principals["ivanova"]!).first { $0.entry.chat.name == "10А - Ученики" }).entry.chat.id
        let content = Data("План!".utf8)
        let sha256 = String(repeating: "a", count: 64)
        let files = AttachmentFiles(dataDirectory: dataDirectory)
        try FileManager.default.createDirectory(at: files.path(of: sha256).deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: files.path(of: sha256))
        let file = try await p.registerAttachment(
            s.principals["ivanova"]!, sha256: sha256, size: Int64(content.count), contentType: "text/plain", name: "план.txt")
        let message = try await p.sendMessage(s.principals["ivanova"]!, chat: classChat, clientID: "matrix-1", text: "План на неделю", attachments: [file.id]).message
        // A class invite anyone may look at; a teacher's, already used by an applicant who waits.
        let invite = try await p.createInvite(s.admin, organization: school, role: .parent, classID: s.tenA)
        let used = try await p.createInvite(s.admin, organization: school, role: .teacher, classID: nil)
        let applicant = try await world.principal(try await world.signIn("+79990000098"))
        let request = try await p.applyToJoin(
            applicant, organization: school, JoinRequestInput(inviteToken: used.token, surname: "Новикова", givenName: "Ольга"), clientAddress: "x")
        // The school system knows s3 and p1 by its ids; Смит is a second administrator.
        _ = try await p.updatePerson(s.admin, organization: school, id: s.s3, PersonPatch(externalID: .some("ext-1")))
        _ = try await p.updatePerson(s.admin, organization: school, id: s.p1, PersonPatch(externalID: .some("ext-p1")))
        _ = try await p.updatePerson(s.admin, organization: school, id: s.s1, PersonPatch(externalID: .some("ext-s1")))
        _ = try await p.updatePerson(s.admin, organization: school, id: s.petrov, PersonPatch(externalID: .some("ext-petrov")))
        _ = try await p.updateClass(s.admin, organization: school, id: s.tenA, externalID: .some("ext-10a"))
        _ = try await p.grantAdministrator(s.admin, organization: school, account: s.principals["smith"]!.account.id)
        let code = try await p.createLinkCode(s.admin, organization: school, person: s.s3).code
        let order = try #require(try await p.orders(s.admin, organization: school, student: s.s1, page: PageRequest()).items.first)
        let assignment = try #require(try await p.assignments(s.admin, organization: school).first { $0.assignment.teacherID == s.petrov })
        // A lesson of Петров's that runs now (the clock is Tuesday 1 September, 09:00 in Moscow),
        // with a distance lesson; another without one.
        _ = try await p.updateSubject(s.admin, organization: school, id: s.kraeved, name: nil, externalID: .some("ext-kraeved"))
        let now = LocalTime(minutes: 9 * 60)!
        func running(_ externalID: String?) async throws -> LessonID {
            try await p.createLesson(s.admin, organization: school, LessonInput(
                date: LocalDate("2026-09-01"), start: now, end: LocalTime(minutes: 12 * 60)!, classID: s.tenA, subject: s.kraeved,
                teacher: s.petrov, externalID: externalID)).lesson.id
        }
        let lesson = try await running("ext-lesson-1")
        let bareLesson = try await running(nil)
        let distance = try await p.createDistanceLesson(s.callers["petrov"]!, organization: school, lesson: lesson)
        // A call running in the class chat (its room on a media server this test does not reach)
        // with Иванова hosting it and s1 in it, and a meeting there that members may join now.
        let call: CallID = try await world.database.write { store in
            guard let call = try await store.insertChatCall(
                organization: school, chat: classChat, meeting: nil, media: .video, startedBy: s.principals["ivanova"]!.account.id,
                server: "http://127.0.0.1:9/janus", room: 4242, secret: "matrix", now: world.clock.now())
            else { throw StoreError.missingRow("call") }
            for (name, role, participant) in [("ivanova", CallRole.host, Int64(11)), ("s1", .member, 12)] {
                _ = try await store.insertStay(
                    call: call, account: s.principals[name]!.account.id, role: role.rawValue, token: "matrix-\(name)", participant: participant,
                    now: world.clock.now())
            }
            return call
        }
        let meeting = try await p.scheduleMeeting(
            s.principals["ivanova"]!, chat: classChat, title: "Классный час", media: "video", startsAt: world.clock.now().addingTimeInterval(300),
            endsAt: world.clock.now().addingTimeInterval(3600))
        // A link into the class chat for everyone of the school.
        let chatInvite = try await p.createChatInvite(s.admin, organization: school, chat: classChat, audiences: [.students, .parents, .staff])
        // Last Friday's statistics snapshot.
        _ = try await p.takeDueSnapshot()
        let session = try #require(try await p.sessions(s.roster.adminPrincipal).first)
        let region = try #require(try await p.regions().first)
        return World(tokens: tokens, values: [
            "id": "\(school)", "other": "\(other.summary.organization.id)", "region": "\(region.id)", "session": "\(session.id)",
            "year_id": "\(s.year.id)", "subject_id": "\(s.kraeved)", "class_id": "\(s.tenA)", "person_id": "\(s.s2)",
            "parent_id": "\(s.p1)", "student_id": "\(s.s1)", "assignment_id": "\(assignment.assignment.id)", "order_id": "\(order.order.id)",
            "key_id": "\(key.info.id)", "invite_id": "\(invite.view.invite.id)", "token": invite.token, "request_id": "\(request.request.id)",
            "chat_id": "\(classChat)", "message_id": "\(message.id)", "attachment_id": "\(file.id)", "code": code,
            "external_id": "ext-1", "teacher_account": "\(s.principals["petrov"]!.account.id)",
            "member_account": "\(s.principals["smith"]!.account.id)", "operator_account": "\(secondOperator.account.id)",
            "officer_account": "\(officer.account.id)", "municipality": "\(municipality)", "s2_id": "\(s.s2)", "s3_id": "\(s.s3)",
            "p1_id": "\(s.p1)", "smith_person": "\(s.smith)", "nine_g": "\(s.nineG)",
            "second_admin": "\(s.principals["smith"]!.account.id)", "lesson_id": "\(lesson)", "bare_lesson": "\(bareLesson)",
            "distance_lesson_id": "\(distance.distanceLesson.id)", "call_id": "\(call)", "student_account": "\(s.principals["s1"]!.account.id)", "meeting_id": "\(meeting.id)", "parent_account": "\(s.principals["p2"]!.account.id)",
            "chat_invite_id": "\(chatInvite.invite.id)", "chat_invite_token": chatInvite.token,
        ])
    }

    @Test("every route of the router has its row", arguments: [TestEngine.sqlite])
    func complete(engine: TestEngine) async throws {
        let registered = try await OpenAPITests.registeredOperations()
        let inTable = Set(Self.rows.map(\.description))
        let missing = registered.subtracting(inTable).sorted()
        #expect(missing.isEmpty, "routes without a row in the permission matrix: \(missing)")
        let stale = inTable.subtracting(registered).sorted()
        #expect(stale.isEmpty, "rows for routes the router does not have: \(stale)")
        #expect(Self.rows.allSatisfy { $0.statuses.count == Actor.allCases.count }, "a row without a status for every actor")
    }

    /// One route at a time: a school each, built on the database while the other suites run.
    @Test("each actor gets the status of the table", .serialized, arguments: TestEngine.all, Self.rows)
    func matrix(engine: TestEngine, row: Row) async throws {
        let config = ServerConfig.forTests()
        let dataDirectory = config.dataDirectory
        try await withApp(engine, config: config) { world, client in
            let w = try await Self.world(world, client, dataDirectory: dataDirectory)
            var statuses: [Int] = []
            for actor in Actor.allCases {
                let response = try await client.call(row.method, w.path(row), json: w.body(row, actor: actor), raw: row.raw, token: w.tokens[actor])
                statuses.append(Int(response.status.code))
            }
            let line = statuses.map(String.init).joined(separator: " ")
            #expect(statuses == row.statuses, "ROW Row(.\(row.method.rawValue.lowercased()), \"\(row.route)\", \"\(line)\"),")
        }
    }
}
