/// The SQLite schema, as numbered migrations. A migration is never edited once released; changes are new ones.
enum SQLiteSchema {
    static let migrations: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE TABLE apps (
                id TEXT PRIMARY KEY,
                settings TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE bots (
                app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                bot_id INTEGER NOT NULL,
                label TEXT,
                is_default INTEGER NOT NULL DEFAULT 0,
                mode TEXT NOT NULL CHECK (mode IN ('token', 'third_party')),
                environment TEXT,
                sealed_keys TEXT,
                token_reference TEXT,
                token_fingerprint TEXT,
                token_last_four TEXT,
                oidc_algorithms TEXT NOT NULL,
                require_nonce INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (app_id, bot_id)
            );
            CREATE TABLE adapters (
                app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                is_default INTEGER NOT NULL DEFAULT 0,
                config TEXT NOT NULL,
                sealed_secrets TEXT,
                PRIMARY KEY (app_id, name)
            );
            CREATE TABLE config_revision (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                revision INTEGER NOT NULL
            );
            INSERT INTO config_revision (id, revision) VALUES (1, 0);
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                telegram_id INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
                first_name TEXT NOT NULL,
                last_name TEXT,
                username TEXT,
                photo_url TEXT,
                language_code TEXT,
                is_premium INTEGER NOT NULL,
                profile_auth_date INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                sessions_revoked_at INTEGER,
                UNIQUE (app_id, telegram_id)
            );
            CREATE INDEX users_by_username ON users (app_id, username);
            CREATE TABLE provider_links (
                app_id TEXT NOT NULL,
                adapter TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                state TEXT NOT NULL CHECK (state IN ('creating', 'linked')),
                external_id TEXT,
                synced_profile_digest TEXT,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (app_id, adapter, user_id)
            );
            CREATE TABLE signing_keys (
                app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                kid TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('next', 'active', 'retired')),
                sealed_private_key TEXT NOT NULL,
                public_jwk TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                PRIMARY KEY (app_id, kid)
            );
            CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (app_id, algorithm) WHERE state = 'active';
            CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (app_id, algorithm) WHERE state = 'next';
            CREATE TABLE refresh_families (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                adapter TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked_at INTEGER,
                revoke_reason TEXT
            ) WITHOUT ROWID;
            CREATE INDEX refresh_families_by_user ON refresh_families (user_id);
            CREATE INDEX refresh_families_by_expiry ON refresh_families (expires_at);
            CREATE TABLE refresh_tokens (
                family_id TEXT NOT NULL REFERENCES refresh_families(id) ON DELETE CASCADE,
                hash BLOB NOT NULL,
                generation INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('active', 'rotated')),
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                rotated_at INTEGER,
                PRIMARY KEY (family_id, hash)
            ) WITHOUT ROWID;
            CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
            CREATE TABLE audit_events (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                at INTEGER NOT NULL,
                app_id TEXT,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                outcome TEXT NOT NULL,
                details TEXT NOT NULL,
                request_id TEXT
            );
            CREATE INDEX audit_events_by_app ON audit_events (app_id, sequence);
            """
        ),
        (
            2,
            """
            CREATE TABLE admin_tokens (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                app_id TEXT,
                read_only INTEGER NOT NULL,
                hash BLOB NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE UNIQUE INDEX admin_tokens_live_name ON admin_tokens (name) WHERE revoked_at IS NULL;
            CREATE INDEX users_by_app_created ON users (app_id, created_at);
            """
        ),
        (
            3,
            // A rotated refresh token may be presented once more within the grace window; this marks that use spent.
            """
            ALTER TABLE refresh_tokens ADD COLUMN grace_used INTEGER NOT NULL DEFAULT 0;
            """
        ),
        (
            // Profiles field by field: the Mini App's allows_write_to_pm, and the last recorded login.
            4,
            """
            ALTER TABLE users ADD COLUMN allows_write_to_pm INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE users ADD COLUMN last_login_at INTEGER;
            ALTER TABLE users ADD COLUMN last_proof TEXT;
            """
        ),
    ]
}
