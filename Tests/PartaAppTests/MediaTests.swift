import Foundation
import PartaApp
import Testing

@Suite("coturn credentials")
struct TurnCredentialTests {
    @Test("the TURN REST scheme: expiry and user as the name, HMAC-SHA1 of it as the password")
    func credentials() {
        let turn = TurnConfiguration(urls: ["turn:turn.example.org:3478?transport=udp"], secret: "north-wind")
        let minted = turn.credentials(for: "account-7", now: Date(timeIntervalSince1970: 1_788_242_400))
        // python3: base64(hmac.new(b"north-wind", b"1788256800:account-7", sha1).digest())
        #expect(minted == TurnCredentials(
            urls: ["turn:turn.example.org:3478?transport=udp"], username: "1788256800:account-7", credential: "CnRk6FC7+sgC36i020KPA21r2ss=",
            expiresAt: Date(timeIntervalSince1970: 1_788_256_800)))
        #expect(turn.credentials(for: "account-8", now: Date(timeIntervalSince1970: 1_788_242_400)).credential != minted.credential)
    }

    @Test("configured from the environment, or not at all")
    func environment() {
        #expect(TurnConfiguration.fromEnvironment(["PARTA_TURN_URLS": "turn:a:3478, turns:b:5349", "PARTA_TURN_SECRET": "s"])
            == TurnConfiguration(urls: ["turn:a:3478", "turns:b:5349"], secret: "s"))
        #expect(TurnConfiguration.fromEnvironment(["PARTA_TURN_URLS": "turn:a:3478"]) == nil)
        #expect(TurnConfiguration.fromEnvironment([:]) == nil)
        #expect(JanusConfiguration.fromEnvironment(["PARTA_JANUS_URL": "http://127.0.0.1:8088/janus", "PARTA_JANUS_ADMIN_KEY": "k"])
            == JanusConfiguration(url: "http://127.0.0.1:8088/janus", publicURL: "http://127.0.0.1:8088/janus", adminKey: "k"))
        #expect(JanusConfiguration.fromEnvironment(["PARTA_JANUS_URL": "http://10.0.0.5:8088/janus", "PARTA_JANUS_PUBLIC_URL": "https://school.example/janus"])?.publicURL
            == "https://school.example/janus")
        #expect(JanusConfiguration.fromEnvironment([:]) == nil)
        // A pool: comma-separated, public URLs in the same order.
        let pool = JanusConfiguration.fromEnvironment([
            "PARTA_JANUS_URL": "http://10.0.0.5:8088/janus, http://10.0.0.6:8088/janus", "PARTA_JANUS_ADMIN_KEY": "k",
            "PARTA_JANUS_PUBLIC_URL": "https://a.school.example/janus,https://b.school.example/janus",
        ])
        #expect(pool?.servers == [.init(url: "http://10.0.0.5:8088/janus", publicURL: "https://a.school.example/janus"),
                                  .init(url: "http://10.0.0.6:8088/janus", publicURL: "https://b.school.example/janus")])
        let pooled = JanusPool(try! #require(pool))
        #expect(pooled.publicURLs == ["https://a.school.example/janus", "https://b.school.example/janus"])
        #expect(pooled.publicURL(of: "http://10.0.0.6:8088/janus") == "https://b.school.example/janus")
    }
}

/// The Janus client against a real Janus that `scripts/test` starts (`scripts/lib/janus.sh`):
/// `PARTA_TEST_JANUS_URL` and `PARTA_TEST_JANUS_ADMIN_KEY`. With `PARTA_TEST_REQUIRE_JANUS=1` a
/// missing Janus fails the run instead of skipping these tests.
@Suite("Janus VideoRoom rooms", .serialized)
struct JanusRoomsTests {
    static let env = ProcessInfo.processInfo.environment
    static let configuration: JanusConfiguration? = env["PARTA_TEST_JANUS_URL"].map {
        JanusConfiguration(url: $0, adminKey: env["PARTA_TEST_JANUS_ADMIN_KEY"] ?? "")
    }
    static let enabled: Bool = {
        if configuration == nil && env["PARTA_TEST_REQUIRE_JANUS"] == "1" {
            fatalError("PARTA_TEST_REQUIRE_JANUS=1 but PARTA_TEST_JANUS_URL is not set")
        }
        return configuration != nil
    }()

    /// Joins `room` as a publisher would (without media), answering the room's verdict.
    static func join(_ room: MediaRoom, token: String?) async throws -> Result<Int64, MediaServerError> {
        let session = try await JanusSession.open(room.server)
        defer { Task { await session.close() } }
        var body: [String: JSONValue] = ["request": "join", "ptype": "publisher", "room": .int(room.room), "display": "probe"]
        if let token { body["token"] = .string(token) }
        do {
            try await session.message(body)
            let joined = try await session.poll()
            guard joined["videoroom"]?.string == "joined", let id = joined["id"]?.int else {
                return .failure(MediaServerError(code: 0, reason: "unexpected \(joined)"))
            }
            return .success(id)
        } catch let error as MediaServerError {
            return .failure(error)
        }
    }

    /// The ids of the room's participants, as the server (with the secret) sees them.
    static func participants(_ room: MediaRoom) async throws -> [Int64] {
        let session = try await JanusSession.open(room.server)
        defer { Task { await session.close() } }
        let listed = try await session.message(["request": "listparticipants", "room": .int(room.room), "secret": .string(room.secret)])
        guard case .array(let people)? = listed["participants"] else { return [] }
        return people.compactMap { $0["id"]?.int }
    }

