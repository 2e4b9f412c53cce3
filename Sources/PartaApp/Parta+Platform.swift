import Logging
public import PartaDomain
import PartaStore

/// A person holding a platform role, as operators see them (with the phone number).
public struct PlatformMember: Sendable, Equatable {
    public var account: Account
    public var role: PlatformRoleView
}

/// Where an officer reads statistics.
public enum OfficerScope: Sendable, Equatable {
    case municipality(MunicipalityID)
    case region(RegionID)

    var role: PlatformRole {
        switch self {
        case .municipality(let id): .municipalOfficer(id)
        case .region(let id): .regionalOfficer(id)
        }
    }
}

extension Parta {
    /// Makes a person an operator (the first one from the command line, later ones by operators).
    public func addOperator(_ caller: Caller, name: String, phone: String) async throws -> PlatformMember {
        try await grantPlatformRole(caller, name: name, phone: phone, role: .operator)
    }

    /// Makes a person a municipal or regional officer (operators).
    public func addOfficer(_ caller: Caller, name: String, phone: String, scope: OfficerScope) async throws -> PlatformMember {
        try await grantPlatformRole(caller, name: name, phone: phone, role: scope.role)
    }

    private func grantPlatformRole(_ caller: Caller, name: String, phone: String, role: PlatformRole) async throws -> PlatformMember {
        let name = try PersonName(parsing: name)
        let phone = try PhoneNumber(parsing: phone)
        let now = clock.now()
        return try await database.write { store in
            try await authorize(caller, .managePlatformRoles, in: store)
            switch role {
            case .operator: break
            case .municipalOfficer(let id):
                guard try await store.municipality(id) != nil else { throw PartaError.notFound("The municipality") }
            case .regionalOfficer(let id):
                guard try await store.region(id) != nil else { throw PartaError.notFound("The region") }
            }
            let account = try await store.findOrCreateAccount(phone: phone, name: name, now: now)
            if try await store.grantPlatformRole(role, to: account.id, now: now) {
                try await audit(store, caller, role == .operator ? .operatorAdded : .officerAdded, organization: nil,
                                target: ("account", "\(account.id)"), details: ["role": role.kind.rawValue])
            }
            let view = try await platformRoleViews([role], in: store)[0]
            return PlatformMember(account: account, role: view)
        }
    }

    /// Takes a platform role away. The platform always keeps one operator.
    public func removePlatformRole(_ caller: Caller, account: AccountID, role: PlatformRole) async throws {
        try await database.write { store in
            try await authorize(caller, .managePlatformRoles, in: store)
            try await store.lock("platform.roles")
            if role == .operator {
                let operators = try await store.platformRoleHolders(.operator).map(\.0)
                try LastHolderRule.checkOperatorRemoval(account, operators: operators)
            }
            guard try await store.revokePlatformRole(role, from: account) else {
                throw PartaError.notFound("That role holder")
            }
            try await audit(store, caller, role == .operator ? .operatorRemoved : .officerRemoved, organization: nil,
                            target: ("account", "\(account)"), details: ["role": role.kind.rawValue])
        }
    }

    /// Operators, or officers of both kinds (operators only: the list shows phone numbers).
    public func platformMembers(_ caller: Caller, kinds: [PlatformRoleKind]) async throws -> [PlatformMember] {
        try await database.read { store in
            let roles = try await authorize(caller, .managePlatformRoles, in: store)
            try DirectoryPermissions.decide(roles, .viewPhoneNumbers).check()
            var holders: [(AccountID, PlatformRole)] = []
            for kind in kinds { holders += try await store.platformRoleHolders(kind) }
            let accounts = try await store.accounts(holders.map(\.0))
            // One view per distinct role (a place's name is read once, not once per holder).
            let views = Dictionary(uniqueKeysWithValues: try await platformRoleViews(Set(holders.map(\.1)), in: store).map { ($0.role, $0) })
            return holders.compactMap { id, role in
                guard let account = accounts[id], let view = views[role] else { return nil }
                return PlatformMember(account: account, role: view)
            }
        }
    }
}
