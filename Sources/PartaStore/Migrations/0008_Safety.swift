extension Migration {
    /// What the safety review asked for.
    ///
    /// `import_runs` admits one roster import per organization at a time, across nodes: a row is
    /// the running import (with a deadline after which a crashed node's row no longer counts).
    ///
    /// `roster_persons.suspended_account_id` remembers the account of a person who stopped standing
    /// (deactivated, withdrawn for good): the link is taken away — and with it the role, the chats
    /// and the rights — and given back to the same account when the person stands again.
    /// `chats.closed_at` marks a chat kept to be read, not written in (a direct chat whose other
    /// side left the organization).
    ///
    /// Names others see come from the roster or from whoever granted a role, never from what an
    /// account calls itself: an administrator's grant keeps the name the operator (or an
    /// administrator) gave — filled for existing grants from the account's name as it stands — and
    /// a direct chat keeps each side's name as the school knew it when it was opened, for after one
    /// of them left.
    static let v8Safety = Migration(version: 8, name: "safety") { d in
        [
            "ALTER TABLE organization_roles ADD COLUMN surname TEXT",
            "ALTER TABLE organization_roles ADD COLUMN given_name TEXT",
            "ALTER TABLE organization_roles ADD COLUMN patronymic TEXT",
            """
            UPDATE organization_roles SET
                surname = (SELECT a.surname FROM accounts a WHERE a.id = organization_roles.account_id),
                given_name = (SELECT a.given_name FROM accounts a WHERE a.id = organization_roles.account_id),
                patronymic = (SELECT a.patronymic FROM accounts a WHERE a.id = organization_roles.account_id)
            WHERE role = 'administrator'
            """,
            // An upload no message carries (never sent, or its messages deleted) since when:
            // housekeeping forgets it a day later, by this index, never scanning sent files.
            "ALTER TABLE attachments ADD COLUMN orphaned_at \(d.bigint)",
            """
            UPDATE attachments SET orphaned_at = created_at
            WHERE NOT EXISTS (SELECT 1 FROM message_attachments x WHERE x.attachment_id = attachments.id)
            """,
            "CREATE INDEX attachments_by_orphaned ON attachments (orphaned_at)",
            "CREATE INDEX attachments_by_sha256 ON attachments (sha256)",
            "ALTER TABLE direct_chats ADD COLUMN low_name TEXT",
            "ALTER TABLE direct_chats ADD COLUMN high_name TEXT",
            "ALTER TABLE roster_persons ADD COLUMN suspended_account_id \(d.bigint) REFERENCES accounts(id) ON DELETE SET NULL",
            "CREATE INDEX roster_persons_by_suspended ON roster_persons (suspended_account_id)",
            "ALTER TABLE chats ADD COLUMN closed_at \(d.bigint)",
            """
            CREATE TABLE import_runs (
                organization_id BIGINT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
                token TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