    @Test("rooms are the server's: made with the admin key, joined only with a granted token, destroyed", .enabled(if: enabled))
    func lifecycle() async throws {
        let rooms = JanusRooms(try #require(Self.configuration))
        try await rooms.ping()
        let room = try await rooms.create(description: "10А — Краеведение", publishers: 40)
        #expect(try await rooms.exists(room))

        // Nobody joins on a guess: no token, a made-up one.
        #expect(try await Self.join(room, token: nil).failureCode == 433)
        #expect(try await Self.join(room, token: "guess").failureCode == 433)
        // Granted: joins; withdrawn: the next join with it is refused, another grant still works.
        try await rooms.grant(room, tokens: ["tok-student", "tok-teacher"])
        #expect(try await Self.join(room, token: "tok-student").successValue != nil)
        try await rooms.withdraw(room, tokens: ["tok-student"])
        #expect(try await Self.join(room, token: "tok-student").failureCode == 433)
        #expect(try await Self.join(room, token: "tok-teacher").successValue != nil)

        // Put out by the server, with the id it gave: no longer among the participants.
        let present = try await JanusSession.open(room.server)
        try await present.message(["request": "join", "ptype": "publisher", "room": .int(room.room), "id": 4242, "token": "tok-teacher"])
        #expect(try await present.poll()["id"]?.int == 4242)
        #expect(try await Self.participants(room).contains(4242))
        try await rooms.kick(room, participant: 4242)
        #expect(try await !Self.participants(room).contains(4242))
        try await rooms.kick(room, participant: 4242)  // again: nothing to do
        await present.close()

        // The room cannot be destroyed or changed without its secret.
        let stranger = MediaRoom(server: room.server, room: room.room, secret: "wrong")
        await #expect(throws: MediaServerError.self) { try await rooms.grant(stranger, tokens: ["mine"]) }
        await #expect(throws: MediaServerError.self) {
            let session = try await JanusSession.open(room.server)
            defer { Task { await session.close() } }
            try await session.message(["request": "destroy", "room": .int(room.room), "secret": "wrong"])
        }
        #expect(try await rooms.exists(room))

        try await rooms.destroy(room)
        #expect(try await !rooms.exists(room))
        try await rooms.destroy(room)  // again: nothing left, no error
        #expect(try await Self.join(room, token: "tok-teacher").failureCode == 426)
    }

    @Test("without the admin key no room is made", .enabled(if: enabled))
    func adminKey() async throws {
        let configuration = try #require(Self.configuration)
        let wrong = JanusRooms(JanusConfiguration(url: configuration.url, adminKey: "not-the-key"))
        await #expect { _ = try await wrong.create(description: "x", publishers: 2) } throws: { ($0 as? MediaServerError)?.code == 433 }
        let session = try await JanusSession.open(configuration.url)
        defer { Task { await session.close() } }
        await #expect { try await session.message(["request": "create", "description": "x", "is_private": true]) }
            throws: { ($0 as? MediaServerError)?.code == 429 }
        // (That no room is left behind after all the tests is checked by scripts/test, once they are done.)
    }

    @Test("a media server that does not answer is an error, not a hang", .enabled(if: enabled))
    func unreachable() async throws {
        let rooms = JanusRooms(JanusConfiguration(url: "http://127.0.0.1:9/janus", adminKey: "k"))
        await #expect { try await rooms.ping() } throws: { ($0 as? MediaServerError)?.code == 0 }
    }
}

extension Result {
    var failureCode: Int? { if case .failure(let error) = self { (error as? MediaServerError)?.code } else { nil } }
    var successValue: Success? { if case .success(let value) = self { value } else { nil } }
}

/// Several Janus servers behind one `MediaRooms`, on the real Janus of `scripts/test`.
@Suite("A pool of Janus servers")
struct JanusPoolTests {
    @Test("a pool: new rooms go round the servers that answer; each room's business goes to its own server", .enabled(if: JanusRoomsTests.enabled))
    func pool() async throws {
        let janus = try #require(JanusRoomsTests.configuration)
        // The same Janus under two names stands for two servers; a third name answers nothing.
        let other = janus.url.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        let dead = "http://127.0.0.1:9/janus"
        let pool = JanusPool(JanusConfiguration(
            servers: [.init(url: janus.url, publicURL: "https://a.example/janus"), .init(url: other, publicURL: "https://b.example/janus"),
                      .init(url: dead, publicURL: "https://c.example/janus")], adminKey: janus.adminKey))
        try await pool.ping()
        var rooms: [MediaRoom] = []
        for _ in 0..<4 { rooms.append(try await pool.create(description: "pool", publishers: 4)) }
        // Never the dead one; both live ones in turn (the dead one's turn falls to the next).
        #expect(!rooms.contains { $0.server == dead })
        #expect(Set(rooms.map(\.server)) == [janus.url, other])
        for room in rooms {
            #expect(try await pool.exists(room))
            try await pool.grant(room, tokens: ["pool-token"])
            #expect(try await JanusRoomsTests.join(room, token: "pool-token").successValue != nil)
            #expect(pool.publicURL(of: room.server) == (room.server == other ? "https://b.example/janus" : "https://a.example/janus"))
            try await pool.destroy(room)
            #expect(try await !pool.exists(room))
        }
        // A pool with no server answering makes no room and is not ready.
        let down = JanusPool(JanusConfiguration(servers: [.init(url: dead)], adminKey: "k"))
        await #expect(throws: MediaServerError.self) { try await down.create(description: "x", publishers: 1) }
        await #expect(throws: MediaServerError.self) { try await down.ping() }
    }
}
