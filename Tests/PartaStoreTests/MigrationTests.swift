import Foundation
import PartaDomain
import PartaStore
import PartaTesting
import SQLKit
import Testing

@Suite("Migrations")
struct MigrationTests {
    /// A later migration, as a future release would add one.
    static let next = Migrations.latestVersion + 1
    static let addsNotes = Migration(version: next, name: "test_notes") { d in
        ["CREATE TABLE test_notes (\(d.id), account_id BIGINT NOT NULL, body TEXT NOT NULL)"]
    }

    @Test("an empty database is migrated to the latest version", arguments: TestEngine.all)
    func migratesEmpty(engine: TestEngine) async throws {
        try await TestDatabase.withEmpty(engine) { database in
            let migrator = Migrator()
            #expect(try await migrator.currentVersion(database) == 0)
            let report = try await migrator.migrate(database, logger: TestDatabase.logger)
            #expect(report.previousVersion == 0)
            #expect(report.currentVersion == Migrations.latestVersion)
            #expect(report.applied.count == Migrations.all.count)
            try await migrator.checkCurrent(database)
            // The tables exist and work.
            let account = try await database.write { store in
                try await store.findOrCreateAccount(phone: PhoneNumber(e164: "+79990000001"), name: nil, now: Date())
            }
            #expect(account.id.rawValue > 0)
        }
    }

    @Test("migrating again changes nothing", arguments: TestEngine.all)
    func migratesTwice(engine: TestEngine) async throws {
        try await TestDatabase.withMigrated(engine) { database in
            let report = try await Migrator().migrate(database, logger: TestDatabase.logger)
            #expect(report.applied.isEmpty)
            #expect(report.previousVersion == Migrations.latestVersion)
        }
    }

    @Test("an existing database gains only the new migrations and keeps its data", arguments: TestEngine.all)
    func upgradesExisting(engine: TestEngine) async throws {
        try await TestDatabase.withEmpty(engine) { database in
            let old = Migrator(migrations: Migrations.all)
            _ = try await old.migrate(database, logger: TestDatabase.logger)
            let account = try await database.write { store in
                try await store.findOrCreateAccount(
                    phone: PhoneNumber(e164: "+79990000002"), name: PersonName(surname: "Иванов", givenName: "Пётр"), now: Date())
            }
            let new = Migrator(migrations: Migrations.all + [Self.addsNotes])
            await #expect(throws: StoreError.schemaOutdated(database: Migrations.latestVersion, binary: Self.next)) {
                try await new.checkCurrent(database)
            }
            let report = try await new.migrate(database, logger: TestDatabase.logger)
            #expect(report.previousVersion == Migrations.latestVersion)
            #expect(report.applied == ["\(Self.next) test_notes"])
            try await database.write { store in
                try await store.sql.raw("INSERT INTO test_notes (account_id, body) VALUES (\(bind: account.id.rawValue), 'x')").run()
            }
            let kept = try await database.read { try await $0.account(account.id) }
            #expect(kept?.name.surname == "Иванов")
        }
    }

    @Test("a schema newer than the binary is refused and left untouched", arguments: TestEngine.all)
    func refusesNewer(engine: TestEngine) async throws {
        try await TestDatabase.withEmpty(engine) { database in
            _ = try await Migrator(migrations: Migrations.all + [Self.addsNotes]).migrate(database, logger: TestDatabase.logger)
            let older = Migrator()
            await #expect(throws: StoreError.schemaNewer(database: Self.next, binary: Migrations.latestVersion)) {
                try await older.migrate(database, logger: TestDatabase.logger)
            }
            await #expect(throws: StoreError.schemaNewer(database: Self.next, binary: Migrations.latestVersion)) {
                try await older.checkCurrent(database)
            }
            #expect(try await older.currentVersion(database) == Self.next)
        }
    }

    @Test("a failing migration leaves the database as it was", arguments: TestEngine.all)
    func failingMigrationRollsBack(engine: TestEngine) async throws {
        try await TestDatabase.withEmpty(engine) { database in
            let broken = Migration(version: Self.next, name: "broken") { _ in
                ["CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL"]
            }
            await #expect(throws: (any Error).self) {
                try await Migrator(migrations: Migrations.all + [broken]).migrate(database, logger: TestDatabase.logger)
            }
            // Nothing of the failed run stayed, not even the migrations before it in the same transaction.
            #expect(try await Migrator().currentVersion(database) == 0)
            _ = try await Migrator().migrate(database, logger: TestDatabase.logger)
            #expect(try await Migrator().currentVersion(database) == Migrations.latestVersion)
        }
    }
}
