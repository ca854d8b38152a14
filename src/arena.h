/* arena.h - per-request memory: many small allocations, one free at the end of the request.
 * Everything a page handler reads from the database or builds for a template lives in the request's
 * arena, so handlers never free anything themselves. */
#ifndef BROADSHEET_ARENA_H
#define BROADSHEET_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
};

#define ARENA_INIT {NULL}

/* arena_alloc: returns n zeroed bytes aligned for any type, owned by the arena (never NULL). */
void *arena_alloc(struct arena *a, size_t n);
/* arena_strdup / arena_strndup: copies into the arena (NULL in gives NULL out for strdup). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* arena_printf: formats into a new arena string. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* arena_grow: room for one more element of an arena array items holding n elements of size bytes with
 * capacity *cap: returns items when n < *cap, else a new arena array of twice the capacity (first when
 * it was 0) holding the n elements, and sets *cap. Never NULL (see arena_alloc). */
void *arena_grow(struct arena *a, void *items, size_t n, size_t *cap, size_t size, size_t first);
/* arena_free: releases every allocation; the arena is empty and reusable afterwards. */
void arena_free(struct arena *a);

#endif
