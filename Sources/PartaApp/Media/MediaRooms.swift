import Foundation

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
    /// The media server's URL as browsers reach it (for the page and its CSP).
    var publicURL: String { get }
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

/// What the server needs to drive Janus: `PARTA_JANUS_URL` (as the server reaches it),
/// `PARTA_JANUS_PUBLIC_URL` (as browsers do; the same by default) and `PARTA_JANUS_ADMIN_KEY`.
public struct JanusConfiguration: Sendable, Equatable {
    public var url: String
    public var publicURL: String
    public var adminKey: String

    public init(url: String, publicURL: String? = nil, adminKey: String) {
        self.url = url
        self.publicURL = publicURL ?? url
        self.adminKey = adminKey
    }

    /// From the environment; `nil` when `PARTA_JANUS_URL` is not set (calls are then unavailable).
    public static func fromEnvironment(_ env: [String: String]) -> JanusConfiguration? {
        guard let url = env["PARTA_JANUS_URL"], !url.isEmpty else { return nil }
        return JanusConfiguration(
            url: url, publicURL: env["PARTA_JANUS_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }, adminKey: env["PARTA_JANUS_ADMIN_KEY"] ?? "")
    }
}

/// Janus VideoRoom rooms over Janus's HTTP API; a short session per operation, so a restarted
/// Janus or a lost session never leaves the server holding a dead one.
public struct JanusRooms: MediaRooms {
    public let configuration: JanusConfiguration
    public var publicURL: String { configuration.publicURL }

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
