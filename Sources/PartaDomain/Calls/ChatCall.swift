public import Foundation

public typealias MeetingID = Identifier<Meeting>

/// What a call sends: sound only, or sound and pictures (the browser asks for the camera only for video).
public enum CallMedia: String, Sendable, Codable, CaseIterable {
    case audio
    case video

    public static func parse(_ raw: String?) throws(PartaError) -> CallMedia {
        guard let raw else { return .video }
        guard let media = CallMedia(rawValue: raw) else {
            throw PartaError.invalid("invalid_media", "media is audio or video.", details: ["field": .string("media")])
        }
        return media
    }
}

/// A call planned in a chat — a parents' meeting, a staff council: a title and a time window in
/// which the chat's members join it (SPEC §7).
public struct Meeting: Hashable, Sendable {
    public var id: MeetingID
    public var organizationID: OrganizationID
    public var chatID: ChatID
    public var title: String
    public var media: CallMedia
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: AccountID?
    public var cancelledAt: Date?

    public init(
        id: MeetingID, organizationID: OrganizationID, chatID: ChatID, title: String, media: CallMedia, startsAt: Date, endsAt: Date,
        createdBy: AccountID?, cancelledAt: Date? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.chatID = chatID
        self.title = title
        self.media = media
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.cancelledAt = cancelledAt
    }
}

/// What one may do about calls in a chat.
public enum CallAction: String, Sendable, CaseIterable {
    /// Start a call now (or join the one running).
    case start
    /// Join a running call or a meeting in its window.
    case join
    /// End the call for everyone.
    case end
    case scheduleMeeting = "schedule_meeting"
    case cancelMeeting = "cancel_meeting"
}

/// Who acts, as far as a chat's calls care.
public struct CallActor: Sendable, Equatable {
    /// A member of the chat (anyone else does not learn the chat exists).
    public var isMember: Bool
    public var isChatAdmin: Bool
    /// A teacher, employee or administrator of the chat's organization.
    public var isStaff: Bool
    /// Started the call acted on, or scheduled the meeting.
    public var isOrganizer: Bool

    public init(isMember: Bool = true, isChatAdmin: Bool = false, isStaff: Bool = false, isOrganizer: Bool = false) {
        self.isMember = isMember
        self.isChatAdmin = isChatAdmin
        self.isStaff = isStaff
        self.isOrganizer = isOrganizer
    }
}

/// The chat, as far as its calls care.
public struct CallChat: Sendable, Equatable {
    public var kind: ChatKind
    public var announcementsOnly: Bool
    /// Kept to be read: nobody calls in it.
    public var closed: Bool

    public init(kind: ChatKind, announcementsOnly: Bool = false, closed: Bool = false) {
        self.kind = kind
        self.announcementsOnly = announcementsOnly
        self.closed = closed
    }
}

/// The safeguarding rules of calls in chats (SPEC §7, §8), and meetings' windows — time passed in.
public enum ChatCallRules {
    /// Staff call in any chat they are in; students and parents only in direct chats (which exist
    /// only where `DirectChatRules` allows them); in an announcements chat only its admins start
    /// calls and meetings. Any member joins; the chat's admins and the organizer end or cancel.
    /// Meetings are the school's: staff schedule them.
    public static func decide(_ action: CallAction, actor: CallActor, chat: CallChat) -> Decision {
        guard actor.isMember else { return .denied("Only the chat's members take part in its calls.") }
        switch action {
        case .start, .scheduleMeeting, .join:
            if chat.closed { return .denied("This chat is closed: it can be read, not called in.") }
        case .end, .cancelMeeting:
            break
        }
        switch action {
        case .join:
            return .allowed
        case .start, .scheduleMeeting:
            if chat.announcementsOnly && !actor.isChatAdmin {
                return .denied("This chat is for announcements: only its admins start calls and meetings.")
            }
            if action == .scheduleMeeting && !actor.isStaff {
                return .denied("Meetings are scheduled by the school's staff.")
            }
            if actor.isStaff || chat.kind == .direct { return .allowed }
            return .denied("Students and parents call in direct chats only.")
        case .end:
            return actor.isChatAdmin || actor.isOrganizer
                ? .allowed : .denied("Only the chat's admins and whoever started the call end it for everyone; leave it instead.")
        case .cancelMeeting:
            return actor.isChatAdmin || actor.isOrganizer
                ? .allowed : .denied("Only the chat's admins and whoever scheduled the meeting cancel it.")
        }
    }

    /// Whether `account` organizes a call: whoever started a chat's call; for a meeting's call
    /// only whoever planned the meeting (the first member to open its call is no organizer).
    public static func organizes(_ account: AccountID, call: Call, meeting: Meeting?) -> Bool {
        call.meetingID == nil ? call.startedBy == account : meeting?.createdBy == account
    }

