public import Foundation

/// What administrative actions are recorded as; the string is stored and shown.
public enum AuditAction: String, Sendable, Codable, CaseIterable {
    case organizationRegistered = "organization.registered"
    case organizationProfileUpdated = "organization.profile_updated"
    case administratorGranted = "organization.administrator_granted"
    case administratorRevoked = "organization.administrator_revoked"
    case memberAttached = "organization.member_attached"
    case memberRemoved = "organization.member_removed"
    case operatorAdded = "platform.operator_added"
    case operatorRemoved = "platform.operator_removed"
    case officerAdded = "platform.officer_added"
    case officerRemoved = "platform.officer_removed"
    case schoolYearCreated = "roster.school_year_created"
    case schoolYearUpdated = "roster.school_year_updated"
    case subjectCreated = "roster.subject_created"
    case subjectUpdated = "roster.subject_updated"
    case subjectDeleted = "roster.subject_deleted"
    case classCreated = "roster.class_created"
    case classUpdated = "roster.class_updated"
    case classDeleted = "roster.class_deleted"
    case personCreated = "roster.person_created"
    case personUpdated = "roster.person_updated"
    case personDeleted = "roster.person_deleted"
    case guardianshipAdded = "roster.guardianship_added"
    case guardianshipRemoved = "roster.guardianship_removed"
    case assignmentCreated = "roster.assignment_created"
    case assignmentUpdated = "roster.assignment_updated"
    case assignmentDeleted = "roster.assignment_deleted"
    case orderCreated = "roster.order_created"
    case orderCancelled = "roster.order_cancelled"
    case lessonCreated = "roster.lesson_created"
    case lessonUpdated = "roster.lesson_updated"
    case lessonCancelled = "roster.lesson_cancelled"
    case lessonRestored = "roster.lesson_restored"
    case lessonDeleted = "roster.lesson_deleted"
    case rosterImported = "roster.imported"
    case apiKeyCreated = "roster.api_key_created"
    case apiKeyRevoked = "roster.api_key_revoked"
    case linkCodeCreated = "roster.link_code_created"
    case personLinked = "roster.person_linked"
    case personUnlinked = "roster.person_unlinked"
    case inviteCreated = "joining.invite_created"
    case inviteRevoked = "joining.invite_revoked"
    case inviteLinkShown = "joining.invite_link_shown"
    case joinRequested = "joining.requested"
    case joinRequestWithdrawn = "joining.request_withdrawn"
    case joinRequestAccepted = "joining.request_accepted"
    case joinRequestRejected = "joining.request_rejected"
    case chatsInitialized = "chats.initialized"
    case chatCreated = "chats.created"
    case chatRenamed = "chats.renamed"
    case chatDeleted = "chats.deleted"
    case chatMembersAdded = "chats.members_added"
    case chatMembersRemoved = "chats.members_removed"
    case chatAdminGranted = "chats.admin_granted"
    case chatAdminRevoked = "chats.admin_revoked"
    case chatSettingsChanged = "chats.settings_changed"
    case chatInviteCreated = "chats.invite_created"
    case chatInviteRevoked = "chats.invite_revoked"
    /// Someone came into a chat by its invite link.
    case chatJoinedByInvite = "chats.joined_by_invite"
    case distanceLessonCreated = "lessons.distance_created"
    case distanceLessonRenamed = "lessons.distance_renamed"
    case distanceLessonDeleted = "lessons.distance_deleted"
    /// A chat admin deleted someone else's message (moderation).
    case messageModerated = "chats.message_moderated"
    /// A call's host put someone out of the call (moderation).
    case callParticipantRemoved = "calls.participant_removed"
}

/// One line of the audit log: who did what to what, when and from where.
/// Details never hold message text, codes, tokens or phone numbers.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var id: AuditEntryID
    public var at: Date
    public var actorAccountID: AccountID?
    /// The actor's name at the time (`Смирнова О. В.`) or `cli:root@host` for the command line.
    public var actorLabel: String
    public var action: AuditAction
    public var organizationID: OrganizationID?
    public var targetType: String
    public var targetID: String
    public var clientAddress: String
    public var details: [String: String]

    public init(
        id: AuditEntryID, at: Date, actorAccountID: AccountID?, actorLabel: String, action: AuditAction,
        organizationID: OrganizationID?, targetType: String, targetID: String, clientAddress: String,
        details: [String: String]
    ) {
        self.id = id
        self.at = at
        self.actorAccountID = actorAccountID
        self.actorLabel = actorLabel
        self.action = action
        self.organizationID = organizationID
        self.targetType = targetType
        self.targetID = targetID
        self.clientAddress = clientAddress
        self.details = details
    }
}

/// A page request as the API takes it, checked.
public struct PageRequest: Sendable, Equatable {
    public var page: Int
    public var perPage: Int

    public static let allowedSizes = [10, 20, 50, 100]

    public init(page: Int = 1, perPage: Int = 20) {
        self.page = page
        self.perPage = perPage
    }

    /// `page` counts from 1; `per_page` is one of 10, 20, 50, 100.
    public static func check(page: Int?, perPage: Int?) throws(PartaError) -> PageRequest {
        let page = page ?? 1
        let perPage = perPage ?? 20
        guard page >= 1, page <= 100_000 else {
            throw PartaError.invalid("invalid_page", "The page number starts at 1.")
        }
        guard allowedSizes.contains(perPage) else {
            throw PartaError.invalid("invalid_page", "The page size is one of 10, 20, 50 or 100.")
        }
        return PageRequest(page: page, perPage: perPage)
    }

    public var offset: Int { (page - 1) * perPage }
}

/// One page of results with the total count, so clients can draw a pager.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var page: Int
    public var perPage: Int
    public var total: Int

    public init(items: [Item], page: Int, perPage: Int, total: Int) {
        self.items = items
        self.page = page
        self.perPage = perPage
        self.total = total
    }
}

extension Page: Equatable where Item: Equatable {}
