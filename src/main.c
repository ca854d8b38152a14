/* main.c - the broadsheet executable: everything happens in cli.c. Two libraries' global state is set up
 * here, once, before any thread can use it: libxml2 (the wires' and the WordPress import's XML, htmlmd.c's
 * HTML), as its manual asks of threaded programs, freed when the command returns; and cmark-gfm's registry
 * of syntax extensions, which it fills on first use without a lock (two export workers rendering their first
 * bodies at once could both register, and one registration was lost: a leak LeakSanitizer reported). */
#include <cmark-gfm-core-extensions.h>
#include <libxml/parser.h>

#include "cli.h"

int main(int argc, char **argv)
{
	xmlInitParser();
	cmark_gfm_core_extensions_ensure_registered();
	int rc = cli_main(argc, argv);
	xmlCleanupParser();
	return rc;
}
