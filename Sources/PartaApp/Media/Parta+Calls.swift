public import Foundation
import Logging
public import PartaDomain
import PartaStore
public import ServiceLifecycle

/// What a browser needs to join a call's room: the media server as it reaches it, the room, the
/// token the server granted it (withdrawn when it leaves or the call ends), TURN credentials.
public struct MediaGrant: Sendable, Equatable {
    public var url: String
    public var room: Int64
    public var token: String
    /// The participant id the server gave this entry in the room (the browser joins with it,
    /// and the server puts it out with it).
    public var participant: Int64
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
        guard let media else { return nil }
        do {
            do {
                return try await grantDistanceLessonCall(account, media: media, distance: distance, lesson: lesson, entry: entry, name: name)
            } catch let error as MediaServerError where error.code == 426 {
                // The room is gone (the media server restarted): this call is over; a new one opens.
                if let stale = try await database.read({ try await $0.openCall(distanceLesson: distance.id) }) {
                    try await database.write { store in try await store.endCall(stale.call.id, now: clock.now()) }
                }
                return try await grantDistanceLessonCall(account, media: media, distance: distance, lesson: lesson, entry: entry, name: name)
            }
        } catch let error as MediaServerError {
            logger.warning("calls.media_failed", metadata: ["error": "\(error)"])
            throw Self.mediaUnavailable(error)
        }
    }

    func grantDistanceLessonCall(
        _ account: AccountID, media: any MediaRooms, distance: DistanceLesson, lesson: Lesson, entry: DistanceLessonRules.Entry, name: String
    ) async throws -> MediaGrant {
        let now = clock.now()
        var open = try await database.read { try await $0.openCall(distanceLesson: distance.id) }
        if open == nil {
            let room = try await media.create(description: name, publishers: 60)
            let id: CallID?
            do {
                id = try await database.write { store in
                    try await store.insertDistanceLessonCall(
                        organization: distance.organizationID, distanceLesson: distance.id, lesson: lesson.id, startedBy: account,
                        server: room.server, room: room.room, secret: room.secret, now: now)
                }
            } catch {
                await destroyQuietly(room, media: media)
                throw error
            }
            if id == nil { await destroyQuietly(room, media: media) }  // another entry opened the call first
            open = try await database.read { try await $0.openCall(distanceLesson: distance.id) }
        }
        guard let call = open else { throw PartaError.conflict("call_not_open", "The call could not be opened; try again.") }
        let room = MediaRoom(server: call.server, room: call.room, secret: call.secret)
        var stay = try await database.read { try await $0.presentStay(call: call.call.id, account: account) }
        if stay == nil {
            let token = Secrets.newToken()
            let participant = Int64.random(in: 1...(1 << 52))
            try await media.grant(room, tokens: [token])
            let recorded = try await database.write { store in
                try await store.insertStay(call: call.call.id, account: account, role: entry.rawValue, token: token, participant: participant, now: now)
            }
            if !recorded { try? await media.withdraw(room, tokens: [token]) }  // a second entry at the same moment won
            stay = try await database.read { try await $0.presentStay(call: call.call.id, account: account) }
        }
        guard let stay else { throw PartaError.conflict("call_not_open", "The call could not be joined; try again.") }
        let display = try await database.read { store in
            if let named = try await store.names(of: [account], in: distance.organizationID)[account] { return named.name.short }
            return try await store.account(account)?.name.short ?? ""
        }
        return MediaGrant(
            url: media.publicURL, room: call.room, token: stay.token, participant: stay.participant,
            turn: config.turn?.credentials(for: "account-\(account)", now: now), display: display)
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
        if let call, let stay, let media {
            let room = MediaRoom(server: call.server, room: call.room, secret: call.secret)
            try? await media.withdraw(room, tokens: [stay.token])
            try? await media.kick(room, participant: stay.participant)
        }
    }

    /// Ends the calls whose time is over — a distance lesson's once its lesson is not running
    /// (ended, moved, cancelled or deleted) — destroying their rooms. A room the media server cannot destroy now
    /// stays open in the database and is tried again on the next pass. Answers the calls ended.
    @discardableResult
    public func endFinishedCalls() async throws -> [CallID] {
        let now = clock.now()
        try await putOutThoseWhoLeft(now: now)
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
                    continue
                }
            }
            return due
        }
        var ended: [CallID] = []
        for open in due {
            if let media {
                do {
                    try await media.destroy(MediaRoom(server: open.server, room: open.room, secret: open.secret))
                } catch {
                    logger.warning("calls.destroy_failed", metadata: ["parta.call.id": "\(open.call.id)", "error": "\(error)"])
                    continue
                }
            }
            try await database.write { store in try await store.endCall(open.call.id, now: now) }
            logger.info("calls.ended", metadata: ["parta.call.id": "\(open.call.id)"])
            ended.append(open.call.id)
        }
        return ended
    }
}

extension Parta {
    /// Puts out of running distance lessons the people who no longer belong in them — moved to
    /// another class, withdrawn, no longer the school's administrator or the lesson's teacher:
    /// their stay ends, their token is withdrawn and Janus disconnects them. Answers how many.
    @discardableResult
    public func putOutThoseWhoLeft(now: Date? = nil) async throws -> Int {
        guard let media else { return 0 }
        let now = now ?? clock.now()
        let leaving: [(OpenCall, AccountID, String, Int64)] = try await database.read { store in
            var leaving: [(OpenCall, AccountID, String, Int64)] = []
            for open in try await store.openCalls() where open.call.kind == .distanceLesson {
                guard let lessonID = open.call.lessonID, let lesson = try await store.lesson(lessonID, in: open.call.organizationID) else { continue }
                for stay in try await store.presentStays(call: open.call.id) {
                    let standing = try await standing(.account(stay.account, from: "calls"), towards: lesson, in: store)
                    if !standing.isInvolved {
                        leaving.append((open, stay.account, stay.token, stay.participant))
                    }
                }
            }
            return leaving
        }
        for (open, account, token, participant) in leaving {
            let room = MediaRoom(server: open.server, room: open.room, secret: open.secret)
            do {
                try await media.withdraw(room, tokens: [token])
                try await media.kick(room, participant: participant)
            } catch {
                logger.warning("calls.put_out_failed", metadata: ["parta.call.id": "\(open.call.id)", "error": "\(error)"])
                continue
            }
            _ = try await database.write { store in try await store.endStay(call: open.call.id, account: account, now: now) }
            logger.info("calls.put_out", metadata: ["parta.call.id": "\(open.call.id)", "parta.account.id": "\(account)"])
        }
        return leaving.count
    }
}

/// Ends finished calls every few seconds, so a lesson's room goes at its end, not an hour later.
public struct CallSweeper: Service, CustomStringConvertible {
    public var description: String { "CallSweeper" }
    let parta: Parta
    let interval: Duration

    public init(parta: Parta, interval: Duration = .seconds(15)) {
        self.parta = parta
        self.interval = interval
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
