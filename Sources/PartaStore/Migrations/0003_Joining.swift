extension Migration {
    /// Invites and join requests. An invite's token is stored only as a hash; uses are counted
    /// on the row so that redemption is one conditional update. At most one pending request per
    /// person, organization and role, held by a partial unique index on both engines.
    static let v3Joining = Migration(version: 3, name: "joining") { d in
        [
            """
            CREATE TABLE invites (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                class_id BIGINT REFERENCES classes(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                note TEXT NOT NULL,
                created_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                max_uses INTEGER,
                use_count INTEGER NOT NULL DEFAULT 0,
                revoked_at BIGINT
            )
            """,
            "CREATE INDEX invites_by_organization ON invites (organization_id, id)",
            """
            CREATE TABLE join_requests (
                \(d.id),
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                class_id BIGINT REFERENCES classes(id) ON DELETE SET NULL,
                surname TEXT NOT NULL,
                given_name TEXT NOT NULL,
                patronymic TEXT NOT NULL,
                birth_date TEXT,
                child_surname TEXT,
                child_given_name TEXT,
                child_patronymic TEXT,
                message TEXT NOT NULL,
                invite_id BIGINT REFERENCES invites(id) ON DELETE SET NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                decided_at BIGINT,
                decided_by BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
                reason TEXT NOT NULL DEFAULT '',
                person_id BIGINT REFERENCES roster_persons(id) ON DELETE SET NULL
            )
            """,
            """
            CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (organization_id, account_id, role)
            WHERE status = 'pending'
            """,
            "CREATE INDEX join_requests_queue ON join_requests (organization_id, status, id)",
            "CREATE INDEX join_requests_by_account ON join_requests (account_id, id)",
        ]
    }
}
