extension Migration {
    /// Direct chats and attachments.
    ///
    /// A direct chat is a chat of kind `direct` with two account members; `direct_chats` makes the
    /// pair unique in an organization (the lower account id first), so opening it again finds it.
    ///
    /// An attachment is a file uploaded by an account, stored once per content in the data
    /// directory under its SHA-256; a message refers to its attachments (`message_attachments`,
    /// which decides who may download: members of a chat where it was sent) and keeps their
    /// names, sizes and types as JSON for display (`messages.attachments`).
    static let v7DirectChatsAttachments = Migration(version: 7, name: "direct chats and attachments") { d in
        [
            """
            CREATE TABLE direct_chats (
                chat_id BIGINT PRIMARY KEY REFERENCES chats(id) ON DELETE CASCADE,
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                account_low BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                account_high BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE
            )
            """,
            "CREATE UNIQUE INDEX direct_chats_pair ON direct_chats (organization_id, account_low, account_high)",
            """
            CREATE TABLE attachments (
                \(d.id),
                sha256 TEXT NOT NULL,
                size BIGINT NOT NULL,
                content_type TEXT NOT NULL,
                name TEXT NOT NULL,
                uploaded_by BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX attachments_by_uploader ON attachments (uploaded_by, created_at)",
            """
            CREATE TABLE message_attachments (
                message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                PRIMARY KEY (message_id, attachment_id)
            )
            """,
            "CREATE INDEX message_attachments_by_attachment ON message_attachments (attachment_id, chat_id)",
            "ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]'",
        ]
    }
}
