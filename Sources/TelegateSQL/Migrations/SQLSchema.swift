import Foundation

/// The schema, as numbered migrations written once for both engines, with ``SQLSchemaSyntax`` where their DDL
/// differs (`INTEGER`/`BIGINT` times and ids, `INTEGER`/`BOOLEAN` flags, `BLOB`/`BYTEA` hashes, the audit
/// sequence). JSON documents stay `TEXT` so they round-trip byte for byte. A migration is never edited once released
/// in a way that changes what it makes of a database; changes are new ones.
package enum SQLSchema {
    /// One step of the schema: statements applied together, recorded under `version`.
    package struct Migration: Sendable {
        package let version: Int
        package let statements: [SQL]
    }

    /// Every migration, in the order they apply.
    package static let migrations: [Migration] = [
        Migration(
            version: 1,
            statements: [
                """
                CREATE TABLE apps (
                    id TEXT PRIMARY KEY,
                    settings TEXT NOT NULL,
                    created_at \(schema: .bigint) NOT NULL,
                    updated_at \(schema: .bigint) NOT NULL
                )
                """,
                """
                CREATE TABLE bots (
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    bot_id \(schema: .bigint) NOT NULL,
                    label TEXT,
                    is_default \(schema: .boolean) NOT NULL DEFAULT \(schema: .false),
                    mode TEXT NOT NULL CHECK (mode IN ('token', 'third_party')),
                    environment TEXT,
                    sealed_keys TEXT,
                    token_reference TEXT,
                    token_fingerprint TEXT,
                    token_last_four TEXT,
                    oidc_algorithms TEXT NOT NULL,
                    require_nonce \(schema: .boolean) NOT NULL DEFAULT \(schema: .false),
                    PRIMARY KEY (app_id, bot_id)
                )
                """,
                """
                CREATE TABLE adapters (
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    is_default \(schema: .boolean) NOT NULL DEFAULT \(schema: .false),
                    config TEXT NOT NULL,
                    sealed_secrets TEXT,
                    PRIMARY KEY (app_id, name)
                )
                """,
                """
                CREATE TABLE config_revision (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision \(schema: .bigint) NOT NULL
                )
                """,
                "INSERT INTO config_revision (id, revision) VALUES (1, 0)",
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    telegram_id \(schema: .bigint) NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
                    first_name TEXT NOT NULL,
                    last_name TEXT,
                    username TEXT,
                    photo_url TEXT,
                    language_code TEXT,
                    is_premium \(schema: .boolean) NOT NULL,
                    profile_auth_date \(schema: .bigint) NOT NULL,
                    created_at \(schema: .bigint) NOT NULL,
                    updated_at \(schema: .bigint) NOT NULL,
                    sessions_revoked_at \(schema: .bigint),
                    UNIQUE (app_id, telegram_id)
                )
                """,
                "CREATE INDEX users_by_username ON users (app_id, username)",
                """
                CREATE TABLE provider_links (
                    app_id TEXT NOT NULL,
                    adapter TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    state TEXT NOT NULL CHECK (state IN ('creating', 'linked')),
                    external_id TEXT,
                    synced_profile_digest TEXT,
                    updated_at \(schema: .bigint) NOT NULL,
                    PRIMARY KEY (app_id, adapter, user_id)
                )
                """,
                """
                CREATE TABLE signing_keys (
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    kid TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')),
                    sealed_private_key TEXT NOT NULL,
                    public_jwk TEXT NOT NULL,
                    created_at \(schema: .bigint) NOT NULL,
                    expires_at \(schema: .bigint),
                    PRIMARY KEY (app_id, kid)
                )
                """,
                "CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (app_id, algorithm) WHERE state = 'active'",
                "CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (app_id, algorithm) WHERE state = 'next'",
                """
                CREATE TABLE refresh_families (
                    id TEXT PRIMARY KEY,
                    app_id TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    adapter TEXT NOT NULL,
                    created_at \(schema: .bigint) NOT NULL,
                    expires_at \(schema: .bigint) NOT NULL,
                    revoked_at \(schema: .bigint),
                    revoke_reason TEXT
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX refresh_families_by_user ON refresh_families (user_id)",
                "CREATE INDEX refresh_families_by_expiry ON refresh_families (expires_at)",
                """
                CREATE TABLE refresh_tokens (
                    family_id TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,
                    hash \(schema: .bytes) NOT NULL,
                    generation INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('active', 'rotated')),
                    created_at \(schema: .bigint) NOT NULL,
                    expires_at \(schema: .bigint) NOT NULL,
                    rotated_at \(schema: .bigint),
                    PRIMARY KEY (family_id, hash)
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at)",
                """
                CREATE TABLE audit_events (
                    sequence \(schema: .serialPrimaryKey),
                    at \(schema: .bigint) NOT NULL,
                    app_id TEXT,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT,
                    outcome TEXT NOT NULL,
                    details TEXT NOT NULL,
                    request_id TEXT
                )
                """,
                "CREATE INDEX audit_events_by_app ON audit_events (app_id, sequence)",
            ]),
        Migration(
            version: 2,
            statements: [
                """
                CREATE TABLE admin_tokens (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    app_id TEXT,
                    read_only \(schema: .boolean) NOT NULL,
                    hash \(schema: .bytes) NOT NULL UNIQUE,
                    created_at \(schema: .bigint) NOT NULL,
                    revoked_at \(schema: .bigint)
                )
                """,
                "CREATE UNIQUE INDEX admin_tokens_live_name ON admin_tokens (name) WHERE revoked_at IS NULL",
                "CREATE INDEX users_by_app_created ON users (app_id, created_at)",
            ]),
        // A rotated refresh token may be presented once more within the grace window; this marks that use spent.
        Migration(
            version: 3,
            statements: [
                "ALTER TABLE refresh_tokens ADD COLUMN grace_used \(schema: .boolean) NOT NULL DEFAULT \(schema: .false)"
            ]),
        // Profiles field by field: the Mini App's allows_write_to_pm, and the last recorded login.
        Migration(
            version: 4,
            statements: [
                "ALTER TABLE users ADD COLUMN allows_write_to_pm \(schema: .boolean) NOT NULL DEFAULT \(schema: .false)",
                "ALTER TABLE users ADD COLUMN last_login_at \(schema: .bigint)",
                "ALTER TABLE users ADD COLUMN last_proof TEXT",
            ]),
        // The engines' schemas made equal: a user's links by user (a PostgreSQL database already has this index
        // from its first migration).
        Migration(
            version: 5,
            statements: ["CREATE INDEX IF NOT EXISTS provider_links_by_user ON provider_links (user_id)"]),
        // The OAuth clients of the apps' OpenID Providers: the spec as its file spelling, the secret as a digest.
        Migration(
            version: 6,
            statements: [
                """
                CREATE TABLE oauth_clients (
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    spec TEXT NOT NULL,
                    secret_digest \(schema: .bytes),
                    created_at \(schema: .bigint) NOT NULL,
                    updated_at \(schema: .bigint) NOT NULL,
                    PRIMARY KEY (app_id, client_id)
                )
                """
            ]),
        // The OpenID Provider's authorization codes: only their SHA-256, single use, bound to the request they answer.
        Migration(
            version: 7,
            statements: [
                """
                CREATE TABLE authorization_codes (
                    app_id TEXT NOT NULL,
                    hash \(schema: .bytes) NOT NULL,
                    client_id TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    auth_time \(schema: .bigint) NOT NULL,
                    proof TEXT NOT NULL,
                    redirect_uri TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    nonce TEXT,
                    code_challenge TEXT,
                    session_id TEXT,
                    expires_at \(schema: .bigint) NOT NULL,
                    redeemed_at \(schema: .bigint),
                    grant_id TEXT,
                    PRIMARY KEY (app_id, hash)
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at)",
                "CREATE INDEX authorization_codes_by_user ON authorization_codes (user_id)",
            ]),
        // The OpenID Provider's browser sessions (only the SHA-256 of the cookie's id) and remembered consents.
        Migration(
            version: 8,
            statements: [
                """
                CREATE TABLE browser_sessions (
                    app_id TEXT NOT NULL,
                    hash \(schema: .bytes) NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    auth_time \(schema: .bigint) NOT NULL,
                    proof TEXT NOT NULL,
                    created_at \(schema: .bigint) NOT NULL,
                    last_seen_at \(schema: .bigint) NOT NULL,
                    expires_at \(schema: .bigint) NOT NULL,
                    revoked_at \(schema: .bigint),
                    PRIMARY KEY (app_id, hash)
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX browser_sessions_by_expiry ON browser_sessions (expires_at)",
                "CREATE INDEX browser_sessions_by_user ON browser_sessions (user_id)",
                """
                CREATE TABLE consents (
                    app_id TEXT NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    client_id TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    granted_at \(schema: .bigint) NOT NULL,
                    PRIMARY KEY (app_id, user_id, client_id)
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX consents_by_user ON consents (user_id)",
            ]),
        // OpenID Provider grants: a refresh-token family issued at the token endpoint records its client, its scopes
        // and the user's authentication time.
        Migration(
            version: 9,
            statements: [
                "ALTER TABLE refresh_families ADD COLUMN client_id TEXT",
                "ALTER TABLE refresh_families ADD COLUMN scope TEXT",
                "ALTER TABLE refresh_families ADD COLUMN auth_time \(schema: .bigint)",
            ]),
        // A bot's Telegram Login (OIDC) client secret, sealed, for the hosted login page's code flow with Telegram.
        Migration(
            version: 10,
            statements: [
                "ALTER TABLE bots ADD COLUMN oidc_client_secret_reference TEXT",
                "ALTER TABLE bots ADD COLUMN sealed_oidc_client_secret TEXT",
                "ALTER TABLE bots ADD COLUMN oidc_client_secret_fingerprint TEXT",
            ]),
        // A bot's @username, for the Login Widget on the hosted login page.
        Migration(version: 11, statements: ["ALTER TABLE bots ADD COLUMN username TEXT"]),
        // Events and webhooks: the outbox each change appends to in its own transaction, the apps' webhook endpoints
        // (configuration rows) with the event types they subscribe to, and one delivery row per (endpoint, event).
        Migration(
            version: 12,
            statements: [
                """
                CREATE TABLE events (
                    seq \(schema: .serialPrimaryKey),
                    id TEXT NOT NULL UNIQUE,
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    user_id TEXT,
                    type TEXT NOT NULL,
                    data TEXT NOT NULL,
                    occurred_at \(schema: .bigint) NOT NULL
                )
                """,
                "CREATE INDEX events_by_app ON events (app_id, seq)",
                """
                CREATE TABLE webhook_endpoints (
                    id TEXT PRIMARY KEY,
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    url TEXT NOT NULL,
                    allow_insecure_loopback \(schema: .boolean) NOT NULL DEFAULT \(schema: .false),
                    allow_private_networks \(schema: .boolean) NOT NULL DEFAULT \(schema: .false),
                    sealed_secret TEXT NOT NULL,
                    secret_fingerprint TEXT NOT NULL,
                    secret_reference TEXT,
                    previous_sealed_secret TEXT,
                    previous_secret_expires_at \(schema: .bigint),
                    description TEXT,
                    disabled_at \(schema: .bigint),
                    disabled_reason TEXT,
                    created_at \(schema: .bigint) NOT NULL,
                    updated_at \(schema: .bigint) NOT NULL
                )
                """,
                "CREATE INDEX webhook_endpoints_by_app ON webhook_endpoints (app_id)",
                """
                CREATE TABLE webhook_subscriptions (
                    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                    event_type TEXT NOT NULL,
                    PRIMARY KEY (endpoint_id, event_type)
                )\(schema: .withoutRowID)
                """,
                """
                CREATE TABLE webhook_deliveries (
                    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                    event_seq \(schema: .bigint) NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
                    event_id TEXT NOT NULL,
                    app_id TEXT NOT NULL,
                    user_id TEXT,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at \(schema: .bigint) NOT NULL,
                    claimed_until \(schema: .bigint),
                    last_status INTEGER,
                    last_error TEXT,
                    delivered_at \(schema: .bigint),
                    created_at \(schema: .bigint) NOT NULL,
                    PRIMARY KEY (endpoint_id, event_seq)
                )\(schema: .withoutRowID)
                """,
                "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
                "CREATE INDEX webhook_deliveries_by_user ON webhook_deliveries (endpoint_id, user_id, event_seq)",
            ]),
        // Bot messages: where each bot's Bot API calls go, its token sealed so it can send, the bot each user last
        // logged in with (it sends their messages), the users Telegram refused to reach, the durable message queue, and
        // admin tokens limited to a permission (messages:send).
        Migration(
            version: 13,
            statements: [
                "ALTER TABLE bots ADD COLUMN api_url TEXT",
                "ALTER TABLE bots ADD COLUMN api_allow_insecure_loopback \(schema: .boolean) NOT NULL DEFAULT \(schema: .false)",
                "ALTER TABLE bots ADD COLUMN api_allow_private_networks \(schema: .boolean) NOT NULL DEFAULT \(schema: .false)",
                "ALTER TABLE bots ADD COLUMN sealed_token TEXT",
                "ALTER TABLE users ADD COLUMN unreachable_at \(schema: .bigint)",
                "ALTER TABLE users ADD COLUMN last_bot_id \(schema: .bigint)",
                "ALTER TABLE admin_tokens ADD COLUMN permissions TEXT",
                """
                CREATE TABLE bot_messages (
                    id TEXT PRIMARY KEY,
                    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    bot_id \(schema: .bigint),
                    chat_id \(schema: .bigint) NOT NULL,
                    request TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at \(schema: .bigint) NOT NULL,
                    claimed_until \(schema: .bigint),
                    telegram_message_id \(schema: .bigint),
                    error TEXT,
                    created_at \(schema: .bigint) NOT NULL,
                    sent_at \(schema: .bigint)
                )
                """,
                "CREATE INDEX bot_messages_due ON bot_messages (status, next_attempt_at)",
                "CREATE INDEX bot_messages_by_user ON bot_messages (user_id)",
            ]),
        // Webhook claims whose cost does not grow with the deliveries already made: partial indexes over pending
        // deliveries only, per endpoint — first attempts in outbox order, retries by when they are due, and the per-user
        // order check.
        Migration(
            version: 14,
            statements: [
                "DROP INDEX webhook_deliveries_due",
                "DROP INDEX webhook_deliveries_by_user",
                """
                CREATE INDEX webhook_deliveries_first_attempts ON webhook_deliveries (endpoint_id, event_seq)
                WHERE status = 'pending' AND attempts = 0
                """,
                """
                CREATE INDEX webhook_deliveries_retries ON webhook_deliveries (endpoint_id, next_attempt_at)
                WHERE status = 'pending' AND attempts > 0
                """,
                """
                CREATE INDEX webhook_deliveries_pending_by_user ON webhook_deliveries (endpoint_id, user_id, event_seq)
                WHERE status = 'pending'
                """,
            ]),
        // Event retention: pruning a settled event finds (and deletes, ON DELETE CASCADE) its deliveries by event.
        Migration(
            version: 15,
            statements: ["CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq, status)"]),
        // A user's history: the events about one user of an app, newest first, a page at a time.
        Migration(
            version: 16,
            statements: ["CREATE INDEX events_by_user ON events (app_id, user_id, seq)"]),
        // Fan-out after commit where commits follow sequence order (SQLite): each endpoint's cursor, the last event
        // whose deliveries to it are written. Existing endpoints already have theirs up to the newest event. The
        // fan-out reads new events by their key, so nothing needs events by app and sequence number any more: one
        // index fewer for every event written.
        Migration(
            version: 17,
            statements: [
                "ALTER TABLE webhook_endpoints ADD COLUMN fanned_out_seq \(schema: .bigint)",
                "UPDATE webhook_endpoints SET fanned_out_seq = \(schema: .fanOutCursorStart)",
                "DROP INDEX events_by_app",
            ]),
    ]

    /// Applies the migrations `session` has not recorded yet, in order and inside the caller's transaction, and
    /// returns their versions.
    package static func migrate(_ session: any SQLSession) async throws -> [Int] {
        try await session.query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at \(schema: .bigint) NOT NULL)")
        let applied = Set(try await session.query("SELECT version FROM schema_migrations").compactMap { $0.integer(0) })
        var done: [Int] = []
        for migration in migrations where !applied.contains(Int64(migration.version)) {
            for statement in migration.statements { try await session.query(statement) }
            let now = Int64(Date().timeIntervalSince1970)
            try await session.query(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (\(migration.version), \(now))")
            done.append(migration.version)
        }
        return done
    }
}
