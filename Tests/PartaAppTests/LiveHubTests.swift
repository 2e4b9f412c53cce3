import Foundation
import PartaApp
import PartaDomain
import PartaStore
import PartaTesting
import Testing

/// Frames as plain text, enough to see what a connection was handed.
struct PlainFrames: LiveFrameEncoder {
    func event(_ event: LiveEvent) -> String { "event \(event.record.chat) \(event.record.seq) \(event.record.kind)" }
    func ready(chats: [MessengerChat], cursors: [ChatID: Int64], removed: [ChatID]) -> String { "ready \(chats.count)" }
    func chat(_ chat: MessengerChat, cursor: Int64) -> String { "chat \(chat.entry.chat.id) \(cursor)" }
    func chatRemoved(_ chat: ChatID) -> String { "chat_removed \(chat)" }
}

@Suite("The live hub")
struct LiveHubTests {
    /// Runs `body` with a running hub; stops it after.
    static func withHub(_ world: TestWorld, queueLimit: Int, _ body: (LiveHub) async throws -> Void) async throws {
        let hub = LiveHub(parta: world.parta, encoder: PlainFrames(), queueLimit: queueLimit)
        let running = Task { try await hub.run() }
        defer { running.cancel() }
        try await body(hub)
    }

    @Test("a connection that does not read is cut off as too slow; one that reads gets every event once, in order", arguments: TestEngine.all)
    func slowConsumer(engine: TestEngine) async throws {
        try await TestWorld.with(engine, config: AppConfig(limits: .unlimitedRates)) { world in
            let s = try await world.chatSchool()
            let teacher = s.principals["ivanova"]!
            let chat = try #require(try await world.parta.myChats(teacher).first { $0.entry.chat.name == "10А - Ученики" }?.entry.chat.id)
            try await Self.withHub(world, queueLimit: 8) { hub in
                let idle = try await hub.connect(s.principals["s1"]!)
                let reader = try await hub.connect(teacher)
                var stream = hub.stream(for: reader, cursors: [:])
                #expect(try await stream.next()?.first?.hasPrefix("ready") == true)
                let before = try await world.database.read { store in try await store.chatAudiences([chat]) }[chat]?.lastSeq ?? 0

                var seen: [String] = []
                for n in 1...40 {
                    let sent = try await world.parta.sendMessage(teacher, chat: chat, clientID: "m-\(n)", text: "Сообщение \(n)")
                    // The reader keeps up: read until this message's event arrived.
                    while !seen.contains("event \(chat) \(sent.message.seq) message") {
                        seen += try #require(try await stream.next())
                    }
                }
                #expect(seen == (before + 1...before + 40).map { "event \(chat) \($0) message" })

                // The idle connection's queue (8) overflowed long ago: it was ended, and its
                // stream says why instead of holding 40 frames.
                var idleStream = hub.stream(for: idle, cursors: [:])
                #expect(try await idleStream.next()?.first?.hasPrefix("ready") == true)
                await #expect(throws: LiveEnd.tooSlow) { _ = try await idleStream.next() }
                hub.disconnect(idle)
                hub.disconnect(reader)
            }
        }
    }

    @Test("a stopping hub ends its connections and refuses new ones", arguments: [TestEngine.sqlite])
    func stopping(engine: TestEngine) async throws {
        try await TestWorld.with(engine) { world in
            let s = try await world.chatSchool()
            let hub = LiveHub(parta: world.parta, encoder: PlainFrames(), queueLimit: 8)
            let running = Task { try await hub.run() }
            let connection = try await hub.connect(s.principals["s1"]!)
            var stream = hub.stream(for: connection, cursors: [:])
            #expect(try await stream.next()?.first?.hasPrefix("ready") == true)
            running.cancel()
            _ = await running.result
            await #expect(throws: LiveEnd.serverStopping) { _ = try await stream.next() }
            await #expect(throws: LiveEnd.serverStopping) { _ = try await hub.connect(s.principals["p2"]!) }
        }
    }
}
