import Logging
import Foundation
public import PartaDomain
import PartaStore

/// What a client learns after asking for a code: nothing about whether the phone has an account.
public struct CodeRequestReceipt: Sendable, Equatable {
    public var codeLength: Int
    public var expiresIn: Int
    public var resendIn: Int

    public init(codeLength: Int, expiresIn: Int, resendIn: Int) {
        self.codeLength = codeLength
        self.expiresIn = expiresIn
        self.resendIn = resendIn
    }
}

/// A completed sign-in: the token is shown to the client once and never stored.
public struct SignInResult: Sendable {
    public var token: String
    public var session: Session
    public var account: Account
    public var isNewAccount: Bool
}

extension Parta {
    /// Sends a one-time code to `phoneInput` unless a rate limit holds (429 with the wait).
    public func requestSignInCode(phone phoneInput: String, clientAddress: String) async throws -> CodeRequestReceipt {
        let phone = try PhoneNumber(parsing: phoneInput)
        try config.phoneCountries.check(phone)
        let policy = config.signIn
        let now = clock.now()
        let code = Secrets.digits(policy.codeLength)
        let codeID = try await database.write { store in
            try await store.lock("signin.phone:" + phone.e164)
            try await store.lock("signin.address:" + clientAddress)
            let history = try await store.codeRequestHistory(
                phone: phone, address: clientAddress, since: now.addingTimeInterval(-SignInPolicy.lookback))
            switch policy.decideCodeRequest(now: now, phoneRequests: history.phone, addressRequests: history.address) {
            case .allowed:
                return try await store.insertSignInCode(
                    phone: phone, address: clientAddress, codeHash: Secrets.hashCode(code, phone: phone.e164),
                    now: now, expiresAt: now.addingTimeInterval(policy.codeLifetime))
            case .limited(let limit, let retryAfter):
                throw Self.rateLimited(limit, retryAfter: retryAfter)
            }
        }
        do {
            try await sms.send(SMSMessage(phone: phone, text: policy.smsText(code: code)))
        } catch {
            // An undelivered code must not work, nor count against the person's limits.
            try? await database.write { store in try await store.deleteSignInCode(codeID) }
            logger.error("signin.sms_failed", metadata: ["error": "\(error)"])
            throw PartaError(
                .unavailable(retryAfterSeconds: 30), code: "sms_unavailable",
                message: "The code could not be sent right now. Try again in a minute.")
        }
        logger.info("signin.code_sent")
        return CodeRequestReceipt(
            codeLength: policy.codeLength, expiresIn: Int(policy.codeLifetime), resendIn: Int(policy.resendInterval))
    }

    static func rateLimited(_ limit: SignInPolicy.Limit, retryAfter: Int) -> PartaError {
        let message: String =
            switch limit {
            case .resendInterval: "A code was sent a moment ago. You can ask for a new one in \(retryAfter) s."
            case .phonePerDay: "Too many codes for this number today. Try again in \(retryAfter) s."
            case .addressPerHour, .addressPerDay: "Too many codes requested from your network. Try again in \(retryAfter) s."
            }
        return PartaError(
            .tooManyRequests(retryAfterSeconds: retryAfter), code: "too_many_requests", message: message,
            details: ["limit": .string(limit.rawValue), "retry_after": .int(retryAfter)])
    }

    private enum VerifyOutcome: Sendable {
        case signedIn(SignInResult)
        case refused(PartaError)
    }

