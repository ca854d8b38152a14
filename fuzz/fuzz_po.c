/* fuzz_po.c - the newsroom's translation catalogue reader (src/po.c) on hostile PO text: a translator's
 * tool, a bad merge or a hand edit may give it anything. Promises checked: it answers (0 or -1, never a
 * crash); on -1 the reason starts with a line number within the input; on 0 every entry has a non-empty,
 * unique msgid and a line within the input; and po_placeholders_match is symmetric on what it read. */
#include "fuzz.h"

#include "arena.h"
#include "po.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = ARENA_INIT;
	struct po_entry *e = NULL;
	size_t n = 0;
	char err[256];
	int rc = po_parse(&a, (const char *)data, size, &e, &n, err, sizeof err);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	int lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc < 0) {
		int line = atoi(err);
		FUZZ_ASSERT(line >= 1 && line <= lines && strchr(err, ':'));
	} else {
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(e[i].msgid && e[i].msgid[0] && e[i].msgstr);
			FUZZ_ASSERT(e[i].line >= 1 && e[i].line <= lines);
			if (i > 0)
				FUZZ_ASSERT(strcmp(e[i].msgid, e[0].msgid) != 0);
			FUZZ_ASSERT(po_placeholders_match(e[i].msgid, e[i].msgstr) ==
				    po_placeholders_match(e[i].msgstr, e[i].msgid));
		}
	}
	arena_free(&a);
	return 0;
}
