/* embedded.h - files built into the binary (templates, static assets, demo content), so one binary is
 * the whole product. The table is generated at build time by tools/embed.c. */
#ifndef BROADSHEET_EMBEDDED_H
#define BROADSHEET_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
	const char *path; /* as given at build time, e.g. "templates/article.html" */
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[]; /* ends with a {NULL} entry */

/* embedded_find: the file at path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

#endif
