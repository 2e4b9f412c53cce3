import Foundation
import PartaDomain
import Synchronization

/// A call's room on the media server. The secret stays on the server: the browser gets only the
/// room number and a token granted to it (and withdrawn) by the server.
public struct MediaRoom: Sendable, Equatable, Codable {
    /// Janus's base URL as the server reaches it.
    public var server: String
    public var room: Int64
    public var secret: String

    public init(server: String, room: Int64, secret: String) {
        self.server = server
        self.room = room
        self.secret = secret
    }
}

/// The media server's rooms, as the server drives them: only the server creates rooms (with the
/// VideoRoom `admin_key`), every room checks the tokens it was given, and a room goes when its
/// call ends.
public protocol MediaRooms: Sendable {
    /// The media servers' URLs as browsers reach them (the page's CSP allows exactly these).
    var publicURLs: [String] { get }
    /// The URL browsers use for the media server a room is on (`MediaRoom.server`).
    func publicURL(of server: String) -> String
    func create(description: String, publishers: Int) async throws -> MediaRoom
    /// Lets the holders of `tokens` join (a participant's token, minted at join time).
    func grant(_ room: MediaRoom, tokens: [String]) async throws
    /// Takes tokens back: a new join with them is refused.
    func withdraw(_ room: MediaRoom, tokens: [String]) async throws
    /// Puts a participant out of the room (their connections close).
    func kick(_ room: MediaRoom, participant: Int64) async throws
    func destroy(_ room: MediaRoom) async throws
    func exists(_ room: MediaRoom) async throws -> Bool
    /// The participants in the room now (those whose browser joined and has not gone), each with
    /// whether it is sending media.
    func participants(_ room: MediaRoom) async throws -> [Int64: Bool]
    /// Whether the media server answers (`/readyz`).
    func ping() async throws
}

extension MediaRooms {
    /// Puts a participant out, and the screen they may be sharing.
    public func kickWithScreen(_ room: MediaRoom, participant: Int64) async throws {
        try await kick(room, participant: participant)
        try await kick(room, participant: CallModeration.screenFeed(of: participant))
    }
}

/// What the server needs to drive Janus: `PARTA_JANUS_URL` (as the server reaches it),
/// `PARTA_JANUS_PUBLIC_URL` (as browsers do; the same by default) and `PARTA_JANUS_ADMIN_KEY`.
/// Several Janus servers (a pool) are comma-separated lists, the public URLs in the same order.
public struct JanusConfiguration: Sendable, Equatable {
    public struct Server: Sendable, Equatable {
        public var url: String
        public var publicURL: String

        public init(url: String, publicURL: String? = nil) {
            self.url = url
            self.publicURL = publicURL ?? url
        }
    }

    public var servers: [Server]
    public var adminKey: String
    /// The first server (the only one, without a pool).
    public var url: String { servers[0].url }
    public var publicURL: String { servers[0].publicURL }

    public init(url: String, publicURL: String? = nil, adminKey: String) {
        self.init(servers: [Server(url: url, publicURL: publicURL)], adminKey: adminKey)
    }

    public init(servers: [Server], adminKey: String) {
        precondition(!servers.isEmpty, "a Janus configuration names at least one server")
        self.servers = servers
        self.adminKey = adminKey
    }

    /// One server of the pool, as a configuration of its own.
    public func only(_ server: Server) -> JanusConfiguration { JanusConfiguration(servers: [server], adminKey: adminKey) }

