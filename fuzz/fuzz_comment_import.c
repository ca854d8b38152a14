/* fuzz_comment_import.c - a comments file for `broadsheet comments import`: comment_import_load (JSON,
 * format and version) and comment_import_check on each comment, everything import does before it asks
 * the store about articles and parents. */
#include "fuzz.h"

#include "arena.h"
#include "comment_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	json_t *arr = NULL;
	json_t *doc = comment_import_load((const char *)data, size, &arr, err, sizeof err);
	if (!doc) {
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(json_is_array(arr));
	struct arena a = ARENA_INIT;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		struct comment_import_item it;
		err[0] = '\0';
		if (comment_import_check(&a, json_array_get(arr, i), i, &it, err, sizeof err) < 0) {
			FUZZ_ASSERT(err[0] != '\0');
			continue;
		}
		FUZZ_ASSERT(it.edition && it.slug && it.name && it.body && it.status);
	}
	arena_free(&a);
	json_decref(doc);
	return 0;
}
