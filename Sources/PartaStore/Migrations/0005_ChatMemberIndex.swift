extension Migration {
    /// An index on a chat's members. The unique indexes of version 4 are partial (person rows,
    /// account rows), so neither engine may use them for `chat_id IN (…)` alone: loading the
    /// members of a transfer's thirty chats, counting a chat's members and paging them scanned the
    /// whole table (3.6 of a transfer's 12 ms on a 2,000-student school).
    static let v5ChatMemberIndex = Migration(version: 5, name: "chat member index") { _ in
        ["CREATE INDEX chat_members_by_chat ON chat_members (chat_id)"]
    }
}