    /// From the environment; `nil` when `PARTA_JANUS_URL` is not set (calls are then unavailable).
    /// A public URL list of another length than the server list is `nil` public URLs (the
    /// configuration check refuses it).
    public static func fromEnvironment(_ env: [String: String]) -> JanusConfiguration? {
        let list = { (name: String) in (env[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        let urls = list("PARTA_JANUS_URL")
        guard !urls.isEmpty else { return nil }
        let publics = list("PARTA_JANUS_PUBLIC_URL")
        let servers = urls.enumerated().map { index, url in
            Server(url: url, publicURL: publics.isEmpty ? nil : index < publics.count ? publics[index] : "")
        }
        return JanusConfiguration(servers: servers, adminKey: env["PARTA_JANUS_ADMIN_KEY"] ?? "")
    }
}

/// Several Janus servers behind one `MediaRooms`: a new room goes to the next server in turn
/// that answers (a server that is down takes no new calls), and everything about an existing
/// room goes to the server it is on (`MediaRoom.server`, kept with the call).
public final class JanusPool: MediaRooms {
    let servers: [JanusRooms]
    let configuration: JanusConfiguration
    /// The server the next room goes to (nodes start at random places, so they spread too).
    private let next: Mutex<Int>

    public init(_ configuration: JanusConfiguration) {
        self.configuration = configuration
        self.servers = configuration.servers.map { JanusRooms(configuration.only($0)) }
        self.next = Mutex(Int.random(in: 0..<configuration.servers.count))
    }

    public var publicURLs: [String] { configuration.servers.map(\.publicURL) }

    public func publicURL(of server: String) -> String {
        configuration.servers.first { $0.url == server }?.publicURL ?? server
    }

    /// The server a room is on; one configured since the room was made still gets its calls ended.
    func rooms(on server: String) -> JanusRooms {
        servers.first { $0.configuration.url == server } ?? JanusRooms(configuration.only(.init(url: server)))
    }

    public func create(description: String, publishers: Int) async throws -> MediaRoom {
        let start = next.withLock { value in
            defer { value = (value + 1) % servers.count }
            return value
        }
        var failure: (any Error)?
        for offset in 0..<servers.count {
            do {
                return try await servers[(start + offset) % servers.count].create(description: description, publishers: publishers)
            } catch {
                failure = error
            }
        }
        throw failure ?? MediaServerError(code: 0, reason: "no media server")
    }

    public func grant(_ room: MediaRoom, tokens: [String]) async throws { try await rooms(on: room.server).grant(room, tokens: tokens) }
    public func withdraw(_ room: MediaRoom, tokens: [String]) async throws { try await rooms(on: room.server).withdraw(room, tokens: tokens) }
    public func kick(_ room: MediaRoom, participant: Int64) async throws { try await rooms(on: room.server).kick(room, participant: participant) }
    public func destroy(_ room: MediaRoom) async throws { try await rooms(on: room.server).destroy(room) }
    public func exists(_ room: MediaRoom) async throws -> Bool { try await rooms(on: room.server).exists(room) }
    public func participants(_ room: MediaRoom) async throws -> [Int64: Bool] { try await rooms(on: room.server).participants(room) }

    /// Ready while at least one server answers (new calls go to those that do).
    public func ping() async throws {
        var failure: (any Error)?
        for server in servers {
            do { return try await server.ping() } catch { failure = error }
        }
        throw failure ?? MediaServerError(code: 0, reason: "no media server")
    }
}

/// Janus VideoRoom rooms over Janus's HTTP API; a short session per operation, so a restarted
/// Janus or a lost session never leaves the server holding a dead one.
public struct JanusRooms: MediaRooms {
    public let configuration: JanusConfiguration
    public var publicURLs: [String] { [configuration.publicURL] }
    public func publicURL(of server: String) -> String { configuration.publicURL }

    public init(_ configuration: JanusConfiguration) {
        self.configuration = configuration
    }

    func withSession<T: Sendable>(_ body: (JanusSession) async throws -> T) async throws -> T {
        let session = try await JanusSession.open(configuration.url)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    public func create(description: String, publishers: Int) async throws -> MediaRoom {
        let secret = Secrets.newToken()
        return try await withSession { session in
            let created = try await session.message([
                "request": "create", "admin_key": .string(configuration.adminKey), "description": .string(description),
                "secret": .string(secret), "is_private": true, "permanent": false, "publishers": .int(Int64(publishers)),
                "bitrate": 512_000, "fir_freq": 10, "audiolevel_event": true, "audio_active_packets": 50, "audio_level_average": 40,
                "notify_joining": false, "allowed": [],
                // Subscribing needs the private id of a participant who joined with a granted
                // token: the room number alone lets nobody watch.
                "require_pvtid": true,
            ])
            guard let room = created["room"]?.int else { throw MediaServerError(code: 0, reason: "no room number") }
            let made = MediaRoom(server: configuration.url, room: room, secret: secret)
            do {
                // Token checks on, whatever the array at creation did.
                try await session.message(["request": "allowed", "secret": .string(secret), "action": "enable", "room": .int(room)])
            } catch {
                _ = try? await session.message(["request": "destroy", "room": .int(room), "secret": .string(secret)])
                throw error
            }
            return made
        }
    }

    public func grant(_ room: MediaRoom, tokens: [String]) async throws {
        try await allowed(room, action: "add", tokens: tokens)
    }

    public func withdraw(_ room: MediaRoom, tokens: [String]) async throws {
        try await allowed(room, action: "remove", tokens: tokens)
    }

    func allowed(_ room: MediaRoom, action: String, tokens: [String]) async throws {
        guard !tokens.isEmpty else { return }
        try await withSession { session in
            _ = try await session.message([
                "request": "allowed", "secret": .string(room.secret), "action": .string(action), "room": .int(room.room),
                "allowed": .array(tokens.map(JSONValue.string)),
            ])
        }
    }

    public func kick(_ room: MediaRoom, participant: Int64) async throws {
        try await withSession { session in
            do {
                _ = try await session.message(["request": "kick", "room": .int(room.room), "secret": .string(room.secret), "id": .int(participant)])
            } catch let error as MediaServerError where error.code == 428 || error.code == 426 {
                // Not there (any more): nothing to do.
            }
        }
    }

    public func destroy(_ room: MediaRoom) async throws {
        try await withSession { session in
            do {
                try await session.message(["request": "destroy", "room": .int(room.room), "secret": .string(room.secret)])
            } catch let error as MediaServerError where error.code == 426 {
                // No such room (Janus restarted, or destroyed already): nothing left to do.
            }
        }
    }

    public func exists(_ room: MediaRoom) async throws -> Bool {
        try await withSession { session in
            try await session.message(["request": "exists", "room": .int(room.room)])["exists"]?.bool ?? false
        }
    }

    public func participants(_ room: MediaRoom) async throws -> [Int64: Bool] {
        try await withSession { session in
            let listed = try await session.message(["request": "listparticipants", "room": .int(room.room), "secret": .string(room.secret)])
            guard case .array(let people)? = listed["participants"] else { return [:] }
            var found: [Int64: Bool] = [:]
            for person in people {
                if let id = person["id"]?.int { found[id] = person["publisher"]?.bool ?? false }
            }
            return found
        }
    }

    public func ping() async throws {
        try await withSession { _ in }
    }
}
