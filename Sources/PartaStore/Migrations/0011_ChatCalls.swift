extension Migration {
    /// Calls in chats and meetings: a call knows its chat (and meeting), whether it is audio or
    /// video, and the chat events that opened and closed it (the chat's timeline shows them).
    /// At most one open call per chat outside meetings, and one per meeting.
    static let v11ChatCalls = Migration(version: 11, name: "chat calls and meetings") { d in
        [
            """
            CREATE TABLE meetings (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                media TEXT NOT NULL,
                starts_at BIGINT NOT NULL,
                ends_at BIGINT NOT NULL,
                created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                created_at BIGINT NOT NULL,
                cancelled_at BIGINT
            )
            """,
            "CREATE INDEX meetings_by_chat ON meetings (chat_id, starts_at)",
            "ALTER TABLE calls ADD COLUMN meeting_id BIGINT REFERENCES meetings(id) ON DELETE SET NULL",
            "ALTER TABLE calls ADD COLUMN media TEXT NOT NULL DEFAULT 'video'",
            "ALTER TABLE calls ADD COLUMN started_seq BIGINT",
            "ALTER TABLE calls ADD COLUMN ended_seq BIGINT",
            "CREATE UNIQUE INDEX calls_open_chat ON calls (chat_id) WHERE ended_at IS NULL AND kind = 'chat'",
            "CREATE UNIQUE INDEX calls_open_meeting ON calls (meeting_id) WHERE ended_at IS NULL",
            "CREATE INDEX calls_by_chat ON calls (chat_id, id)",
        ]
    }
}
