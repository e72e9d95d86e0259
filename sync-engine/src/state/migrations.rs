//! The state schema as an ordered, append-only list of migrations; `schema_version` records how
//! many have been applied.
//!
//! Never edit a migration that has shipped: add a new one at the end, so that every existing state
//! file upgrades the same way.

/// The migrations, oldest first. Index + 1 is the schema version after applying it.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: mappings, 1C raw cache, run journal, cursors, invoice outbox, run lock.
    r#"
    CREATE TABLE mappings (
        entity       TEXT    NOT NULL,
        onec_ref     TEXT    NOT NULL,
        okdesk_id    INTEGER NOT NULL,
        payload_hash TEXT    NOT NULL,
        payload      TEXT,
        pushed_at    TEXT    NOT NULL,
        PRIMARY KEY (entity, onec_ref)
    );
    CREATE INDEX mappings_by_okdesk_id ON mappings (entity, okdesk_id);

    CREATE TABLE onec_raw_cache (
        set_name     TEXT NOT NULL,
        onec_ref     TEXT NOT NULL,
        data_version TEXT NOT NULL,
        object_json  TEXT NOT NULL,
        seen_at      TEXT NOT NULL,
        PRIMARY KEY (set_name, onec_ref)
    );
    CREATE VIEW onec_versions AS
        SELECT set_name, onec_ref, data_version FROM onec_raw_cache;

    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        command     TEXT    NOT NULL,
        dry_run     INTEGER NOT NULL,
        started_at  TEXT    NOT NULL,
        finished_at TEXT,
        ok          INTEGER,
        counts      TEXT,
        report      TEXT
    );
    CREATE TABLE operations (
        run_id    INTEGER NOT NULL REFERENCES runs (id),
        seq       INTEGER NOT NULL,
        entity    TEXT    NOT NULL,
        onec_ref  TEXT    NOT NULL,
        action    TEXT    NOT NULL,
        outcome   TEXT    NOT NULL,
        okdesk_id INTEGER,
        at        TEXT    NOT NULL,
        PRIMARY KEY (run_id, seq)
    );
    CREATE TABLE failures (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id       INTEGER NOT NULL REFERENCES runs (id),
        entity       TEXT    NOT NULL,
        key          TEXT    NOT NULL,
        name         TEXT    NOT NULL,
        field        TEXT,
        message      TEXT    NOT NULL,
        http_status  INTEGER,
        request_body TEXT,
        at           TEXT    NOT NULL
    );
    CREATE INDEX failures_by_key ON failures (entity, key);
    CREATE TABLE open_failures (
        entity     TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        failure_id INTEGER NOT NULL REFERENCES failures (id),
        PRIMARY KEY (entity, key)
    );

    CREATE TABLE cursors (
        name       TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE invoice_outbox (
        issue_id          INTEGER PRIMARY KEY,
        onec_ref          TEXT,
        onec_number       TEXT,
        pdf_sha256        TEXT,
        uploaded_comment  INTEGER,
        status            TEXT NOT NULL,
        error             TEXT,
        updated_at        TEXT NOT NULL
    );

    CREATE TABLE run_lock (
        id           INTEGER PRIMARY KEY CHECK (id = 1),
        token        TEXT    NOT NULL,
        pid          INTEGER NOT NULL,
        command      TEXT    NOT NULL,
        acquired_at  TEXT    NOT NULL,
        heartbeat_at TEXT    NOT NULL
    );
    "#,
    // 2: pull and bill: issues pulled (by `updated_at`), documents written into 1C with the hash
    // of what was written, digests of downloaded attachments, and each invoice as written into 1C
    // (the bill outbox renders its PDF from it after a restart).
    r#"
    CREATE TABLE pulled_issues (
        issue_id   INTEGER PRIMARY KEY,
        updated_at TEXT    NOT NULL,
        pulled_at  TEXT    NOT NULL
    );
    CREATE TABLE written_documents (
        kind       TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        issue_id   INTEGER NOT NULL,
        onec_ref   TEXT    NOT NULL,
        hash       TEXT    NOT NULL,
        written_at TEXT    NOT NULL,
        PRIMARY KEY (kind, key)
    );
    CREATE INDEX written_documents_by_issue ON written_documents (issue_id);
    CREATE TABLE attachment_digests (
        attachment_id INTEGER PRIMARY KEY,
        sha256        TEXT    NOT NULL,
        size          INTEGER NOT NULL
    );
    CREATE TABLE bill_invoices (
        issue_id   INTEGER PRIMARY KEY,
        invoice    TEXT    NOT NULL,
        written_at TEXT    NOT NULL
    );
    "#,
    // 3: the last matching ambiguity of each record that could not be linked (an INN or e-mail
    // found on several Okdesk records), with the payload hash it was found for. A push re-checks
    // such a record by fetching only its candidates instead of listing every company again.
    r#"
    CREATE TABLE match_ambiguities (
        entity       TEXT NOT NULL,
        onec_ref     TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        candidates   TEXT NOT NULL,
        checked_at   TEXT NOT NULL,
        PRIMARY KEY (entity, onec_ref)
    );
    "#,
];
