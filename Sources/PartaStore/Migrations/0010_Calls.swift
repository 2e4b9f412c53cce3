extension Migration {
    /// Calls: one row per call (a distance lesson's, later a chat's or a meeting's) with its room
    /// on the media server, and one row per participant's stay, kept after the call for the
    /// statistics (calls, participants, minutes). At most one open call per distance lesson, and
    /// one present stay per account in a call.
    static let v10Calls = Migration(version: 10, name: "calls") { d in
        [
            """
            CREATE TABLE calls (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                distance_lesson_id BIGINT REFERENCES distance_lessons(id) ON DELETE SET NULL,
                lesson_id BIGINT REFERENCES lessons(id) ON DELETE SET NULL,
                chat_id BIGINT REFERENCES chats(id) ON DELETE SET NULL,
                started_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                media_server TEXT NOT NULL,
                media_room BIGINT NOT NULL,
                media_secret TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                ended_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX calls_open_distance_lesson ON calls (distance_lesson_id) WHERE ended_at IS NULL",
            "CREATE INDEX calls_open ON calls (id) WHERE ended_at IS NULL",
            "CREATE INDEX calls_by_organization ON calls (organization_id, started_at)",
            """
            CREATE TABLE call_participants (
                \(d.id),
                call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                media_token TEXT NOT NULL,
                media_participant BIGINT NOT NULL,
                joined_at BIGINT NOT NULL,
                left_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX call_participants_present ON call_participants (call_id, account_id) WHERE left_at IS NULL",
        ]
    }
}
