extension Migration {
    /// Statistics read a week of activity per organization: messages (chat events) and reads by
    /// time, so a snapshot's cost follows the week's activity, not the whole history.
    static let v13StatisticsIndexes = Migration(version: 13, name: "statistics indexes") { _ in
        [
            "CREATE INDEX chat_events_by_organization_time ON chat_events (organization_id, at)",
            "CREATE INDEX chat_reads_by_time ON chat_reads (at)",
            "CREATE INDEX join_requests_by_decision ON join_requests (organization_id, decided_at)",
            "CREATE INDEX invites_by_creation ON invites (organization_id, created_at)",
        ]
    }
}
