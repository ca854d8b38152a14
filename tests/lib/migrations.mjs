// What each migration since 16 added, as the SQL that takes it away again, for the upgrade tests that
// rewind a site to an older schema and let the server run the migrations again (planner-stats,
// search-text). A new migration adds its line here, and every rewind undoes it.
const UNDO = {
  16: 'DROP TABLE article_related;',
  17: 'ALTER TABLE users DROP COLUMN lang;',
  18: 'DROP INDEX articles_source; ALTER TABLE articles DROP COLUMN source_id; ALTER TABLE articles DROP COLUMN source_version;',
  19: 'DROP TABLE glossary;',
  20: 'DROP TABLE audit_log;',
  21: 'DROP INDEX sessions_id; ALTER TABLE sessions DROP COLUMN id; ALTER TABLE sessions DROP COLUMN user_agent; ' +
    'ALTER TABLE sessions DROP COLUMN address; ALTER TABLE sessions DROP COLUMN last_seen; ALTER TABLE sessions DROP COLUMN method;',
  22: 'DROP TABLE passkey_challenges; DROP TABLE passkeys;',
  23: 'DROP TABLE mfa_pending; DROP TABLE user_recovery_codes; DROP TABLE user_totp;',
  24: 'DROP TABLE oidc_logins; DROP INDEX users_email; ALTER TABLE users DROP COLUMN email;',
  25: 'DROP TABLE live_entries; DROP TABLE live_blogs;',
  26: 'DROP TABLE breaking;',
  27: 'DROP TABLE push_deliveries; DROP TABLE push_alerts; DROP TABLE push_subscriptions;',
  28: 'DROP TABLE mail_queue; DROP TABLE newsletter_issues; DROP TABLE newsletter_subscriptions; DROP TABLE newsletter_subscribers;',
  29: 'DROP TABLE legacy_urls; DROP TABLE import_map; ALTER TABLE articles DROP COLUMN guid;',
  30: 'DROP TABLE wire_uses; DROP TABLE wire_items; DROP TABLE wire_sources;',
  31: 'ALTER TABLE mail_queue DROP COLUMN clicked_at; ALTER TABLE mail_queue DROP COLUMN opened_at;',
  32: 'DROP TABLE newsletter_lists;',
};

// undoAfter: the SQL undoing every migration after n, newest first (SQLite and PostgreSQL alike).
export function undoAfter(n) {
  return Object.keys(UNDO).map(Number).filter((k) => k > n).sort((a, b) => b - a).map((k) => UNDO[k]).join(' ') + ' ';
}
