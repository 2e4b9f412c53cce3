public import Foundation

public typealias CallID = Identifier<Call>

/// A call: a distance lesson's, a chat's or a meeting's, with the times it ran — what the
/// statistics count.
public struct Call: Hashable, Sendable {
    public enum Kind: String, Sendable, Codable {
        case distanceLesson = "distance_lesson"
        case chat
        case meeting
    }

    public var id: CallID
    public var organizationID: OrganizationID
    public var kind: Kind
    public var distanceLessonID: DistanceLessonID?
    public var lessonID: LessonID?
    /// The chat a chat's or a meeting's call is in.
    public var chatID: ChatID?
    public var meetingID: MeetingID?
    public var media: CallMedia
    public var startedBy: AccountID?
    public var startedAt: Date
    public var endedAt: Date?

    public init(
        id: CallID, organizationID: OrganizationID, kind: Kind, distanceLessonID: DistanceLessonID?, lessonID: LessonID?,
        chatID: ChatID? = nil, meetingID: MeetingID? = nil, media: CallMedia = .video, startedBy: AccountID?, startedAt: Date, endedAt: Date?
    ) {
        self.chatID = chatID
        self.meetingID = meetingID
        self.media = media
        self.id = id
        self.organizationID = organizationID
        self.kind = kind
        self.distanceLessonID = distanceLessonID
        self.lessonID = lessonID
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// One stay of one person in a call: from entering to leaving (or the call's end).
public struct CallStay: Hashable, Sendable {
    public var callID: CallID
    public var accountID: AccountID
    /// `host`, `student`, `observer`, `member`.
    public var role: String
    public var joinedAt: Date
    public var leftAt: Date?

    public init(callID: CallID, accountID: AccountID, role: String, joinedAt: Date, leftAt: Date?) {
        self.callID = callID
        self.accountID = accountID
        self.role = role
        self.joinedAt = joinedAt
        self.leftAt = leftAt
    }
}
