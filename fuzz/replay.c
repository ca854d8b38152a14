/* replay.c - a main() for the fuzz targets without libFuzzer: runs each file named on the command line
 * through LLVMFuzzerTestOneInput once, printing "ok FILE" after each, so `make test` can replay
 * fuzz/corpus/ and fuzz/regression/ under the gcc ASan+UBSan build. A crash, a sanitizer report or a leak
 * at exit ends the run with a non-zero status. Exit status: 0 all ran, 1 a file could not be read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* targets that need no set-up do not define it */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv)
{
	int bad = 0;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		size_t len = 0;
		char *text = util_read_file(argv[i], &len);
		if (!text) {
			printf("FAILED %s: cannot read\n", argv[i]);
			bad = 1;
			continue;
		}
		/* an exact-size copy, so reading one byte past the input is an ASan report */
		uint8_t *data = xmalloc(len ? len : 1);
		memcpy(data, text, len);
		free(text);
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		printf("ok %s\n", argv[i]);
		fflush(stdout);
	}
	return bad;
}
