/* fuzz_config.c - the site's broadsheet.conf: config_parse on the input (to its first NUL) over the
 * defaults, and config_parse_listen on its first line. On success the values stay in their ranges'
 * shape: strings NUL-terminated inside their arrays. */
#include "fuzz.h"

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct config c;
	config_defaults(&c);
	char err[256] = "";
	if (config_parse(&c, text, err, sizeof err) < 0)
		FUZZ_ASSERT(err[0] != '\0');
	FUZZ_ASSERT(memchr(c.listen_addr, 0, sizeof c.listen_addr) != NULL);
	FUZZ_ASSERT(memchr(c.database, 0, sizeof c.database) != NULL);
	FUZZ_ASSERT(memchr(c.base_url, 0, sizeof c.base_url) != NULL);
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	config_defaults(&c);
	err[0] = '\0';
	if (config_parse_listen(&c, text, err, sizeof err) < 0)
		FUZZ_ASSERT(err[0] != '\0');
	else
		FUZZ_ASSERT(c.port >= 0 && c.port <= 65535);
	free(text);
	return 0;
}
