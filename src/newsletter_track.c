/* newsletter_track.c - see newsletter_track.h. */
#include "newsletter_track.h"

#include <string.h>

#include "app.h"
#include "arena.h"
#include "db.h"
#include "newsletter_link.h"

int nl_track_enabled(struct app *app, struct arena *a)
{
	const char *v = NULL;
	return db_setting_get(app->db, a, NL_TRACK_SETTING, &v) == DB_OK && v && strcmp(v, "1") == 0;
}

const char *nl_track_open_url(struct app *app, struct arena *a, int64_t row)
{
	return arena_printf(a, "%s/newsletter/o/%s.gif", app->cfg.base_url, nl_link_make(a, app->secret, "open", row, 0, 0));
}

const char *nl_track_click_url(struct app *app, struct arena *a, int64_t row, int64_t article_id)
{
	return arena_printf(a, "%s/newsletter/c/%s", app->cfg.base_url,
			    nl_link_make(a, app->secret, "click", row, article_id, 0));
}

int nl_track_check(const unsigned char *secret, const char *purpose, const char *token, int64_t *row,
		   int64_t *target)
{
	int64_t r = 0, t = 0;
	if (nl_link_check(secret, purpose, token, 0, &r, &t) != 0 || t < 0 || (strcmp(purpose, "click") == 0 && t <= 0))
		return -1;
	*row = r;
	*target = t;
	return 0;
}
