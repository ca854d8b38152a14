/* site.h - a site directory: broadsheet.conf, secret.key, the SQLite database and media/.
 * Creating one, loading its configuration, and opening it for serving. */
#ifndef BROADSHEET_SITE_H
#define BROADSHEET_SITE_H
#include <stddef.h>

#include "config.h"

struct app;
struct db;

/* The per-edition texts of a site's frame: [0] the English edition's, [1] the Arabic edition's. */
struct site_texts {
	const char *site_name[2], *description[2], *footer_developer[2], *footer_publisher[2];
};

/* site_set_texts: stores t as the settings site_name.en, site_name.ar, description.en ... (db_setting_set,
 * in that order, in the caller's transaction). Returns DB_OK or the first failing status. */
int site_set_texts(struct db *db, const struct site_texts *t);

/* site_create: makes dir (and parents) into a new site: configuration file, a 32-byte random secret key
 * (mode 0600), media/, and a migrated database with default settings. db_url: NULL for the default SQLite
 * file site.db, else the database the site uses (e.g. an existing, empty PostgreSQL database), written to
 * the configuration file. Refuses a directory that already holds a site. Returns 0, or -1 with a reason
 * in err. */
int site_create(const char *dir, const char *db_url, char *err, size_t errlen);

/* site_load_config: defaults, then dir/broadsheet.conf, then the environment. 0 or -1 (err set). */
int site_load_config(const char *dir, struct config *cfg, char *err, size_t errlen);

/* site_open: fills app for serving dir with cfg: opens and migrates the database, compiles the
 * templates. Returns 0, or -1 with a reason in err (app is then closed again). */
int site_open(struct app *app, const char *dir, const struct config *cfg, char *err, size_t errlen);

/* site_close: releases everything site_open acquired. Safe on a partly opened app. */
void site_close(struct app *app);

/* site_db_url: the database URL of cfg with a relative SQLite path resolved against dir (arena-free:
 * writes into dst). Returns 0 or -1 when it does not fit. */
int site_db_url(const char *dir, const struct config *cfg, char *dst, size_t cap);

#endif
