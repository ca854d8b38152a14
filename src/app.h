/* app.h - what a running site holds: its configuration, store and compiled templates. One per process;
 * read-only after start-up, so every worker thread shares it without locks. */
#ifndef BROADSHEET_APP_H
#define BROADSHEET_APP_H

#include "config.h"

struct db;
struct render;

struct app {
	struct config cfg;
	char *site_dir;
	char *media_dir;
	struct db *db;
	struct render *render;
	volatile int ready_fd; /* written once listening (tests wait for it); -1 = none */
};

#define BROADSHEET_VERSION "0.1.0"

#endif
