public import Logging
public import PartaDomain
public import PartaStore

/// Settings the use cases read; the server fills them from flags and `PARTA_*` variables.
public struct AppConfig: Sendable, Equatable {
    public var signIn: SignInPolicy
    public var sessions: SessionPolicy
    /// What a roster import may unpack.
    public var imports: ImportLimits
    /// Rate limits per account and API key, the upload quota and the live-connection cap.
    public var limits: RateLimits
    /// The country calling codes sign-in codes are sent to.
    public var phoneCountries: PhoneCountries
    /// The media server for calls and distance lessons; `nil`: calls are unavailable.
    public var janus: JanusConfiguration?
    /// coturn for browsers behind NATs; `nil`: no TURN servers are handed out.
    public var turn: TurnConfiguration?
    /// When the weekly statistics snapshot is taken (`PARTA_STATS_SNAPSHOT`, Friday 16:00 Moscow).
    public var statisticsSchedule: SnapshotSchedule = .standard
    /// Seals organization invites' tokens so that their links can be shown again. `parta serve`
    /// sets it from the data directory's key file or `PARTA_SEALING_KEY`; the default, for tests,
    /// is a key that lives as long as the process. `nil`: links are shown only when made.
    public var sealing: TokenSealer? = .ephemeral()

    public init(
        signIn: SignInPolicy = .init(), sessions: SessionPolicy = .init(), imports: ImportLimits = .init(),
        limits: RateLimits = .init(), phoneCountries: PhoneCountries = .init(), janus: JanusConfiguration? = nil,
        turn: TurnConfiguration? = nil
    ) {
        self.janus = janus
        self.turn = turn
        self.signIn = signIn
        self.sessions = sessions
        self.imports = imports
        self.limits = limits
        self.phoneCountries = phoneCountries
    }
}

/// The application: every use case is a method on this value (`Parta+SignIn.swift`, …).
/// It is the only layer that writes: validate first, then write everything in one transaction.
public struct Parta: Sendable, CustomStringConvertible {
    /// Never the configuration: it may hold secrets (the SMS gateway token).
    public var description: String { "Parta" }

    public let database: Database
    public let clock: any WallClock
    public let sms: any SMSSender
    public let config: AppConfig
    public let logger: Logger
    /// The development inbox behind `/dev/codes`, when the server runs in demo mode.
    public let devInbox: DevInbox?
    /// This process's rate limits (`config.limits`).
    public let limiter: RateLimiter
    /// Imports this process runs at once (each holds a file and its plan in memory).
    let importGate: CountingGate
    /// The media server's rooms (`config.janus`), when calls are configured.
    public let media: (any MediaRooms)?

    public init(
        database: Database, clock: any WallClock = SystemClock(), sms: any SMSSender, config: AppConfig = .init(),
        logger: Logger, devInbox: DevInbox? = nil
    ) {
        self.database = database
        self.clock = clock
        self.sms = sms
        self.config = config
        self.logger = logger
        self.devInbox = devInbox
        self.limiter = RateLimiter()
        self.importGate = CountingGate(capacity: 2)
        self.media = config.janus.map { JanusPool($0) }
    }

    /// Spends one action of `kind` for `subject` (an account or an API key), or throws 429. Call it
    /// once the action is known to be valid (a mistake does not cost an action).
    func admit(_ kind: RateKind, _ subject: Int64) throws(PartaError) {
        try limiter.admit(kind, subject: subject, limits: config.limits, now: clock.now())
    }

    /// Throws 429 when `subject` has no `kind` action left, spending nothing: before a transaction.
    func checkRate(_ kind: RateKind, _ subject: Int64) throws(PartaError) {
        try limiter.check(kind, subject: subject, limits: config.limits, now: clock.now())
    }

    /// The caller's platform roles and organization roles, read in `store`.
    func actorRoles(_ caller: Caller, in store: Store) async throws -> ActorRoles {
        switch caller.identity {
        case .system:
            return .system
        case .integration(let organization, _, _):
            return ActorRoles(integrationFor: organization)
        case .account(let id, _):
            let platform = try await store.platformRoles(of: id)
            var organizations: [OrganizationID: Set<OrganizationRole>] = [:]
            for grant in try await store.roleGrants(of: id) {
                organizations[grant.organizationID, default: []].insert(grant.role)
            }
            return ActorRoles(platform: platform, organizations: organizations)
        }
    }

    /// Reads the caller's roles and throws `forbidden` unless `action` is allowed.
    @discardableResult
    func authorize(_ caller: Caller, _ action: DirectoryAction, in store: Store) async throws -> ActorRoles {
        let roles = try await actorRoles(caller, in: store)
        try DirectoryPermissions.decide(roles, action).check()
        return roles
    }

    /// Whether `action` is allowed to the caller (no error: the answer shapes what it sees).
    func authorize(_ caller: Caller, _ action: DirectoryAction, orDeny store: Store) async throws -> Bool {
        DirectoryPermissions.decide(try await actorRoles(caller, in: store), action).isAllowed
    }

    /// Appends one audit entry in the caller's transaction.
    func audit(
        _ store: Store, _ caller: Caller, _ action: AuditAction, organization: OrganizationID?,
        target: (type: String, id: String), details: [String: String] = [:]
    ) async throws {
        let label: String
        switch caller.identity {
        case .system(let systemLabel):
            label = systemLabel
        case .integration(_, _, let keyName):
            label = "integration:\(keyName)"
        case .account(let id, _):
            // As the organization names them (the roster, or the name given with their role);
            // elsewhere, or when it does not know them, as they call themselves.
            let named = try await organization.asyncMap { try await store.names(of: [id], in: $0)[id] } ?? nil
            let account = try await store.account(id)
            let name = named?.confirmed == true ? named?.name : account?.name
            label = name.map { $0.isEmpty ? "account \(id)" : $0.short } ?? "account \(id)"
        }
        try await store.appendAudit(
            at: clock.now(), actorAccountID: caller.accountID, actorLabel: label, action: action,
            organizationID: organization, targetType: target.type, targetID: target.id,
            clientAddress: caller.clientAddress, details: details)
    }
}
