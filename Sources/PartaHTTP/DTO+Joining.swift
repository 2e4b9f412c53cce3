import Foundation
import Hummingbird
import PartaApp
import PartaDomain

struct InviteDTO: ResponseCodable {
    var id: InviteID
    var role: RosterRole
    var classId: ClassID?
    var className: String?
    var note: String
    var status: Invite.Status
    var createdAt: Date
    var createdBy: String?
    var expiresAt: Date
    /// `null`: unlimited.
    var maxUses: Int?
    var useCount: Int
    var remainingUses: Int?
    var revokedAt: Date?
    /// Whether `GET …/invites/{id}/link` can show its link again.
    var linkKept: Bool

    init(_ view: InviteView) {
        let i = view.invite
        id = i.id
        role = i.role
        classId = i.classID
        className = view.className
        note = i.note
        status = view.status
        createdAt = i.createdAt
        createdBy = view.createdByName?.short
        expiresAt = i.expiresAt
        maxUses = i.maxUses
        useCount = i.useCount
        remainingUses = i.remainingUses
        revokedAt = i.revokedAt
        linkKept = view.linkKept
    }
}

/// An invite with its token, link and QR code (SVG text, PNG as base64): on creation, and when
/// its administrators ask for the link again.
struct IssuedInviteDTO: ResponseCodable {
    var invite: InviteDTO
    var token: String
    var url: String
    var qrSvg: String
    var qrPngBase64: String

    init(_ issued: IssuedInvite, base: String) throws {
        invite = InviteDTO(issued.view)
        token = issued.token
        url = issued.url(base: base)
        let qr = try LinkBuilder.qr(url)
        qrSvg = qr.svg
        qrPngBase64 = qr.pngBase64
    }
}

struct InvitePreviewDTO: ResponseCodable {
    var organization: OrganizationSummaryDTO
    var role: RosterRole
    var className: String?
    var expiresAt: Date
}

struct ChildNameDTO: ResponseCodable {
    var surname: String
    var givenName: String
    var patronymic: String
}

struct JoinRequestDTO: ResponseCodable {
    var id: JoinRequestID
    var organization: OrganizationSummaryDTO
    var accountId: AccountID
    var role: RosterRole
    var classId: ClassID?
    var className: String?
    var surname: String
    var givenName: String
    var patronymic: String
    var fullName: String
    var birthDate: LocalDate?
    var child: ChildNameDTO?
    var message: String
    var inviteId: InviteID?
    var inviteNote: String?
    var status: JoinRequest.Status
    var createdAt: Date
    var decidedAt: Date?
    var reason: String?
    var person: RosterPersonDTO?

    init(_ view: JoinRequestView) {
        let r = view.request
        id = r.id
        organization = OrganizationSummaryDTO(view.organization)
        accountId = r.accountID
        role = r.role
        classId = r.classID
        className = view.className
        surname = r.name.surname
        givenName = r.name.givenName
        patronymic = r.name.patronymic
        fullName = r.name.full
        birthDate = r.birthDate
        child = r.childName.map { ChildNameDTO(surname: $0.surname, givenName: $0.givenName, patronymic: $0.patronymic) }
        message = r.message
        inviteId = r.inviteID
        inviteNote = view.inviteNote
        status = r.status
        createdAt = r.createdAt
        decidedAt = r.decidedAt
        reason = r.reason.isEmpty ? nil : r.reason
        person = view.person.map(RosterPersonDTO.init)
    }
}

struct MatchDTO: ResponseCodable {
    var person: RosterPersonDTO
    var className: String?
    var children: [String]
    var score: Int
    var reasons: [PersonMatcher.Reason]

    init(_ match: MatchView) {
        person = RosterPersonDTO(match.person)
        className = match.className
        children = match.children.map(\.full)
        score = match.score
        reasons = match.reasons
    }
}

struct JoinRequestDetailsDTO: ResponseCodable {
    var request: JoinRequestDTO
    var matches: [MatchDTO]
    var childMatches: [MatchDTO]
}

struct AcceptedDTO: ResponseCodable {
    var request: JoinRequestDTO
    var person: RosterPersonDTO
    var createdPerson: Bool

    init(_ accepted: AcceptedJoin) {
        request = JoinRequestDTO(accepted.view)
        person = RosterPersonDTO(accepted.person)
        createdPerson = accepted.createdPerson
    }
}

struct MemberDTO: ResponseCodable {
    var accountId: AccountID
    var fullName: String
    var shortName: String
    /// `false`: the account's own name, not one the school stands behind.
    var nameConfirmed: Bool
    var roles: [OrganizationRole]
    var verified: Bool

    init(_ member: MemberView) {
        accountId = member.accountID
        fullName = member.name.full
        shortName = member.name.short
        nameConfirmed = member.nameConfirmed
        roles = member.roles
        verified = member.verified
    }
}

struct ActivityDTO: ResponseCodable {
    var active: Bool
    var missing: [OrganizationActivity.Condition]
    var missingProfileFields: [String]
    var verifiedTeachers: Int
    var requiredVerifiedTeachers: Int

    init(_ activity: OrganizationActivity) {
        active = activity.isActive
        missing = activity.missing
        missingProfileFields = activity.missingProfileFields
        verifiedTeachers = activity.verifiedTeachers
        requiredVerifiedTeachers = OrganizationActivity.requiredVerifiedTeachers
    }
}
