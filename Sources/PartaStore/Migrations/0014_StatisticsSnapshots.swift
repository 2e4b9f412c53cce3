extension Migration {
    /// Weekly statistics snapshots: a row per week (claimed by one node until a deadline, then
    /// done) and each organization's figures of that week, with its municipality and region so
    /// roll-ups are sums of rows.
    static let v14StatisticsSnapshots = Migration(version: 14, name: "statistics snapshots") { _ in
        [
            """
            CREATE TABLE statistics_weeks (
                week TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                token TEXT NOT NULL,
                claimed_until BIGINT NOT NULL,
                as_of BIGINT NOT NULL,
                taken_at BIGINT
            )
            """,
            """
            CREATE TABLE statistics_figures (
                week TEXT NOT NULL REFERENCES statistics_weeks(week) ON DELETE CASCADE,
                organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                municipality_id BIGINT NOT NULL,
                region_id BIGINT NOT NULL,
                figures TEXT NOT NULL,
                PRIMARY KEY (week, organization_id)
            )
            """,
            "CREATE INDEX statistics_figures_by_municipality ON statistics_figures (week, municipality_id)",
            "CREATE INDEX statistics_figures_by_region ON statistics_figures (week, region_id)",
        ]
    }
}
