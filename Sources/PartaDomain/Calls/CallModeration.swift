/// How someone takes part in a call, fixed when they enter it.
public enum CallRole: String, Sendable, Codable, CaseIterable {
    /// Leads it: a distance lesson's teacher; in a chat, whoever started the call or planned its
    /// meeting and the chat's admins. Mutes everyone, removes people, shares the screen.
    case host
    /// A student of a distance lesson.
    case student
    /// An administrator watching a distance lesson: sees and hears, is not seen.
    case observer
    /// Anyone else in a chat's call.
    case member

    /// Sends camera and microphone.
    public var publishes: Bool { self != .observer }
}

/// What one does inside a running call.
public enum CallControl: String, Sendable, CaseIterable {
    /// See who is in it (names from the school, roles, raised hands).
    case seeState = "see_state"
    case raiseHand = "raise_hand"
    case muteAll = "mute_all"
    /// Put someone out of the call; they do not come back into it.
    case remove
    case shareScreen = "share_screen"
}

/// The rules inside a call (SPEC §7): everyone present sees who is there; those who publish raise
/// their hand; the host mutes everyone, removes anyone but another host or an observer, and shares
/// the screen.
public enum CallModeration {
    public static func decide(_ control: CallControl, role: CallRole, target: CallRole? = nil) -> Decision {
        switch control {
        case .seeState:
            return .allowed
        case .raiseHand:
            return role.publishes ? .allowed : .denied("Observers watch the call; they do not raise hands.")
        case .muteAll, .shareScreen:
            return role == .host ? .allowed : .denied("Only the call's host does this.")
        case .remove:
            guard role == .host else { return .denied("Only the call's host removes people from it.") }
            switch target {
            case .host: return .denied("A host is not removed from the call.")
            // The school's administrator watching a lesson is its safeguard: a teacher does not send them away.
            case .observer: return .denied("An observer is not removed from the call.")
            default: return .allowed
            }
        }
    }

    /// Whether `viewer` sees `person` listed in the call: observers are shown to hosts only (and
    /// to themselves).
    public static func lists(_ person: CallRole, to viewer: CallRole, isSelf: Bool) -> Bool {
        person != .observer || viewer == .host || isSelf
    }

    /// Participant ids the server gives entries: below 2^52, so that each one's screen feed
    /// (`screenFeed(of:)`) is an id no entry has, and both stay exact in a browser's numbers.
    public static let participantIDs: ClosedRange<Int64> = 1...((1 << 52) - 1)

    /// The id a host's shared screen joins the room with: known to the server, so the others'
    /// pages name it and the server puts it out with its host.
    public static func screenFeed(of participant: Int64) -> Int64 { participant + (1 << 52) }

    /// The role of someone entering a chat's call: host when they administer the chat, started
    /// the call or planned its meeting.
    public static func chatRole(isChatAdmin: Bool, isOrganizer: Bool) -> CallRole {
        isChatAdmin || isOrganizer ? .host : .member
    }
}
