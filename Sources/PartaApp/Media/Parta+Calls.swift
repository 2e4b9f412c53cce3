public import Foundation
import Logging
public import PartaDomain
import PartaStore
public import ServiceLifecycle
import Synchronization

/// What a browser needs to join a call's room: the media server as it reaches it, the room, the
/// token the server granted it (withdrawn when it leaves or the call ends), TURN credentials.
public struct MediaGrant: Sendable, Equatable {
    /// The call this grant is a place in (its state: `GET /calls/{id}/state`).
    public var call: CallID
    public var url: String
    public var room: Int64
    public var token: String
    /// The participant id the server gave this entry in the room (the browser joins with it,
    /// and the server puts it out with it).
    public var participant: Int64
    /// For a host: the id to share the screen with (`CallModeration.screenFeed(of:)`).
    public var screenParticipant: Int64?
    public var turn: TurnCredentials?
    /// The name the others see: the school's name for the person (never one the browser picks).
    public var display: String
}

/// Calls on the media server: a room per call, made by the first who enters and destroyed at the
/// call's end; a token per stay, granted at entry and withdrawn at leaving.
extension Parta {
    static func mediaUnavailable(_ error: any Error) -> PartaError {
        PartaError(
            .unavailable(retryAfterSeconds: 10), code: "media_unavailable",
            message: "The video server does not answer; try again in a minute.")
    }

    /// The caller's grant in the distance lesson's call, opening the call (and its room) if none runs.
    func joinDistanceLessonCall(
        _ account: AccountID, distance: DistanceLesson, lesson: Lesson, entry: DistanceLessonRules.Entry, name: String
    ) async throws -> MediaGrant? {
        guard media != nil else { return nil }
        return try await enterCall(
            account, organization: distance.organizationID, role: entry.rawValue, description: name,
            find: { store in try await store.openCall(distanceLesson: distance.id) },
            open: { store, room, now in
                try await store.insertDistanceLessonCall(
                    organization: distance.organizationID, distanceLesson: distance.id, lesson: lesson.id, startedBy: account,
                    server: room.server, room: room.room, secret: room.secret, now: now)
            }
        ).grant
    }

    /// The caller's stay in a call and its grant: the call `find` answers, or — when none runs and
    /// `open` is given — a new one in a new room (`open` records it in the same transaction as its
    /// chat event; `nil` from it: another entry opened one first). A room the media server lost
    /// (it restarted) ends its call, and a new one opens.
    func enterCall(
        _ account: AccountID, organization: OrganizationID, role: String, description: String,
        find: @escaping @Sendable (Store) async throws -> OpenCall?,
        open: (@Sendable (Store, MediaRoom, Date) async throws -> CallID?)?
    ) async throws -> (call: OpenCall, grant: MediaGrant) {
        guard let media else {
            throw PartaError(.unavailable(retryAfterSeconds: nil), code: "calls_unavailable", message: "Calls are not set up on this server.")
        }
        do {
            do {
                return try await grantCall(account, media: media, organization: organization, role: role, description: description, find: find, open: open)
            } catch let error as MediaServerError where error.code == 426 {
                if let stale = try await database.read({ try await find($0) }) { try await finishCall(stale, now: clock.now()) }
                return try await grantCall(account, media: media, organization: organization, role: role, description: description, find: find, open: open)
            }
        } catch let error as MediaServerError {
            logger.warning("calls.media_failed", metadata: ["error": "\(error)"])
            throw Self.mediaUnavailable(error)
        }
    }

