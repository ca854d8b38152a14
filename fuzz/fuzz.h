/* fuzz.h - what the libFuzzer targets in fuzz/ share. Each fuzz_<name>.c defines LLVMFuzzerTestOneInput
 * (and may define LLVMFuzzerInitialize); it is linked either with libFuzzer (`make fuzz`, clang) or with
 * replay.c (`make test`, gcc ASan+UBSan objects), which runs the corpus and regression files once each.
 * A target checks the parser's documented promises with FUZZ_ASSERT, so a broken promise is a crash that
 * libFuzzer keeps, not only memory errors. */
#ifndef BROADSHEET_FUZZ_H
#define BROADSHEET_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* FUZZ_ASSERT: aborts (a finding) with the file, line and condition when cond is false. */
#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* fuzz_cstr: a NUL-terminated copy of data[0..size) (caller frees); the copy ends at the first NUL, as
 * the parser would see a C string. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

/* fuzz_split: splits data[0..size) at the first sep byte: *rest and *rest_len get what follows it. Returns the
 * length of the part before (size when there is no sep; *rest is then data + size, empty). */
static inline size_t fuzz_split(const uint8_t *data, size_t size, uint8_t sep, const uint8_t **rest, size_t *rest_len)
{
	const uint8_t *p = memchr(data, sep, size);
	size_t head = p ? (size_t)(p - data) : size;
	*rest = p ? p + 1 : data + size;
	*rest_len = p ? size - head - 1 : 0;
	return head;
}

#endif
