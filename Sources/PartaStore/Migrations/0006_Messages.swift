extension Migration {
    /// Messages and read markers.
    ///
    /// A message's `seq` is the chat event that created it (`chat_events`, kind `message`): one
    /// sequence per chat orders messages and membership changes alike. Edits and deletions are
    /// later events naming that `seq`; the row keeps only the current text (a deleted message's
    /// text is erased). `(sender_id, client_id)` makes a resend return the first message.
    static let v6Messages = Migration(version: 6, name: "messages") { d in
        [
            "ALTER TABLE chats ADD COLUMN announcements_only \(d.bool) NOT NULL DEFAULT FALSE",
            "ALTER TABLE chats ADD COLUMN read_receipts \(d.bool) NOT NULL DEFAULT FALSE",
            """
            CREATE TABLE messages (
                \(d.id),
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                sender_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                client_id TEXT NOT NULL,
                text TEXT NOT NULL,
                reply_to BIGINT,
                created_at BIGINT NOT NULL,
                edited_at BIGINT,
                deleted_at BIGINT,
                deleted_by BIGINT,
                UNIQUE (chat_id, seq)
            )
            """,
            "CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_id)",
            """
            CREATE TABLE chat_reads (
                chat_id BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                seq BIGINT NOT NULL,
                at BIGINT NOT NULL,
                PRIMARY KEY (chat_id, account_id)
            )
            """,
        ]
    }
}
