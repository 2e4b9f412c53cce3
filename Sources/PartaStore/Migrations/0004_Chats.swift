extension Migration {
    /// Chats and their members with provenance (roster, by hand, or both), the per-chat event log
    /// with its sequence, and the date up to which dated roster changes reached the chats.
    ///
    /// A member row is a roster person (`person_id`, with `account_id` mirroring the person's link,
    /// NULL while pending) or an account with no roster person (`person_id` NULL). A deleted chat
    /// keeps its row (`deleted_at`) so that the roster does not bring back a chat a person deleted;
    /// its members go at once.
    static let v4Chats = Migration(version: 4, name: "chats") { d in
        [
            """
            CREATE TABLE chats (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                search_name TEXT NOT NULL,
                name_edited \(d.bool) NOT NULL,
                roster_key TEXT,
                class_id BIGINT REFERENCES classes(id) ON DELETE SET NULL,
                subject_id BIGINT REFERENCES subjects(id) ON DELETE SET NULL,
                group_name TEXT NOT NULL,
                school_year_id BIGINT REFERENCES school_years(id) ON DELETE SET NULL,
                created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                deleted_at BIGINT,
                last_seq BIGINT NOT NULL
            )
            """,
            """
            CREATE UNIQUE INDEX chats_live_roster_key ON chats (organization_id, roster_key)
            WHERE deleted_at IS NULL AND roster_key IS NOT NULL
            """,
            "CREATE INDEX chats_by_organization ON chats (organization_id, search_name)",
            "CREATE INDEX chats_by_class ON chats (class_id)",
            """
            CREATE TABLE chat_members (
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                person_id BIGINT REFERENCES roster_persons(id) ON DELETE CASCADE,
                account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
                via_roster \(d.bool) NOT NULL,
                via_hand \(d.bool) NOT NULL,
                admin TEXT NOT NULL,
                added_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX chat_members_person ON chat_members (chat_id, person_id) WHERE person_id IS NOT NULL",
            "CREATE UNIQUE INDEX chat_members_account ON chat_members (chat_id, account_id) WHERE person_id IS NULL",
            "CREATE INDEX chat_members_by_person ON chat_members (person_id)",
            "CREATE INDEX chat_members_by_account ON chat_members (account_id)",
            // People a person removed from a chat: the roster does not bring them back.
            """
            CREATE TABLE chat_exclusions (
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                person_id BIGINT REFERENCES roster_persons(id) ON DELETE CASCADE,
                account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
                excluded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX chat_exclusions_by_chat ON chat_exclusions (chat_id)",
            // No foreign key to chats: a deleted chat's last event ("deleted") outlives it.
            """
            CREATE TABLE chat_events (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                chat_id BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                UNIQUE (chat_id, seq)
            )
            """,
            "CREATE INDEX chat_events_by_organization ON chat_events (organization_id, id)",
            """
            CREATE TABLE chat_sync (
                organization_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
                synced_on TEXT NOT NULL
            )
            """,
        ]
    }
}