    private func grantCall(
        _ account: AccountID, media: any MediaRooms, organization: OrganizationID, role: String, description: String,
        find: @escaping @Sendable (Store) async throws -> OpenCall?,
        open: (@Sendable (Store, MediaRoom, Date) async throws -> CallID?)?
    ) async throws -> (call: OpenCall, grant: MediaGrant) {
        let now = clock.now()
        var found = try await database.read { try await find($0) }
        if found == nil, let open {
            let room = try await media.create(description: description, publishers: 60)
            let id: CallID?
            do {
                id = try await database.write { store in try await open(store, room, now) }
            } catch {
                await destroyQuietly(room, media: media)
                throw error
            }
            if id == nil { await destroyQuietly(room, media: media) }  // another entry opened the call first
            found = try await database.read { try await find($0) }
        }
        guard let call = found else { throw PartaError(.gone, code: "call_over", message: "The call is over.") }
        let room = MediaRoom(server: call.server, room: call.room, secret: call.secret)
        var stay = try await database.read { try await $0.presentStay(call: call.call.id, account: account) }
        if stay == nil, try await database.read({ try await $0.wasRemoved(call: call.call.id, account: account) }) {
            throw Self.removedFromCall
        }
        if stay == nil {
            let token = Secrets.newToken()
            let participant = Int64.random(in: CallModeration.participantIDs)
            try await media.grant(room, tokens: [token])
            let recorded = try await database.write { store in
                try await store.insertStay(call: call.call.id, account: account, role: role, token: token, participant: participant, now: now)
            }
            if !recorded { try? await media.withdraw(room, tokens: [token]) }  // a second entry at the same moment won
            stay = try await database.read { try await $0.presentStay(call: call.call.id, account: account) }
        }
        guard let stay else { throw PartaError.conflict("call_not_open", "The call could not be joined; try again.") }
        let display = try await database.read { store in
            if let named = try await store.names(of: [account], in: organization)[account] { return named.name.short }
            return try await store.account(account)?.name.short ?? ""
        }
        let grant = MediaGrant(
            call: call.call.id, url: media.publicURL(of: call.server), room: call.room, token: stay.token, participant: stay.participant,
            screenParticipant: stay.role == CallRole.host.rawValue ? CallModeration.screenFeed(of: stay.participant) : nil,
            turn: config.turn?.credentials(for: "account-\(account)", now: now), display: display)
        return (call, grant)
    }

    /// Ends a call: its room goes, every stay closes, and a chat's or a meeting's call writes
    /// `call_ended` (with its length and how many took part) in the chat. Answers `false` when the
    /// media server could not destroy the room (the call stays open; the sweeper tries again).
    @discardableResult
    func finishCall(_ open: OpenCall, now: Date) async throws -> Bool {
        if let media {
            do {
                try await media.destroy(MediaRoom(server: open.server, room: open.room, secret: open.secret))
            } catch {
                logger.warning("calls.destroy_failed", metadata: ["parta.call.id": "\(open.call.id)", "error": "\(error)"])
                return false
            }
        }
        try await database.write { store in
            guard try await store.endCall(open.call.id, now: now), let chat = open.call.chatID,
                let organization = try await store.chatOrganization(chat)
            else { return }
            let participants = try await store.participantCount(call: open.call.id)
            let event = ChatEvent.callEnded(
                open.call.id, durationSeconds: ChatCallRules.durationSeconds(from: open.call.startedAt, to: now), participants: participants)
            let seq = try await store.appendChatEvents([(chat, event)], organization: organization, now: now)[0]
            try await store.setCallSeq(open.call.id, ended: seq)
        }
        logger.info("calls.ended", metadata: ["parta.call.id": "\(open.call.id)"])
        return true
    }

    /// Destroys a room no call refers to; a failure is logged (the room would otherwise linger).
    func destroyQuietly(_ room: MediaRoom, media: any MediaRooms) async {
        do { try await media.destroy(room) } catch {
            logger.error("calls.room_left_behind", metadata: ["parta.media.room": "\(room.room)", "error": "\(error)"])
        }
    }

    /// The caller leaves the distance lesson's call: their token is withdrawn, their stay ends.
    public func leaveDistanceLesson(_ caller: Caller, organization: OrganizationID, id: DistanceLessonID) async throws {
        guard let account = caller.accountID else { throw PartaError.notFound("The distance lesson") }
        let now = clock.now()
        let (call, stay) = try await database.write { store in
            _ = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            guard let call = try await store.openCall(distanceLesson: id) else { return (nil as OpenCall?, nil as (token: String, participant: Int64)?) }
            return (call, try await store.endStay(call: call.call.id, account: account, now: now))
        }
        if let call, let stay { await withdrawQuietly(call, token: stay.token, participant: stay.participant) }
    }

