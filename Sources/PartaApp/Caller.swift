public import PartaDomain

/// Who asks a use case to act, and from where: a signed-in account over HTTP, or the
/// server's own command line (`parta org register …`), which may do anything.
public struct Caller: Sendable, Equatable {
    public enum Identity: Sendable, Equatable {
        case account(AccountID, session: SessionID?)
        /// The command line on the server; the label (`cli:root@host`) goes to the audit log.
        case system(label: String)
        /// A school information system acting through an organization's API key.
        case integration(organization: OrganizationID, keyID: Int64, keyName: String)
    }

    public var identity: Identity
    public var clientAddress: String

    public init(identity: Identity, clientAddress: String) {
        self.identity = identity
        self.clientAddress = clientAddress
    }

    public static func account(_ id: AccountID, session: SessionID? = nil, from address: String) -> Caller {
        Caller(identity: .account(id, session: session), clientAddress: address)
    }

    public static func system(_ label: String) -> Caller {
        Caller(identity: .system(label: label), clientAddress: "local")
    }

    public var accountID: AccountID? {
        if case .account(let id, _) = identity { return id }
        return nil
    }

    /// A school information system acting through an API key.
    public var isIntegration: Bool {
        if case .integration = identity { return true }
        return false
    }

    public var isSystem: Bool {
        if case .system = identity { return true }
        return false
    }

    public static func integration(_ organization: OrganizationID, keyID: Int64, keyName: String, from address: String) -> Caller {
        Caller(identity: .integration(organization: organization, keyID: keyID, keyName: keyName), clientAddress: address)
    }
}

/// A signed-in request's identity: the account and the session (device) it came through.
public struct Principal: Sendable, Equatable {
    public var account: Account
    public var session: Session

    public init(account: Account, session: Session) {
        self.account = account
        self.session = session
    }

    public func caller(from address: String) -> Caller {
        .account(account.id, session: session.id, from: address)
    }
}
