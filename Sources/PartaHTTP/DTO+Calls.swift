import Foundation
import Hummingbird
import PartaApp
import PartaDomain
import PartaStore

/// A call in a chat: `chat` for one started in the chat, `meeting` for a meeting's; open while
/// `ended_at` is absent.
struct CallDTO: ResponseCodable {
    var id: CallID
    var chatId: ChatID?
    var kind: String
    var media: CallMedia
    var meetingId: MeetingID?
    var startedBy: AccountID?
    var startedAt: Date
    var endedAt: Date?

    init(_ call: Call) {
        id = call.id
        chatId = call.chatID
        kind = call.kind.rawValue
        media = call.media
        meetingId = call.meetingID
        startedBy = call.startedBy
        startedAt = call.startedAt
        endedAt = call.endedAt
    }
}

/// A call as the chat's timeline shows it: the chat events that began and ended it (place it
/// among the messages by them), its length and how many took part.
struct ChatCallEntryDTO: ResponseCodable {
    var call: CallDTO
    var startedSeq: Int64?
    var endedSeq: Int64?
    var durationSeconds: Int?
    var participants: Int
    var meetingTitle: String?

    init(_ entry: ChatCallEntry) {
        call = CallDTO(entry.call)
        startedSeq = entry.startedSeq
        endedSeq = entry.endedSeq
        durationSeconds = entry.call.endedAt.map { ChatCallRules.durationSeconds(from: entry.call.startedAt, to: $0) }
        participants = entry.participants
        meetingTitle = entry.meetingTitle
    }
}

/// In a call: the call, and how this browser joins its room.
struct JoinedCallDTO: ResponseCodable {
    var call: CallDTO
    var media: MediaGrantDTO
    var meeting: MeetingDTO?

    init(_ joined: JoinedCall, now: Date) {
        call = CallDTO(joined.call)
        media = MediaGrantDTO(joined.grant)
        meeting = joined.meeting.map { MeetingDTO($0, state: ChatCallRules.state(of: $0, at: now), callId: joined.call.id) }
    }
}

/// A meeting: title, media, window; `state` is `upcoming`, `open` (members join: from 10 minutes
/// before the start), `over` or `cancelled`; `call_id` while its call runs.
struct MeetingDTO: ResponseCodable {
    var id: MeetingID
    var chatId: ChatID
    var title: String
    var media: CallMedia
    var startsAt: Date
    var endsAt: Date
    var createdBy: AccountID?
    var state: ChatCallRules.MeetingState
    var callId: CallID?

    init(_ meeting: Meeting, state: ChatCallRules.MeetingState, callId: CallID?) {
        id = meeting.id
        chatId = meeting.chatID
        title = meeting.title
        media = meeting.media
        startsAt = meeting.startsAt
        endsAt = meeting.endsAt
        createdBy = meeting.createdBy
        self.state = state
        self.callId = callId
    }

    init(_ entry: MeetingEntry) {
        self.init(entry.meeting, state: entry.state, callId: entry.openCall)
    }
}

/// A running call as a participant sees it: who is there under the school's names (by their feed
/// id in the room), their roles and raised hands, and when the host last muted everyone.
struct CallStateDTO: ResponseCodable {
    struct Person: Codable, Sendable {
        var participant: Int64
        var accountId: AccountID
        var name: String
        var role: CallRole
        var handRaisedAt: Date?
        /// A host's screen feed, when they share it: name its tile after them.
        var screenParticipant: Int64?

        init(_ person: CallState.Person) {
            participant = person.participant
            screenParticipant = person.role == .host ? CallModeration.screenFeed(of: person.participant) : nil
            accountId = person.account
            name = person.name
            role = person.role
            handRaisedAt = person.handRaisedAt
        }
    }

    var call: CallDTO
    var me: Person
    var people: [Person]
    var mutedAllAt: Date?

    init(_ state: CallState) {
        call = CallDTO(state.call)
        me = Person(state.me)
        people = state.people.map(Person.init)
        mutedAllAt = state.mutedAllAt
    }
}
