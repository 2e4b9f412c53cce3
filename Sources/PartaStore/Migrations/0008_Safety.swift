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
    static let v8Safety = Migration(version: 8, name: "safety") { d in
        [
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
