/* site.c - site directories (see site.h). */
#include "site.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "render.h"
#include "push.h"
#include "util.h"

/* The texts and settings a new site starts with. */
static const struct site_texts default_texts = {
	.site_name = {"Broadsheet", "برودشيت"},
	.description = {"News from Broadsheet.", "أخبار برودشيت."},
	.footer_developer = {"Broadsheet", "برودشيت"},
	.footer_publisher = {"Broadsheet", "برودشيت"},
};
static const struct {
	const char *key, *value;
} default_settings[] = {{"copyright_year", ""}, {"latest_count", "8"}, {"default_edition", "en"},
		      /* newsletter open and click counts: off, and shown as off on /admin/settings */
		      {"newsletter.tracking", "0"}};

int site_set_texts(struct db *db, const struct site_texts *t)
{
	const struct {
		const char *key;
		const char *const *value;
	} texts[] = {{"site_name", t->site_name},
		     {"description", t->description},
		     {"footer_developer", t->footer_developer},
		     {"footer_publisher", t->footer_publisher}};
	int rc = DB_OK;
	for (size_t i = 0; i < ARRAY_LEN(texts) && rc == DB_OK; i++) {
		for (int e = 0; e < 2 && rc == DB_OK; e++) {
			char key[64];
			snprintf(key, sizeof key, "%s.%s", texts[i].key, e ? "ar" : "en");
			rc = db_setting_set(db, key, texts[i].value[e]);
		}
	}
	return rc;
}

