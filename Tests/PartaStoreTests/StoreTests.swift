import Foundation
import PartaDomain
import PartaStore
import PartaTesting
import SQLKit
import Testing

@Suite("Store")
struct StoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a transaction that throws writes nothing", arguments: TestEngine.all)
    func rollsBack(engine: TestEngine) async throws {
        struct Boom: Error {}
        try await TestDatabase.withMigrated(engine) { database in
            await #expect(throws: Boom.self) {
                try await database.write { store in
                    _ = try await store.findOrCreateAccount(phone: PhoneNumber(e164: "+79990000003"), name: nil, now: now)
                    throw Boom()
                }
            }
            let account = try await database.read { try await $0.account(phone: PhoneNumber(e164: "+79990000003")) }
            #expect(account == nil)
        }
    }

    @Test("unique violations are recognized on both engines", arguments: TestEngine.all)
    func uniqueViolation(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            _ = try await database.write { try await $0.findOrCreateAccount(phone: PhoneNumber(e164: "+79990000004"), name: nil, now: now) }
            do {
                try await database.write { store in
                    try await store.sql.raw("INSERT INTO accounts (phone, created_at) VALUES ('+79990000004', 0)").run()
                }
                Issue.record("a duplicate phone was accepted")
            } catch {
                #expect(Store.isUniqueViolation(error))
            }
        }
    }

    @Test("a PostgreSQL lock holds writers of its schema, never those of another schema")
    func locksPerSchema() async throws {
        guard TestEngine.all.contains(.postgres) else { return }
        try await TestDatabase.withEmpty(.postgres) { school in
            try await TestDatabase.withEmpty(.postgres) { neighbour in
                try await school.write { holder in
                    try await holder.lock("roster:1")
                    // The same key in another schema (another deployment, another test) is free.
                    try await neighbour.write { store in
                        try await store.sql.raw("SET LOCAL lock_timeout = '5s'").run()
                        try await store.lock("roster:1")
                    }
                    // In the holder's schema the key is taken: a second writer waits, here until its timeout.
                    await #expect(throws: (any Error).self) {
                        try await school.write { store in
                            try await store.sql.raw("SET LOCAL lock_timeout = '200ms'").run()
                            try await store.lock("roster:1")
                        }
                    }
                }
            }
        }
    }

    @Test("find-or-create keeps one account per phone and names only the unnamed", arguments: TestEngine.all)
    func findOrCreate(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            let phone = PhoneNumber(e164: "+79990000005")
            let first = try await database.write { try await $0.findOrCreateAccount(phone: phone, name: nil, now: now) }
            #expect(first.name.isEmpty)
            let named = try await database.write {
                try await $0.findOrCreateAccount(phone: phone, name: PersonName(surname: "Петрова", givenName: "Анна"), now: now)
            }
            #expect(named.id == first.id)
            #expect(named.name.surname == "Петрова")
            let again = try await database.write {
                try await $0.findOrCreateAccount(phone: phone, name: PersonName(surname: "Другая", givenName: "Фамилия"), now: now)
            }
            #expect(again.name.surname == "Петрова")
        }
    }

    @Test("organization search folds case and ё and pages", arguments: TestEngine.all)
    func search(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            let names = ["Школа № 1 «Ёлочка»", "Лицей № 2", "Гимназия № 3 имени Пушкина", "Школа № 4", "ШКОЛА-ИНТЕРНАТ № 5", "Детский сад «Ромашка»"]
            let (region, municipality) = try await database.write { store in
                let (region, _) = try await store.findOrCreateRegion(name: "Тверская область", now: now)
                let (municipality, _) = try await store.findOrCreateMunicipality(name: "г. Тверь", region: region.id, now: now)
                for (i, name) in names.enumerated() {
                    _ = try await store.insertOrganization(
                        municipality: municipality.id,
                        profile: OrganizationProfile(kind: .school, fullName: name, shortName: name),
                        communityID: CommunityID(randomBytes: [UInt8](repeating: UInt8(i), count: 8)), now: now)
                }
                return (region, municipality)
            }
            func search(_ query: String, page: Int = 1, perPage: Int = 10) async throws -> Page<Organization> {
                try await database.read {
                    try await $0.searchOrganizations(
                        words: SearchText.words(query), region: nil, municipality: nil, page: PageRequest(page: page, perPage: perPage))
                }
            }
            #expect(try await search("ёлочка").items.map(\.profile.shortName) == ["Школа № 1 «Ёлочка»"])
            #expect(try await search("ЕЛОЧКА").items.map(\.profile.shortName) == ["Школа № 1 «Ёлочка»"])
            #expect(try await search("школа").total == 3)
            #expect(try await search("интернат школа").items.map(\.profile.shortName) == ["ШКОЛА-ИНТЕРНАТ № 5"])
            #expect(try await search("пушкин").items.count == 1)
            #expect(try await search("50%").total == 0)
            // A punctuation-only query folds to nothing and lists everything...
            #expect(try await search("_").total == 6)
            // ...and raw wildcards reaching SQL are escaped, not interpreted.
            for wildcard in ["_", "%"] {
                let escaped = try await database.read {
                    try await $0.searchOrganizations(words: [wildcard], region: nil, municipality: nil, page: PageRequest())
                }
                #expect(escaped.total == 0)
            }
            let all = try await search("", perPage: 10)
            #expect(all.total == 6)
            let page2 = try await search("", page: 2, perPage: 4)
            #expect(page2.items.count == 2)
            #expect(Set(page2.items.map(\.id)).isDisjoint(with: try await search("", page: 1, perPage: 4).items.map(\.id)))
            let inRegion = try await database.read {
                try await $0.searchOrganizations(words: [], region: region.id, municipality: municipality.id, page: PageRequest())
            }
            #expect(inRegion.total == 6)
            let elsewhere = try await database.read {
                try await $0.searchOrganizations(words: [], region: RegionID(region.id.rawValue + 100), municipality: nil, page: PageRequest())
            }
            #expect(elsewhere.total == 0)
        }
    }

    @Test("regions and municipalities are found by folded name", arguments: TestEngine.all)
    func places(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            try await database.write { store in
                let (a, createdA) = try await store.findOrCreateRegion(name: "Орловская область", now: now)
                let (b, createdB) = try await store.findOrCreateRegion(name: "ОРЛОВСКАЯ  ОБЛАСТЬ", now: now)
                #expect(createdA && !createdB)
                #expect(a.id == b.id)
                let (m1, _) = try await store.findOrCreateMunicipality(name: "г. Орёл", region: a.id, now: now)
                let (m2, created) = try await store.findOrCreateMunicipality(name: "Г. ОРЕЛ", region: a.id, now: now)
                #expect(!created)
                #expect(m1.id == m2.id)
            }
        }
    }
}