    public static let maxTitleCharacters = 200
    /// The longest meeting: a school day's council.
    public static let maxMeetingLength: TimeInterval = 8 * 3600
    /// How far ahead a meeting is planned.
    public static let maxMeetingLead: TimeInterval = 366 * 86400
    /// Members may come in this long before the start (to check the microphone).
    public static let joinLead: TimeInterval = 10 * 60
    /// A meeting may start this long in the past when scheduled (the clock of the browser).
    static let pastTolerance: TimeInterval = 5 * 60

    /// A meeting's title: one line with a letter, at most 200 characters.
    public static func checkTitle(_ raw: String) throws(PartaError) -> String {
        let title = raw.trimmingWhitespace()
        guard !title.isEmpty else {
            throw PartaError.invalid("invalid_title", "A meeting needs a title.", details: ["field": .string("title")])
        }
        return try TextRules.checkName(title, field: "title", maxCharacters: maxTitleCharacters, code: "invalid_title")
    }

    /// A moment as clients send it: ISO 8601 with a time zone, seconds' fractions allowed
    /// (`2026-12-03T15:00:00+03:00`, `2026-12-03T12:00:00.000Z`).
    public static func parseInstant(_ raw: String?, field: String) throws(PartaError) -> Date {
        let text = (raw ?? "").trimmingWhitespace()
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard text.count <= 40, let date = plain.date(from: text) ?? fractional.date(from: text) else {
            throw PartaError.invalid(
                "invalid_time", "\(field) must be a moment with its time zone, such as 2026-12-03T15:00:00+03:00.", details: ["field": .string(field)])
        }
        return date
    }

    /// A meeting's window: it ends after it starts, lasts at most 8 hours, starts no earlier than
    /// now (five minutes' grace) and within a year.
    public static func checkWindow(startsAt: Date, endsAt: Date, now: Date) throws(PartaError) {
        guard endsAt > startsAt else {
            throw PartaError.invalid("invalid_window", "A meeting ends after it starts.", details: ["field": .string("ends_at")])
        }
        guard endsAt.timeIntervalSince(startsAt) <= maxMeetingLength else {
            throw PartaError.invalid("invalid_window", "A meeting lasts at most 8 hours.", details: ["field": .string("ends_at")])
        }
        guard startsAt >= now.addingTimeInterval(-pastTolerance) else {
            throw PartaError.invalid("invalid_window", "A meeting cannot start in the past.", details: ["field": .string("starts_at")])
        }
        guard startsAt <= now.addingTimeInterval(maxMeetingLead) else {
            throw PartaError.invalid("invalid_window", "A meeting is planned at most a year ahead.", details: ["field": .string("starts_at")])
        }
    }

    /// Where a meeting stands at `now`.
    public enum MeetingState: String, Sendable, Codable {
        /// More than `joinLead` before its start.
        case upcoming
        /// From `joinLead` before its start until its end: members join.
        case open
        case over
        case cancelled
    }

    public static func state(of meeting: Meeting, at now: Date) -> MeetingState {
        if meeting.cancelledAt != nil { return .cancelled }
        if now >= meeting.endsAt { return .over }
        return now >= meeting.startsAt.addingTimeInterval(-joinLead) ? .open : .upcoming
    }

    /// Joining a meeting: only while it is open. Before: `meeting_not_started` with the start;
    /// after: `meeting_over`; cancelled: `meeting_cancelled`.
    public static func checkJoin(_ meeting: Meeting, now: Date) throws(PartaError) {
        switch state(of: meeting, at: now) {
        case .open:
            return
        case .upcoming:
            throw PartaError(
                .conflict, code: "meeting_not_started", message: "The meeting has not started yet; members join 10 minutes before its start.",
                details: ["starts_at": .string(ISO8601DateFormatter().string(from: meeting.startsAt))])
        case .over:
            throw PartaError(.gone, code: "meeting_over", message: "The meeting is over.")
        case .cancelled:
            throw PartaError(.gone, code: "meeting_cancelled", message: "The meeting was cancelled.")
        }
    }

    /// A meeting's call goes on until the meeting's end (or its cancellation).
    public static func callGoesOn(_ meeting: Meeting, now: Date) -> Bool {
        state(of: meeting, at: now) == .open
    }

    /// A call's length as the chat shows it: whole seconds, never negative.
    public static func durationSeconds(from start: Date, to end: Date) -> Int {
        max(0, Int(end.timeIntervalSince(start).rounded()))
    }
}
