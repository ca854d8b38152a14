/* main.c - the broadsheet executable: everything happens in cli.c. libxml2 (the wires' and the WordPress
 * import's XML, htmlmd.c's HTML) is initialised here, once, before any thread can parse, as its manual asks
 * of threaded programs; its global state is freed when the command returns. */
#include <libxml/parser.h>

#include "cli.h"

int main(int argc, char **argv)
{
	xmlInitParser();
	int rc = cli_main(argc, argv);
	xmlCleanupParser();
	return rc;
}
