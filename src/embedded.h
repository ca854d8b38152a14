/* embedded.h - files built into the binary (templates, static assets, demo content), so one binary is
 * the whole product. The table is generated at build time by tools/embed.c. */
#ifndef BROADSHEET_EMBEDDED_H
#define BROADSHEET_EMBEDDED_H
#include <stddef.h>
#include <stdint.h>

struct embedded_file {
	const char *path; /* as given at build time, e.g. "templates/article.html" */
	const char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[]; /* ends with a {NULL} entry */

/* embedded_find: the file at path, or NULL. */
const struct embedded_file *embedded_find(const char *path);

/* embedded_hash: the FNV-1a (32-bit) hash of f's bytes (of nothing when f is NULL): the content version
 * a static address carries as ?v= (render.c names the files with it, static_page checks it). */
uint32_t embedded_hash(const struct embedded_file *f);

#endif
