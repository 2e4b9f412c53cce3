extension Migration {
    /// An organization invite's token sealed with the server's sealing key (`TokenSealer`), so that
    /// its administrators can show the link and QR code again; the hash stays what a link is looked
    /// up by. NULL for invites made before this migration, or by a server without the key.
    static let v17SealedInvites = Migration(version: 17, name: "sealed invites") { _ in
        ["ALTER TABLE invites ADD COLUMN token_sealed TEXT"]
    }
}