int site_db_url(const char *dir, const struct config *cfg, char *dst, size_t cap)
{
	const char *url = cfg->database;
	int n;
	if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '/')
		n = snprintf(dst, cap, "sqlite:%s/%s", dir, url + 7);
	else
		n = snprintf(dst, cap, "%s", url);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int path_in(char *dst, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(dst, cap, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int site_create(const char *dir, const char *db_url, char *err, size_t errlen)
{
	char conf[PATH_MAX], key[PATH_MAX], media[PATH_MAX], dbpath[PATH_MAX + 16];
	if (path_in(conf, sizeof conf, dir, "broadsheet.conf") < 0 || path_in(key, sizeof key, dir, "secret.key") < 0 ||
	    path_in(media, sizeof media, dir, "media") < 0) {
		snprintf(err, errlen, "site path too long");
		return -1;
	}
	if (access(conf, F_OK) == 0) {
		snprintf(err, errlen, "%s already holds a site (found broadsheet.conf)", dir);
		return -1;
	}
	if (util_mkdir_p(dir) < 0 || util_mkdir_p(media) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	unsigned char secret[32];
	char hex[sizeof secret * 2 + 2];
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(hex, sizeof secret * 2 + 1, secret, sizeof secret);
	hex[sizeof secret * 2] = '\n';
	hex[sizeof secret * 2 + 1] = '\0';
	sodium_memzero(secret, sizeof secret);
	if (util_write_file_atomic(key, hex, strlen(hex), 0600) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", key, strerror(errno));
		return -1;
	}
	sodium_memzero(hex, sizeof hex);
	char vapid[PATH_MAX];
	if (path_in(vapid, sizeof vapid, dir, "vapid.key") < 0 || push_keys_create(vapid, err, errlen) < 0)
		return -1;
	struct config cfg;
	config_defaults(&cfg);
	if (db_url && config_set(&cfg, "database", db_url, err, errlen) < 0)
		return -1;
	char url[PATH_MAX + 16];
	if (site_db_url(dir, &cfg, url, sizeof url) < 0) {
		snprintf(err, errlen, "site path too long");
		return -1;
	}
	if (strncmp(url, "sqlite:", 7) == 0)
		snprintf(dbpath, sizeof dbpath, "create:%s", url + 7);
	else
		snprintf(dbpath, sizeof dbpath, "%s", url);
	struct db *db = db_open(dbpath, err, errlen);
	if (!db)
		return -1;
	int version = 0;
	int rc = db_migrate(db, &version);
	if (rc == DB_OK && db_begin(db) == DB_OK) {
		rc = site_set_texts(db, &default_texts);
		for (size_t i = 0; i < ARRAY_LEN(default_settings) && rc == DB_OK; i++)
			rc = db_setting_set(db, default_settings[i].key, default_settings[i].value);
		rc = rc == DB_OK ? db_commit(db) : (db_rollback(db), DB_ERROR);
	} else {
		rc = DB_ERROR;
	}
	db_close(db);
	if (rc != DB_OK) {
		snprintf(err, errlen, "cannot initialise the database in %s", dir);
		return -1;
	}
	/* the configuration file goes last: its presence marks a complete site */
	const char *text = config_default_text();
	struct buf custom = BUF_INIT;
	if (db_url) { /* the default file with the database line pointing at db_url */
		static const char def[] = "database = sqlite:site.db\n";
		const char *line = strstr(text, def);
		size_t head = line ? (size_t)(line - text) : strlen(text);
		buf_append(&custom, text, head);
		buf_printf(&custom, "database = %s\n%s", db_url, line ? line + strlen(def) : "");
		text = buf_cstr(&custom);
	}
	int wrote = util_write_file_atomic(conf, text, strlen(text), db_url ? 0600 : 0644); /* a URL may hold a password */
	buf_free(&custom);
	if (wrote < 0) {
		snprintf(err, errlen, "cannot write %s: %s", conf, strerror(errno));
		return -1;
	}
	return 0;
}

int site_load_config(const char *dir, struct config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	char conf[PATH_MAX];
	if (path_in(conf, sizeof conf, dir, "broadsheet.conf") < 0) {
		snprintf(err, errlen, "site path too long");
		return -1;
	}
	char *text = util_read_file(conf, NULL);
	if (!text) {
		snprintf(err, errlen, "%s is not a Broadsheet site (cannot read %s: %s); create one with 'broadsheet init %s'",
			 dir, conf, strerror(errno), dir);
		return -1;
	}
	char msg[512];
	int rc = config_parse(cfg, text, msg, sizeof msg);
	free(text);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", conf, msg);
		return -1;
	}
	return config_apply_env(cfg, err, errlen);
}

int site_open(struct app *app, const char *dir, const struct config *cfg, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->cfg = *cfg;
	app->site_dir = xstrdup(dir);
	char media[PATH_MAX], url[PATH_MAX + 16];
	const char *md = cfg->media_dir[0] ? cfg->media_dir : "media";
	int too_long = md[0] == '/' ? snprintf(media, sizeof media, "%s", md) >= (int)sizeof media
				    : path_in(media, sizeof media, dir, md) < 0;
	if (too_long || site_db_url(dir, cfg, url, sizeof url) < 0) {
		snprintf(err, errlen, "site path too long");
		site_close(app);
		return -1;
	}
	size_t ml = strlen(media);
	while (ml > 1 && media[ml - 1] == '/')
		media[--ml] = '\0';
	if (cfg->media_dir[0] && util_mkdir_p(media) < 0) {
		snprintf(err, errlen, "cannot create media_dir %s: %s", media, strerror(errno));
		site_close(app);
		return -1;
	}
	app->media_dir = xstrdup(media);
	if (!app->cfg.base_url[0]) {
		const char *host = strcmp(cfg->listen_addr, "0.0.0.0") == 0 ? "127.0.0.1" : cfg->listen_addr;
		snprintf(app->cfg.base_url, sizeof app->cfg.base_url, "http://%s%s%s:%d", strchr(host, ':') ? "[" : "",
			 host, strchr(host, ':') ? "]" : "", cfg->port);
	}
	char keypath[PATH_MAX];
	if (path_in(keypath, sizeof keypath, dir, "secret.key") < 0 || auth_init() < 0 ||
	    auth_load_secret(keypath, app->secret) < 0) {
		snprintf(err, errlen, "cannot read the site secret %s/secret.key (64 hex digits)", dir);
		site_close(app);
		return -1;
	}
	if (push_keys_load(app, dir, err, errlen) < 0) { /* the Web Push (VAPID) key: push.h */
		site_close(app);
		return -1;
	}
	app->https = strncmp(app->cfg.base_url, "https://", 8) == 0;
	app->db = db_open(url, err, errlen);
	if (!app->db) {
		site_close(app);
		return -1;
	}
	int version;
	if (db_migrate(app->db, &version) != DB_OK) {
		snprintf(err, errlen, "cannot migrate the database of %s (see the log above)", dir);
		site_close(app);
		return -1;
	}
	if (cfg->max_database_mb && db_limit_size(app->db, (int64_t)cfg->max_database_mb << 20) != DB_OK) {
		snprintf(err, errlen, "cannot cap the database of %s at max_database_mb = %d", dir, cfg->max_database_mb);
		site_close(app);
		return -1;
	}
	app->render = render_load(err, errlen);
	if (!app->render) {
		site_close(app);
		return -1;
	}
	return 0;
}

void site_close(struct app *app)
{
	render_free(app->render);
	db_close(app->db);
	free(app->site_dir);
	free(app->media_dir);
	app->render = NULL;
	app->db = NULL;
	sodium_memzero(app->secret, sizeof app->secret);
	sodium_memzero(app->vapid_priv, sizeof app->vapid_priv);
	app->site_dir = app->media_dir = NULL;
}