    /// Checks a code and, when it is right, opens a session (a new account on first sign-in).
    /// A wrong try is counted even though the request fails.
    public func verifySignInCode(
        phone phoneInput: String, code codeInput: String, deviceName: String?, userAgent: String, clientAddress: String
    ) async throws -> SignInResult {
        let phone = try PhoneNumber(parsing: phoneInput)
        let policy = config.signIn
        let code = try policy.cleanCode(codeInput)
        let now = clock.now()
        let token = Secrets.newToken()
        let userAgent = String(userAgent.prefix(300))
        let device = SessionPolicy.cleanDeviceName(deviceName, userAgent: userAgent)
        let outcome = try await database.write { store -> VerifyOutcome in
            try await store.lock("signin.phone:" + phone.e164)
            let stored = try await store.latestSignInCode(phone: phone)
            let matches = stored.map {
                Secrets.constantTimeEquals($0.codeHash, Secrets.hashCode(code, phone: phone.e164))
            } ?? false
            switch policy.checkCode(stored?.issued, matches: matches, now: now) {
            case .expired:
                return .refused(PartaError.invalid(
                    "code_expired", "This code has expired or was already used. Ask for a new code."))
            case .locked:
                let wait = stored.map { $0.issued.issuedAt.addingTimeInterval(policy.resendInterval).timeIntervalSince(now) } ?? 0
                let retryAfter = max(1, Int(wait.rounded(.up)))
                return .refused(PartaError(
                    .tooManyRequests(retryAfterSeconds: retryAfter), code: "too_many_attempts",
                    message: "Too many wrong codes. Ask for a new code.",
                    details: ["retry_after": .int(retryAfter)]))
            case .wrong(let attemptsLeft):
                try await store.countWrongSignInAttempt(stored!.id)
                let message = attemptsLeft > 0
                    ? "Wrong code. Tries left: \(attemptsLeft)."
                    : "Wrong code. No tries left for this code: ask for a new one."
                return .refused(PartaError.invalid("wrong_code", message, details: ["attempts_left": .int(attemptsLeft)]))
            case .accepted:
                guard try await store.markSignInCodeUsed(stored!.id, now: now) else {
                    return .refused(PartaError.invalid("code_expired", "This code was already used. Ask for a new code."))
                }
                let existing = try await store.account(phone: phone)
                let account = try await store.findOrCreateAccount(phone: phone, name: nil, now: now)
                try await store.recordSignIn(account.id, now: now)
                let session = try await store.createSession(
                    account: account.id, tokenHash: Secrets.hashToken(token), deviceName: device,
                    userAgent: userAgent, clientAddress: clientAddress, now: now)
                var signedIn = account
                signedIn.lastSignInAt = now
                if signedIn.firstSignInAt == nil { signedIn.firstSignInAt = now }
                return .signedIn(SignInResult(token: token, session: session, account: signedIn, isNewAccount: existing == nil))
            }
        }
        switch outcome {
        case .signedIn(let result):
            logger.info("signin.completed", metadata: [
                "parta.account.id": "\(result.account.id)", "parta.session.id": "\(result.session.id)",
            ])
            return result
        case .refused(let error):
            logger.info("signin.refused", metadata: ["parta.reason": "\(error.code)"])
            throw error
        }
    }

    /// The principal behind a bearer token, or `nil` for an unknown, revoked or idle-expired token.
    public func authenticate(token: String) async throws -> Principal? {
        guard Secrets.looksLikeToken(token) else { return nil }
        let hash = Secrets.hashToken(token)
        let now = clock.now()
        guard let (session, account) = try await database.read({ store in
            try await store.sessionWithAccount(tokenHash: hash)
        }) else { return nil }
        guard config.sessions.isAlive(lastUsedAt: session.lastUsedAt, now: now) else { return nil }
        var touched = session
        if config.sessions.needsTouch(lastUsedAt: session.lastUsedAt, now: now) {
            try await database.write { store in try await store.touchSession(session.id, now: now) }
            touched.lastUsedAt = now
        }
        return Principal(account: account, session: touched)
    }

    /// Ends the session the request came through.
    public func signOut(_ principal: Principal) async throws {
        _ = try await database.write { store in
            try await store.deleteSession(principal.session.id, of: principal.account.id)
        }
        logger.info("signin.signed_out", metadata: ["parta.session.id": "\(principal.session.id)"])
    }

    /// Every live session (device) of the signed-in account, most recently used first.
    public func sessions(_ principal: Principal) async throws -> [Session] {
        let now = clock.now()
        return try await database.read { store in
            try await store.sessions(of: principal.account.id)
        }.filter { config.sessions.isAlive(lastUsedAt: $0.lastUsedAt, now: now) }
    }

    /// Ends one of the account's sessions; 404 for a session that is not theirs.
    public func revokeSession(_ principal: Principal, _ id: SessionID) async throws {
        let deleted = try await database.write { store in
            try await store.deleteSession(id, of: principal.account.id)
        }
        guard deleted else { throw PartaError.notFound("The session") }
        logger.info("signin.session_revoked", metadata: ["parta.session.id": "\(id)"])
    }

    /// Ends every session of the account except the current one; returns how many ended.
    public func revokeOtherSessions(_ principal: Principal) async throws -> Int {
        try await database.write { store in
            try await store.deleteSessions(of: principal.account.id, except: principal.session.id)
        }
    }
}
