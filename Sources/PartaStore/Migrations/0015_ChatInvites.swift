extension Migration {
    /// Chat invite links. Unlike an organization invite (which lets a stranger apply, and is
    /// stored only as a hash), a chat invite's token is kept so that the chat's managers can show
    /// the link and its QR code again: alone it grants nothing — only people already in the
    /// organization, in an invited role, join through it (docs/architecture.md). Uses are counted
    /// on the row, so that a use is one conditional update; a member who came by a link keeps
    /// its id in `chat_members.via_invite`.
    static let v15ChatInvites = Migration(version: 15, name: "chat invites") { d in
        [
            """
            CREATE TABLE chat_invites (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                token TEXT NOT NULL UNIQUE,
                audiences TEXT NOT NULL,
                created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                max_uses INTEGER,
                use_count INTEGER NOT NULL DEFAULT 0,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX chat_invites_by_chat ON chat_invites (chat_id, id)",
            "ALTER TABLE chat_members ADD COLUMN via_invite BIGINT",
        ]
    }
}
