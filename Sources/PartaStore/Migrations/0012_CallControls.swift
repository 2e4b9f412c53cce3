extension Migration {
    /// Inside a call: a participant's raised hand, a removal by the host (who then does not come
    /// back into that call), and the moment the host last muted everyone.
    static let v12CallControls = Migration(version: 12, name: "call controls") { _ in
        [
            "ALTER TABLE call_participants ADD COLUMN hand_raised_at BIGINT",
            "ALTER TABLE call_participants ADD COLUMN removed_at BIGINT",
            "ALTER TABLE calls ADD COLUMN muted_all_at BIGINT",
        ]
    }
}
