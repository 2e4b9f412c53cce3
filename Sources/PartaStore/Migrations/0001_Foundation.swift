extension Migration {
    /// Accounts, sessions, sign-in codes, the directory, roles and the audit log.
    static let v1Foundation = Migration(version: 1, name: "foundation") { d in
        [
            """
            CREATE TABLE accounts (
                \(d.id),
                phone TEXT NOT NULL UNIQUE,
                surname TEXT NOT NULL DEFAULT '',
                given_name TEXT NOT NULL DEFAULT '',
                patronymic TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL,
                first_sign_in_at BIGINT,
                last_sign_in_at BIGINT
            )
            """,
            """
            CREATE TABLE sessions (
                \(d.id),
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                device_name TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                client_address TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sessions_by_account ON sessions (account_id)",
            // One row per code sent: the newest row of a phone is its only valid code, and the
            // rows of the last day are the history the rate limits look at.
            """
            CREATE TABLE sign_in_codes (
                \(d.id),
                phone TEXT NOT NULL,
                client_address TEXT NOT NULL,
                code_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                used_at BIGINT
            )
            """,
            "CREATE INDEX sign_in_codes_by_phone ON sign_in_codes (phone, created_at)",
            "CREATE INDEX sign_in_codes_by_address ON sign_in_codes (client_address, created_at)",
            """
            CREATE TABLE regions (
                \(d.id),
                name TEXT NOT NULL,
                search_name TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE municipalities (
                \(d.id),
                region_id BIGINT NOT NULL REFERENCES regions(id),
                name TEXT NOT NULL,
                search_name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (region_id, search_name)
            )
            """,
            """
            CREATE TABLE organizations (
                \(d.id),
                municipality_id BIGINT NOT NULL REFERENCES municipalities(id),
                kind TEXT NOT NULL,
                full_name TEXT NOT NULL,
                short_name TEXT NOT NULL,
                address TEXT NOT NULL DEFAULT '',
                contact_phone TEXT NOT NULL DEFAULT '',
                email TEXT NOT NULL DEFAULT '',
                website TEXT NOT NULL DEFAULT '',
                time_zone TEXT NOT NULL,
                community_id TEXT NOT NULL UNIQUE,
                search_text TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX organizations_by_municipality ON organizations (municipality_id)",
            """
            CREATE TABLE organization_roles (
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                verified \(d.bool) NOT NULL,
                granted_at BIGINT NOT NULL,
                PRIMARY KEY (organization_id, account_id, role)
            )
            """,
            "CREATE INDEX organization_roles_by_account ON organization_roles (account_id)",
            "CREATE INDEX organization_roles_by_role ON organization_roles (organization_id, role)",
            // scope_id is the region or municipality of an officer, 0 for operators, so that
            // the unique key works (NULLs would never collide).
            """
            CREATE TABLE platform_roles (
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                scope_id BIGINT NOT NULL,
                granted_at BIGINT NOT NULL,
                PRIMARY KEY (account_id, role, scope_id)
            )
            """,
            """
            CREATE TABLE audit_log (
                \(d.id),
                at BIGINT NOT NULL,
                actor_account_id BIGINT,
                actor_label TEXT NOT NULL,
                action TEXT NOT NULL,
                organization_id BIGINT,
                target_type TEXT NOT NULL,
                target_id TEXT NOT NULL,
                client_address TEXT NOT NULL,
                details TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_log_by_organization ON audit_log (organization_id, id)",
        ]
    }
}
