extension Migration {
    /// What the safety review asked for.
    ///
    /// `import_runs` admits one roster import per organization at a time, across nodes: a row is
    /// the running import (with a deadline after which a crashed node's row no longer counts).
    static let v8Safety = Migration(version: 8, name: "safety") { _ in
        [
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
