/* db.c - picks the storage backend for a URL (see db.h). */
#include "db.h"

#include <stdio.h>
#include <string.h>

const char db_trouble_unreachable[] = "The site's database cannot be reached at the moment (it may be restarting). "
				      "Nothing was half-saved; please try again in a few seconds.";

struct db *db_open(const char *url, char *err, size_t errlen)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		return db_pg_open(url, err, errlen);
	}
	int create = 0;
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (strncmp(url, "create:", 7) == 0) {
		url += 7;
		create = 1;
	}
	return db_sqlite_open(url, create, err, errlen);
}