    /// Ends the calls whose time is over — a distance lesson's once its lesson is not running
    /// (ended, moved, cancelled or deleted); a meeting's after its window or its cancellation; a
    /// chat's or a meeting's when nobody is left in it (their browsers gone for a minute) or its
    /// chat is deleted — destroying their rooms. A room the media server cannot destroy now stays
    /// open in the database and is tried again on the next pass. Answers the calls ended.
    @discardableResult
    public func endFinishedCalls() async throws -> [CallID] {
        let now = clock.now()
        try await putOutThoseWhoLeft(now: now)
        try await endAbandonedStays(now: now)
        let due: [OpenCall] = try await database.read { store in
            var due: [OpenCall] = []
            for open in try await store.openCalls() {
                switch open.call.kind {
                case .distanceLesson:
                    guard let distanceID = open.call.distanceLessonID,
                        try await store.distanceLesson(distanceID, in: open.call.organizationID) != nil,
                        let lessonID = open.call.lessonID, let lesson = try await store.lesson(lessonID, in: open.call.organizationID),
                        let org = try await store.organization(open.call.organizationID)
                    else {
                        due.append(open)
                        continue
                    }
                    if !DistanceLessonRules.callGoesOn(lesson: lesson, window: lesson.window(timeZone: org.profile.timeZone), now: now) {
                        due.append(open)
                    }
                case .chat, .meeting:
                    guard let chat = open.call.chatID, try await store.chatOrganization(chat) != nil else {
                        due.append(open)
                        continue
                    }
                    if let meetingID = open.call.meetingID {
                        guard let meeting = try await store.meeting(meetingID), ChatCallRules.callGoesOn(meeting, now: now) else {
                            due.append(open)
                            continue
                        }
                    }
                    if try await store.presentStays(call: open.call.id).isEmpty && now.timeIntervalSince(open.call.startedAt) >= Self.callAbsenceGrace {
                        due.append(open)
                    }
                }
            }
            return due
        }
        var ended: [CallID] = []
        for open in due where try await finishCall(open, now: now) {
            ended.append(open.call.id)
        }
        return ended
    }
}

extension Parta {
    /// Puts out of running calls the people who no longer belong in them — for a distance lesson
    /// moved to another class, withdrawn, no longer the school's administrator or the lesson's
    /// teacher; for a chat's or a meeting's call no longer a member of the chat: their stay ends,
    /// their token is withdrawn and Janus disconnects them. With `chats`, only the calls of those
    /// chats (a membership change just committed). Answers how many.
    @discardableResult
    public func putOutThoseWhoLeft(now: Date? = nil, chats: Set<ChatID>? = nil) async throws -> Int {
        guard media != nil else { return 0 }
        let now = now ?? clock.now()
        let leaving: [(OpenCall, AccountID, String, Int64)] = try await database.read { store in
            var leaving: [(OpenCall, AccountID, String, Int64)] = []
            for open in try await store.openCalls() {
                switch open.call.kind {
                case .distanceLesson:
                    guard chats == nil, let lessonID = open.call.lessonID,
                        let lesson = try await store.lesson(lessonID, in: open.call.organizationID)
                    else { continue }
                    for stay in try await store.presentStays(call: open.call.id) {
                        let standing = try await standing(.account(stay.account, from: "calls"), towards: lesson, in: store)
                        if !standing.isInvolved { leaving.append((open, stay.account, stay.token, stay.participant)) }
                    }
                case .chat, .meeting:
                    guard let chat = open.call.chatID, chats?.contains(chat) ?? true else { continue }
                    for stay in try await store.presentStays(call: open.call.id) where try await store.seat(chat: chat, account: stay.account) == nil {
                        leaving.append((open, stay.account, stay.token, stay.participant))
                    }
                }
            }
            return leaving
        }
        for (open, account, token, participant) in leaving {
            let room = MediaRoom(server: open.server, room: open.room, secret: open.secret)
            do {
                try await media?.withdraw(room, tokens: [token])
                try await media?.kickWithScreen(room, participant: participant)
            } catch {
                logger.warning("calls.put_out_failed", metadata: ["parta.call.id": "\(open.call.id)", "error": "\(error)"])
                continue
            }
            _ = try await database.write { store in try await store.endStay(call: open.call.id, account: account, now: now) }
            logger.info("calls.put_out", metadata: ["parta.call.id": "\(open.call.id)", "parta.account.id": "\(account)"])
        }
        return leaving.count
    }

