import Logging
import Foundation
import Hummingbird
import PartaApp
import PartaDomain

/// Sign-in by phone and one-time code; sessions (devices) and sign-out.
struct AuthRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.post("auth/code", use: requestCode)
        api.post("auth/verify", use: verify)
        api.post("auth/sign-out", use: signOut)
        api.get("sessions", use: listSessions)
        api.delete("sessions/{id}", use: revokeSession)
        api.post("sessions/revoke-others", use: revokeOthers)
    }

    struct CodeRequest: Decodable {
        var phone: String
    }

    struct CodeReceipt: ResponseCodable {
        var codeLength: Int
        var expiresIn: Int
        var resendIn: Int
    }

    /// POST /api/v1/auth/code — send a sign-in code by SMS.
    @Sendable func requestCode(_ request: Request, context: PartaRequestContext) async throws -> EditedResponse<CodeReceipt> {
        let body = try await request.decodeJSON(CodeRequest.self, context: context)
        let receipt = try await parta.requestSignInCode(phone: body.phone, clientAddress: context.clientAddress)
        return EditedResponse(
            status: .accepted,
            response: CodeReceipt(codeLength: receipt.codeLength, expiresIn: receipt.expiresIn, resendIn: receipt.resendIn))
    }

    struct VerifyRequest: Decodable {
        var phone: String
        var code: String
        var deviceName: String?
    }

    struct SignedIn: ResponseCodable {
        var token: String
        var session: SessionDTO
        var account: AccountDTO
        var newAccount: Bool
    }

    /// POST /api/v1/auth/verify — exchange the code for a session token.
    @Sendable func verify(_ request: Request, context: PartaRequestContext) async throws -> SignedIn {
        let body = try await request.decodeJSON(VerifyRequest.self, context: context)
        let result = try await parta.verifySignInCode(
            phone: body.phone, code: body.code, deviceName: body.deviceName,
            userAgent: request.headers[.userAgent] ?? "", clientAddress: context.clientAddress)
        return SignedIn(
            token: result.token, session: SessionDTO(result.session, current: result.session.id),
            account: AccountDTO(result.account), newAccount: result.isNewAccount)
    }

    /// POST /api/v1/auth/sign-out — end this session.
    @Sendable func signOut(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.signOut(try context.principal())
        return .noContent
    }

    /// GET /api/v1/sessions — my signed-in devices.
    @Sendable func listSessions(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<SessionDTO> {
        let principal = try context.principal()
        let sessions = try await parta.sessions(principal)
        return ListDTO(items: sessions.map { SessionDTO($0, current: principal.session.id) })
    }

    /// DELETE /api/v1/sessions/{id} — sign one of my devices out.
    @Sendable func revokeSession(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        let principal = try context.principal()
        try await parta.revokeSession(principal, try context.id("id", SessionID.self, what: "The session"))
        return .noContent
    }

    struct Revoked: ResponseCodable {
        var revoked: Int
    }

    /// POST /api/v1/sessions/revoke-others — sign out every device but this one.
    @Sendable func revokeOthers(_ request: Request, context: PartaRequestContext) async throws -> Revoked {
        Revoked(revoked: try await parta.revokeOtherSessions(try context.principal()))
    }
}
