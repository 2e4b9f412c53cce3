import Foundation
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
        let now = clock.now()
        do {
            var open = try await database.read { try await $0.openCall(distanceLesson: distance.id) }
            if open == nil {
                let room = try await media.create(description: name, publishers: 60)
                let id = try await database.write { store in
                    try await store.insertDistanceLessonCall(
                        organization: distance.organizationID, distanceLesson: distance.id, lesson: lesson.id, startedBy: account,
                        server: room.server, room: room.room, secret: room.secret, now: now)
                }
                if id == nil { try? await media.destroy(room) }  // another entry opened it first
                open = try await database.read { try await $0.openCall(distanceLesson: distance.id) }
            }
            guard let call = open else { throw PartaError.conflict("call_not_open", "The call could not be opened; try again.") }
            let room = MediaRoom(server: call.server, room: call.room, secret: call.secret)
            let token: String
            if let present = try await database.read({ try await $0.presentStay(call: call.call.id, account: account) }) {
                token = present.token
            } else {
                token = Secrets.newToken()
                try await media.grant(room, tokens: [token])
                try await database.write { store in
                    try await store.insertStay(call: call.call.id, account: account, role: entry.rawValue, token: token, now: now)
                }
            }
            let display = try await database.read { store in
                if let named = try await store.names(of: [account], in: distance.organizationID)[account] { return named.name.short }
                return try await store.account(account)?.name.short ?? ""
            }
            return MediaGrant(
                url: media.publicURL, room: call.room, token: token, turn: config.turn?.credentials(for: "account-\(account)", now: now),
                display: display)
        } catch let error as MediaServerError {
            logger.warning("calls.media_failed", metadata: ["error": "\(error)"])
            throw Self.mediaUnavailable(error)
        }
    }

    /// The caller leaves the distance lesson's call: their token is withdrawn, their stay ends.
    public func leaveDistanceLesson(_ caller: Caller, organization: OrganizationID, id: DistanceLessonID) async throws {
        guard let account = caller.accountID else { throw PartaError.notFound("The distance lesson") }
        let now = clock.now()
        let (call, token) = try await database.write { store in
            _ = try await distanceLessonParts(caller, organization: organization, id: id, in: store)
            guard let call = try await store.openCall(distanceLesson: id) else { return (nil as OpenCall?, nil as String?) }
            return (call, try await store.endStay(call: call.call.id, account: account, now: now))
        }
        if let call, let token, let media {
            try? await media.withdraw(MediaRoom(server: call.server, room: call.room, secret: call.secret), tokens: [token])
        }
    }

    /// Ends the calls whose time is over — a distance lesson's once its lesson has ended, was
    /// cancelled or deleted — destroying their rooms. A room the media server cannot destroy now
    /// stays open in the database and is tried again on the next pass. Answers the calls ended.
    @discardableResult
    public func endFinishedCalls() async throws -> [CallID] {
        let now = clock.now()
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
                    if lesson.cancelled || lesson.window(timeZone: org.profile.timeZone).state(at: now) == .ended { due.append(open) }
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