    /// Ends the stays in chats' and meetings' calls whose browser has not been in the room for
    /// `callAbsenceGrace` (closed the tab, lost the network): the call then ends when nobody is
    /// left. An observer of a distance lesson found sending media (a modified page: observers only
    /// watch) is put out of the call.
    func endAbandonedStays(now: Date) async throws {
        guard let media else { return }
        for open in try await database.read({ try await $0.openCalls() }) {
            let room = MediaRoom(server: open.server, room: open.room, secret: open.secret)
            let stays = try await database.read { try await $0.presentStays(call: open.call.id) }
            let observers = Set(try await database.read { try await $0.presences(call: open.call.id) }
                .filter { $0.role == CallRole.observer.rawValue }.map(\.account))
            let absenceCounts = open.call.kind != .distanceLesson
            let late = stays.filter { absenceCounts && now.timeIntervalSince($0.joinedAt) >= Self.callAbsenceGrace }
            guard !late.isEmpty || !observers.isEmpty else { continue }
            let inRoom: [Int64: Bool]
            do { inRoom = try await media.participants(room) } catch { continue }
            for stay in stays {
                let absent = absenceCounts && now.timeIntervalSince(stay.joinedAt) >= Self.callAbsenceGrace && inRoom[stay.participant] == nil
                let publishingObserver = observers.contains(stay.account) && inRoom[stay.participant] == true
                guard absent || publishingObserver else { continue }
                _ = try await database.write { store in try await store.endStay(call: open.call.id, account: stay.account, now: now) }
                try? await media.withdraw(room, tokens: [stay.token])
                if publishingObserver { try? await media.kickWithScreen(room, participant: stay.participant) }
                logger.info(absent ? "calls.stay_abandoned" : "calls.observer_published",
                            metadata: ["parta.call.id": "\(open.call.id)", "parta.account.id": "\(stay.account)"])
            }
        }
    }
}

/// One pass of `putOutThoseWhoLeft` soon after membership changes: a burst of them (an import
/// commits thousands) makes one pass, not one each.
final class PutOutPass: Sendable {
    let parta: Parta
    private let scheduled = Mutex(false)

    init(parta: Parta) {
        self.parta = parta
    }

    func soon() {
        let first = scheduled.withLock { scheduled in
            defer { scheduled = true }
            return !scheduled
        }
        guard first else { return }
        Task {
            try? await Task.sleep(for: .milliseconds(100))
            scheduled.withLock { $0 = false }
            do { try await parta.putOutThoseWhoLeft() } catch {
                parta.logger.warning("calls.put_out_failed", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// Ends finished calls every few seconds, so a lesson's room goes at its end, not an hour later.
public struct CallSweeper: Service, CustomStringConvertible {
    public var description: String { "CallSweeper" }
    let parta: Parta
    let interval: Duration

    /// Also listens to the chats' membership changes — a roster change that moves or withdraws a
    /// student, or takes someone out of a chat, commits one — and puts out of running calls at
    /// once (not at the next pass) whoever no longer belongs in them.
    public init(parta: Parta, interval: Duration = .seconds(15)) {
        self.parta = parta
        self.interval = interval
        let pass = PutOutPass(parta: parta)
        parta.database.onChatEvents { touched in
            if touched.values.contains(where: \.membership) { pass.soon() }
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                do { try await parta.endFinishedCalls() } catch {
                    parta.logger.warning("calls.sweep_failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
