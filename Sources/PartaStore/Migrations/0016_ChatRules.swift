extension Migration {
    /// Chats that follow a rule (`chats.rule`, `ChatRule.storageKey`; NULL for the others), and the
    /// roster facts rules read: a member of staff's position, a parent's seat on the parents'
    /// committee, a student's on the student council.
    static let v16ChatRules = Migration(version: 16, name: "chat rules") { d in
        [
            "ALTER TABLE chats ADD COLUMN rule TEXT",
            "ALTER TABLE roster_persons ADD COLUMN position TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE roster_persons ADD COLUMN parents_committee \(d.bool) NOT NULL DEFAULT FALSE",
            "ALTER TABLE roster_persons ADD COLUMN student_council \(d.bool) NOT NULL DEFAULT FALSE",
            "CREATE INDEX chats_with_rules ON chats (organization_id) WHERE rule IS NOT NULL",
        ]
    }
}
