public import Foundation
public import PartaDomain
import SQLKit

/// An open call with its room on the media server (the secret stays in the database).
public struct OpenCall: Sendable, Equatable {
    public var call: Call
    public var server: String
    public var room: Int64
    public var secret: String
}

/// Calls and their participants' stays.
extension Store {
    static let callColumns = """
        id, organization_id, kind, distance_lesson_id, lesson_id, chat_id, meeting_id, media, started_by, media_server, media_room,
        media_secret, started_at, ended_at
        """

    static func openCall(from row: any SQLRow) throws -> OpenCall {
        OpenCall(
            call: Call(
                id: try row.id("id"), organizationID: try row.id("organization_id"),
                kind: Call.Kind(rawValue: try row.string("kind")) ?? .chat, distanceLessonID: try row.optionalID("distance_lesson_id"),
                lessonID: try row.optionalID("lesson_id"), chatID: try row.optionalID("chat_id"), meetingID: try row.optionalID("meeting_id"),
                media: CallMedia(rawValue: try row.string("media")) ?? .video, startedBy: try row.optionalID("started_by"),
                startedAt: try row.date("started_at"),
                endedAt: try row.optionalDate("ended_at")),
            server: try row.string("media_server"), room: try row.int64("media_room"), secret: try row.string("media_secret"))
    }

    /// The open call of a distance lesson, if one runs.
    public func openCall(distanceLesson: DistanceLessonID) async throws -> OpenCall? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls
            WHERE distance_lesson_id = \(bind: distanceLesson.rawValue) AND ended_at IS NULL
            """).first().map(Self.openCall(from:))
    }

    /// Records a distance lesson's call in its room; `nil` when another one opened meanwhile.
    public func insertDistanceLessonCall(
        organization: OrganizationID, distanceLesson: DistanceLessonID, lesson: LessonID, startedBy: AccountID, server: String, room: Int64,
        secret: String, now: Date
    ) async throws -> CallID? {
        try await sql.raw("""
            INSERT INTO calls (organization_id, kind, distance_lesson_id, lesson_id, started_by, media_server, media_room, media_secret, started_at)
            VALUES (\(bind: organization.rawValue), \(bind: Call.Kind.distanceLesson.rawValue), \(bind: distanceLesson.rawValue),
                \(bind: lesson.rawValue), \(bind: startedBy.rawValue), \(bind: server), \(bind: room), \(bind: secret), \(bind: now.millis))
            ON CONFLICT (distance_lesson_id) WHERE ended_at IS NULL DO NOTHING
            RETURNING id
            """).first()?.id("id")
    }

    /// Every open call (few at any time: the sweeper checks them each pass).
    public func openCalls() async throws -> [OpenCall] {
        try await sql.raw("SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE ended_at IS NULL ORDER BY id").all().map(Self.openCall(from:))
    }

    public func call(_ id: CallID) async throws -> Call? {
        try await sql.raw("SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE id = \(bind: id.rawValue)").first().map { try Self.openCall(from: $0).call }
    }

    /// Ends a call and every stay still open in it; `false` when it had ended already.
    @discardableResult
    public func endCall(_ id: CallID, now: Date) async throws -> Bool {
        try await sql.raw("UPDATE call_participants SET left_at = \(bind: now.millis) WHERE call_id = \(bind: id.rawValue) AND left_at IS NULL").run()
        return try await sql.raw("""
            UPDATE calls SET ended_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue) AND ended_at IS NULL RETURNING id
            """).first() != nil
    }

    /// The account's present stay in a call: its role, media token and participant id in the room.
    public func presentStay(call: CallID, account: AccountID) async throws -> (role: String, token: String, participant: Int64)? {
        try await sql.raw("""
            SELECT role, media_token, media_participant FROM call_participants
            WHERE call_id = \(bind: call.rawValue) AND account_id = \(bind: account.rawValue) AND left_at IS NULL
            """).first().map { (try $0.string("role"), try $0.string("media_token"), try $0.int64("media_participant")) }
    }

    /// Records a stay; `false` when the account already has one (a second entry at the same moment).
    public func insertStay(call: CallID, account: AccountID, role: String, token: String, participant: Int64, now: Date) async throws -> Bool {
        try await sql.raw("""
            INSERT INTO call_participants (call_id, account_id, role, media_token, media_participant, joined_at)
            VALUES (\(bind: call.rawValue), \(bind: account.rawValue), \(bind: role), \(bind: token), \(bind: participant), \(bind: now.millis))
            ON CONFLICT (call_id, account_id) WHERE left_at IS NULL DO NOTHING
            RETURNING id
            """).first() != nil
    }

    /// Ends the account's present stay; answers its media token and participant id to withdraw.
    public func endStay(call: CallID, account: AccountID, now: Date) async throws -> (token: String, participant: Int64)? {
        guard let present = try await presentStay(call: call, account: account) else { return nil }
        try await sql.raw("""
            UPDATE call_participants SET left_at = \(bind: now.millis)
            WHERE call_id = \(bind: call.rawValue) AND account_id = \(bind: account.rawValue) AND left_at IS NULL
            """).run()
        return (present.token, present.participant)
    }

    /// The stays still open in a call: who, with which token and participant id.
    public func presentStays(call: CallID) async throws -> [(account: AccountID, token: String, participant: Int64, joinedAt: Date)] {
        try await sql.raw("""
            SELECT account_id, media_token, media_participant, joined_at FROM call_participants
            WHERE call_id = \(bind: call.rawValue) AND left_at IS NULL ORDER BY id
            """).all().map { (try $0.id("account_id"), try $0.string("media_token"), try $0.int64("media_participant"), try $0.date("joined_at")) }
    }

    /// Every stay in a call, in order of entering.
    public func stays(call: CallID) async throws -> [CallStay] {
        try await sql.raw("""
            SELECT call_id, account_id, role, joined_at, left_at FROM call_participants WHERE call_id = \(bind: call.rawValue) ORDER BY id
            """).all().map {
            CallStay(callID: try $0.id("call_id"), accountID: try $0.id("account_id"), role: try $0.string("role"),
                     joinedAt: try $0.date("joined_at"), leftAt: try $0.optionalDate("left_at"))
        }
    }

    /// The calls of a distance lesson, open or ended.
    public func calls(distanceLesson: DistanceLessonID) async throws -> [Call] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.callColumns) FROM calls WHERE distance_lesson_id = \(bind: distanceLesson.rawValue) ORDER BY id
            """).all().map { try Self.openCall(from: $0).call }
    }
}
