/* embedded.c - lookup in the generated table of built-in files (see embedded.h). */
#include "embedded.h"

#include <string.h>

const struct embedded_file *embedded_find(const char *path)
{
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

uint32_t embedded_hash(const struct embedded_file *f)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; f && i < f->len; i++) {
		h ^= (unsigned char)f->data[i];
		h *= 16777619u;
	}
	return h;
}
