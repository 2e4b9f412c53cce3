import Foundation
import Hummingbird
import Logging
import PartaApp
import PartaDomain

/// The signed-in person's side of linking: preview and confirm a code, list and undo links.
struct LinkingRoutes {
    let parta: Parta

    func register(on api: RouterGroup<PartaRequestContext>) {
        api.get("link-codes/{code}", use: preview)
        api.post("link-codes/{code}/confirm", use: confirm)
        api.get("me/links", use: links)
        api.delete("me/links/{person_id}", use: unlink)
    }

    struct LinkDTO: ResponseCodable {
        var person: RosterPersonDTO
        var organization: OrganizationSummaryDTO
        var expiresAt: Date?
    }

    func code(_ context: PartaRequestContext) throws -> String {
        guard let code = context.parameters.get("code") else { throw PartaError.notFound("This link code") }
        return code
    }

    /// Whom a link code is for, before signing in: the name and role only.
    struct LinkPreviewDTO: ResponseCodable {
        struct Person: Codable {
            var role: RosterRole
            var surname: String
            var givenName: String
            var patronymic: String
            var fullName: String

            init(_ person: RosterPerson) {
                role = person.role
                (surname, givenName, patronymic, fullName) = (person.name.surname, person.name.givenName, person.name.patronymic, person.name.full)
            }
        }
        var person: Person
        var organization: OrganizationSummaryDTO
        var expiresAt: Date
    }

    /// GET /api/v1/link-codes/{code} — whom the code would link, to check before signing in and confirming.
    @Sendable func preview(_ request: Request, context: PartaRequestContext) async throws -> LinkPreviewDTO {
        let preview = try await parta.previewLinkCode(code: try code(context), clientAddress: context.clientAddress)
        return LinkPreviewDTO(
            person: .init(preview.person),
            organization: OrganizationSummaryDTO(preview.organization), expiresAt: preview.expiresAt)
    }

    /// POST /api/v1/link-codes/{code}/confirm — link that person to me.
    @Sendable func confirm(_ request: Request, context: PartaRequestContext) async throws -> LinkDTO {
        let linked = try await parta.confirmLinkCode(try context.principal(), code: try code(context), clientAddress: context.clientAddress)
        return LinkDTO(person: RosterPersonDTO(linked.person), organization: OrganizationSummaryDTO(linked.organization), expiresAt: nil)
    }

    /// GET /api/v1/me/links — the roster persons linked to me.
    @Sendable func links(_ request: Request, context: PartaRequestContext) async throws -> ListDTO<LinkDTO> {
        let links = try await parta.myLinks(try context.principal())
        return ListDTO(items: links.map {
            LinkDTO(person: RosterPersonDTO($0.person), organization: OrganizationSummaryDTO($0.organization), expiresAt: nil)
        })
    }

    /// DELETE /api/v1/me/links/{person_id} — unlink; I leave that person's roster chats.
    @Sendable func unlink(_ request: Request, context: PartaRequestContext) async throws -> HTTPResponse.Status {
        try await parta.unlink(
            try context.principal(), person: try context.id("person_id", RosterPersonID.self, what: "A person linked to you"),
            clientAddress: context.clientAddress)
        return .noContent
    }
}
