import Foundation
public import PartaApp
public import PartaDomain
public import PartaStore

/// A `Parta` on a fresh migrated database with a manual clock and a capturing SMS sender.
public struct TestWorld: Sendable {
    public let parta: Parta
    public let clock: ManualClock
    public let sms: CapturingSMSSender
    public let engine: TestEngine

    public var database: Database { parta.database }

    /// The command line's caller: may do anything.
    public let system = Caller.system("cli:test@localhost")

    public init(parta: Parta, clock: ManualClock, sms: CapturingSMSSender, engine: TestEngine) {
        self.parta = parta
        self.clock = clock
        self.sms = sms
        self.engine = engine
    }

    /// Runs `body` in a fresh world on `engine`.
    public static func with<T: Sendable>(
        _ engine: TestEngine, config: AppConfig = AppConfig(), _ body: (TestWorld) async throws -> T
    ) async throws -> T {
        try await TestDatabase.withMigrated(engine) { database in
            let clock = ManualClock()
            let sms = CapturingSMSSender()
            let parta = Parta(database: database, clock: clock, sms: sms, config: config, logger: TestDatabase.logger)
            return try await body(TestWorld(parta: parta, clock: clock, sms: sms, engine: engine))
        }
    }

    /// Another server on the same database and clock, with `sealing` for its key (another key,
    /// or none): what it finds of what this one sealed.
    public func server(sealing: TokenSealer?) -> Parta {
        var config = parta.config
        config.sealing = sealing
        return Parta(database: database, clock: clock, sms: sms, config: config, logger: TestDatabase.logger)
    }

    /// Signs `phone` in through request-code and verify; returns the result with its token.
    public func signIn(_ phone: String, device: String = "test", address: String = "192.0.2.1") async throws -> SignInResult {
        _ = try await parta.requestSignInCode(phone: phone, clientAddress: address)
        let code = sms.lastCode(for: phone)!
        return try await parta.verifySignInCode(
            phone: phone, code: code, deviceName: device, userAgent: "tests", clientAddress: address)
    }

    /// The principal for a sign-in result, as the HTTP layer would build it.
    public func principal(_ result: SignInResult) async throws -> Principal {
        try await parta.authenticate(token: result.token)!
    }

    /// Registers a school with an administrator through the operator's use case.
    @discardableResult
    public func registerSchool(
        _ fullName: String = "МБОУ «Средняя общеобразовательная школа № 5»", shortName: String = "Школа № 5",
        region: String = "Тверская область", municipality: String = "г. Тверь",
        adminName: String = "Смирнова Ольга Викторовна", adminPhone: String = "+79990000010"
    ) async throws -> OrganizationDetails {
        try await parta.registerOrganization(
            system,
            OrganizationRegistration(
                region: region, municipality: municipality,
                profile: OrganizationProfile(kind: .school, fullName: fullName, shortName: shortName),
                administratorName: adminName, administratorPhone: adminPhone))
    }
}

extension TestWorld {
    /// A school with an administrator (signed in) and a 2025/2026 school year, for roster tests.
    public struct RosterSchool: Sendable {
        public var id: OrganizationID
        public var admin: Caller
        public var adminPrincipal: Principal
        public var year: SchoolYear
    }

    public func rosterSchool(
        _ fullName: String = "МБОУ «Средняя общеобразовательная школа № 5»", adminPhone: String = "+79990000010"
    ) async throws -> RosterSchool {
        let details = try await registerSchool(fullName, shortName: String(fullName.prefix(30)), adminPhone: adminPhone)
        let id = details.summary.organization.id
        clock.advance(by: 61)
        let principal = try await principal(try await signIn(adminPhone))
        let admin = principal.caller(from: "192.0.2.10")
        let year = try await parta.createSchoolYear(admin, organization: id, name: "2025/2026")
        return RosterSchool(id: id, admin: admin, adminPrincipal: principal, year: year)
    }
}

extension LocalDate {
    /// `LocalDate("2025-09-01")` for tests and fixtures; traps on a bad literal.
    public init(_ iso: StaticString) {
        self = LocalDate(parsing: "\(iso)")!
    }
}
