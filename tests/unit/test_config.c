/* test_config.c - unit tests for configuration parsing (src/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static const char *const env_names[] = {"BROADSHEET_LISTEN", "BROADSHEET_DATABASE", "BROADSHEET_BASE_URL",
					"BROADSHEET_THREADS"};

static int clear_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
		unsetenv(env_names[i]);
	return 0;
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	memset(&c, 0x5A, sizeof c);
	config_defaults(&c);
	assert_string_equal(c.listen_addr, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.database, "sqlite:site.db");
	assert_string_equal(c.base_url, "");
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.max_connections, 1024);
	assert_int_equal(c.per_ip_connections, 64);
	assert_int_equal(c.connection_timeout, 30);
	assert_int_equal(c.max_url_bytes, 4096);
	assert_int_equal(c.max_header_bytes, 16384);
	assert_int_equal(c.max_body_bytes, 1048576);
	assert_int_equal(c.cache_mb, 64);
	assert_int_equal(c.cache_ttl, 300);
}

/* the text written into a new site parses cleanly and says exactly what the defaults say */
static void test_default_text_matches_defaults(void **state)
{
	(void)state;
	struct config def, parsed;
	char err[256] = "";
	config_defaults(&def);
	config_defaults(&parsed);
	/* start from values that differ from the defaults so the text must set every one of them */
	assert_int_equal(config_parse(&parsed, "listen = 10.0.0.1:1\ndatabase = x\nthreads = 9\nmax_connections = 5\n"
					       "per_ip_connections = 5\nconnection_timeout = 5\nmax_url_bytes = 300\n"
					       "max_header_bytes = 2000\nmax_body_bytes = 2000\ncache_mb = 1\ncache_ttl = 9\n",
				      err, sizeof err),
			 0);
	assert_int_equal(config_parse(&parsed, config_default_text(), err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_string_equal(parsed.listen_addr, def.listen_addr);
	assert_int_equal(parsed.port, def.port);
	assert_string_equal(parsed.database, def.database);
	assert_string_equal(parsed.base_url, def.base_url);
	assert_int_equal(parsed.threads, def.threads);
	assert_int_equal(parsed.max_connections, def.max_connections);
	assert_int_equal(parsed.per_ip_connections, def.per_ip_connections);
	assert_int_equal(parsed.connection_timeout, def.connection_timeout);
	assert_int_equal(parsed.max_url_bytes, def.max_url_bytes);
	assert_int_equal(parsed.max_header_bytes, def.max_header_bytes);
	assert_int_equal(parsed.max_body_bytes, def.max_body_bytes);
	assert_int_equal(parsed.cache_mb, def.cache_mb);
	assert_int_equal(parsed.cache_ttl, def.cache_ttl);
}

static void test_parse_sample(void **state)
{
	(void)state;
	struct config c;
	char err[256] = "";
	config_defaults(&c);
	const char *text = "# Broadsheet test site\n"
			   "\n"
			   "   # an indented comment\n"
			   "listen = 0.0.0.0:9000\n"
			   "database=sqlite:/var/lib/broadsheet/news.db   \n"
			   "\t threads =   4\t\n"
			   "base_url = https://news.example.com/\r\n"
			   "max_body_bytes = 2048\r\n"
			   "connection_timeout = 3600\n"
			   "per_ip_connections = 1"; /* no newline at the end */
	assert_int_equal(config_parse(&c, text, err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "0.0.0.0");
	assert_int_equal(c.port, 9000);
	assert_string_equal(c.database, "sqlite:/var/lib/broadsheet/news.db");
	assert_int_equal(c.threads, 4);
	assert_string_equal(c.base_url, "https://news.example.com");
	assert_int_equal(c.max_body_bytes, 2048);
	assert_int_equal(c.connection_timeout, 3600);
	assert_int_equal(c.per_ip_connections, 1);
	/* untouched keys keep their defaults */
	assert_int_equal(c.max_connections, 1024);
	assert_int_equal(c.max_url_bytes, 4096);
	/* an empty text and a comment-only text change nothing */
	assert_int_equal(config_parse(&c, "", err, sizeof err), 0);
	assert_int_equal(config_parse(&c, "# nothing\n\n   \n", err, sizeof err), 0);
	assert_int_equal(c.port, 9000);
	/* a later line wins */
	assert_int_equal(config_parse(&c, "port = 1\nport = 2\n", err, sizeof err), 0);
	assert_int_equal(c.port, 2);
}

/* parse_err: config_parse of text fails with exactly want. */
static void parse_err(const char *text, const char *want)
{
	struct config c;
	char err[256] = "";
	config_defaults(&c);
	assert_int_equal(config_parse(&c, text, err, sizeof err), -1);
	assert_string_equal(err, want);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_err("# ok\nport = 80\ncolour = blue\n", "line 3: unknown setting 'colour'");
	parse_err("\n\n\n\njust words\n", "line 5: expected 'key = value'");
	parse_err("port = 70000", "line 1: port must be a whole number from 0 to 65535, not '70000'");
	parse_err("port = -1", "line 1: port must be a whole number from 0 to 65535, not '-1'");
	parse_err("port = 80x", "line 1: port must be a whole number from 0 to 65535, not '80x'");
	parse_err("port =", "line 1: port must be a whole number from 0 to 65535, not ''");
	parse_err("port = 99999999999999999999", "line 1: port must be a whole number from 0 to 65535, not "
					      "'99999999999999999999'");
	parse_err("threads = 257", "line 1: threads must be a whole number from 0 to 256, not '257'");
	parse_err("max_connections = 0", "line 1: max_connections must be a whole number from 1 to 100000, not '0'");
	parse_err("connection_timeout = 3601",
		  "line 1: connection_timeout must be a whole number from 1 to 3600, not '3601'");
	parse_err("max_url_bytes = 255", "line 1: max_url_bytes must be a whole number from 256 to 32768, not '255'");
	parse_err("max_header_bytes = 49153",
		  "line 1: max_header_bytes must be a whole number from 1024 to 49152, not '49153'");
	parse_err("max_body_bytes = 1023",
		  "line 1: max_body_bytes must be a whole number from 1024 to 1073741824, not '1023'");
	parse_err("listen = nocolon", "line 1: listen must be ADDRESS:PORT, not 'nocolon'");
	parse_err("base_url = ftp://example.com", "line 1: base_url must be http:// or https:// followed by a host");
	parse_err("= 5", "line 1: unknown setting ''");
	/* a line longer than the parser's line buffer */
	char *big = malloc(3000);
	assert_non_null(big);
	memcpy(big, "database = ", 11);
	memset(big + 11, 'x', 3000 - 12);
	big[2999] = '\0';
	parse_err(big, "line 1: too long");
	free(big);
}

/* webhook_allow_private: empty by default (and in a new site's file), a list of networks, checked */
static void test_webhook_allow_private(void **state)
{
	(void)state;
	struct config c;
	char err[256] = "";
	config_defaults(&c);
	assert_string_equal(c.webhook_allow_private, "");
	assert_int_equal(config_parse(&c, "webhook_allow_private = 10.0.0.1\n", err, sizeof err), 0);
	assert_int_equal(config_parse(&c, config_default_text(), err, sizeof err), 0);
	assert_string_equal(c.webhook_allow_private, ""); /* the default text sets it back to empty */
	assert_int_equal(config_parse(&c, "webhook_allow_private = 10.1.2.0/24 192.168.5.7  fd00:1::/64\n", err, sizeof err), 0);
	assert_string_equal(c.webhook_allow_private, "10.1.2.0/24 192.168.5.7  fd00:1::/64");
	parse_err("webhook_allow_private = 10.0.0.0/8 192.168.1.0/33",
		  "line 1: webhook_allow_private must list IP addresses or CIDR networks (at most 32), not '192.168.1.0/33'");
	parse_err("webhook_allow_private = localhost",
		  "line 1: webhook_allow_private must list IP addresses or CIDR networks (at most 32), not 'localhost'");
	parse_err("metrics_allow = 10.0.0.0/40",
		  "line 1: metrics_allow must list IP addresses or CIDR networks (at most 32), not '10.0.0.0/40'");
}

static void test_ranges_accept_bounds(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_set(&c, "port", "0", err, sizeof err), 0);
	assert_int_equal(c.port, 0);
	assert_int_equal(config_set(&c, "port", "65535", err, sizeof err), 0);
	assert_int_equal(c.port, 65535);
	assert_int_equal(config_set(&c, "threads", "256", err, sizeof err), 0);
	assert_int_equal(c.threads, 256);
	assert_int_equal(config_set(&c, "max_body_bytes", "1073741824", err, sizeof err), 0);
	assert_int_equal(c.max_body_bytes, 1073741824);
	assert_int_equal(config_set(&c, "max_url_bytes", "256", err, sizeof err), 0);
	assert_int_equal(c.max_url_bytes, 256);
	/* a refused value leaves the old one */
	assert_int_equal(config_set(&c, "port", "65536", err, sizeof err), -1);
	assert_int_equal(c.port, 65535);
	/* the page cache: 0 turns it off; an absurd size is refused with the range */
	assert_int_equal(config_set(&c, "cache_mb", "0", err, sizeof err), 0);
	assert_int_equal(c.cache_mb, 0);
	assert_int_equal(config_set(&c, "cache_mb", "65536", err, sizeof err), 0);
	assert_int_equal(c.cache_mb, 65536);
	assert_int_equal(config_set(&c, "cache_mb", "65537", err, sizeof err), -1);
	assert_string_equal(err, "cache_mb must be a whole number from 0 to 65536, not '65537'");
	assert_int_equal(config_set(&c, "cache_mb", "-1", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "cache_mb", "99999999999999999999", err, sizeof err), -1);
	assert_int_equal(c.cache_mb, 65536);
	assert_int_equal(config_set(&c, "cache_ttl", "0", err, sizeof err), -1);
	/* database: at most 1023 bytes */
	char db[1100];
	memset(db, 'd', sizeof db);
	db[1023] = '\0';
	assert_int_equal(config_set(&c, "database", db, err, sizeof err), 0);
	assert_int_equal(strlen(c.database), 1023);
	db[1023] = 'd';
	db[1024] = '\0';
	assert_int_equal(config_set(&c, "database", db, err, sizeof err), -1);
	assert_string_equal(err, "database is too long (at most 1023 bytes)");
	assert_int_equal(strlen(c.database), 1023);
	/* a value is one line of the file: a line break (say in `init --db`) cannot add settings */
	assert_int_equal(config_set(&c, "database", "postgresql://x/db\nlisten = 0.0.0.0", err, sizeof err), -1);
	assert_string_equal(err, "database must not contain control characters such as a line break");
	assert_int_equal(strlen(c.database), 1023);
}

/* trusted_proxies: empty by default (and in a new site's text), a list like metrics_allow's, refused
 * with the word that is wrong */
static void test_trusted_proxies(void **state)
{
	(void)state;
	struct config c;
	char err[256] = "";
	config_defaults(&c);
	assert_string_equal(c.trusted_proxies, "");
	assert_int_equal(config_parse(&c, "trusted_proxies = 10.0.0.0/8 ::1\n", err, sizeof err), 0);
	assert_string_equal(c.trusted_proxies, "10.0.0.0/8 ::1");
	assert_int_equal(config_parse(&c, config_default_text(), err, sizeof err), 0);
	assert_string_equal(c.trusted_proxies, "");
	parse_err("trusted_proxies = 127.0.0.1 nginx.internal",
		  "line 1: trusted_proxies must list IP addresses or CIDR networks (at most 32), not 'nginx.internal'");
	parse_err("trusted_proxies = 10.0.0.0/33",
		  "line 1: trusted_proxies must list IP addresses or CIDR networks (at most 32), not '10.0.0.0/33'");
	parse_err("metrics_allow = 10.0.0.0/40",
		  "line 1: metrics_allow must list IP addresses or CIDR networks (at most 32), not '10.0.0.0/40'");
}

static void test_listen(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_parse_listen(&c, "127.0.0.1:9000", err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1");
	assert_int_equal(c.port, 9000);
	assert_int_equal(config_parse_listen(&c, "[::1]:8080", err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "::1");
	assert_int_equal(c.port, 8080);
	assert_int_equal(config_parse_listen(&c, "[::]:443", err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "::");
	assert_int_equal(c.port, 443);
	assert_int_equal(config_parse_listen(&c, ":80", err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "0.0.0.0");
	assert_int_equal(c.port, 80);
	/* failures leave the config as it was */
	assert_int_equal(config_parse_listen(&c, "nocolon", err, sizeof err), -1);
	assert_string_equal(err, "listen must be ADDRESS:PORT, not 'nocolon'");
	assert_int_equal(config_parse_listen(&c, "10.0.0.1:", err, sizeof err), -1);
	assert_string_equal(err, "port must be a whole number from 0 to 65535, not ''");
	assert_int_equal(config_parse_listen(&c, "10.0.0.1:http", err, sizeof err), -1);
	assert_int_equal(config_parse_listen(&c, "10.0.0.1:65536", err, sizeof err), -1);
	assert_int_equal(config_parse_listen(&c, "[::1]", err, sizeof err), -1);
	char longaddr[100];
	memset(longaddr, '1', sizeof longaddr);
	memcpy(longaddr + 90, ":80", 4);
	assert_int_equal(config_parse_listen(&c, longaddr, err, sizeof err), -1);
	assert_string_equal(err, "listen address too long");
	assert_string_equal(c.listen_addr, "0.0.0.0");
	assert_int_equal(c.port, 80);
	/* "listen" through config_set is the same parser */
	assert_int_equal(config_set(&c, "listen", "192.168.1.2:8443", err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "192.168.1.2");
	assert_int_equal(c.port, 8443);
}

static void test_base_url(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_set(&c, "base_url", "https://news.example.com", err, sizeof err), 0);
	assert_string_equal(c.base_url, "https://news.example.com");
	assert_int_equal(config_set(&c, "base_url", "http://example.com/news///", err, sizeof err), 0);
	assert_string_equal(c.base_url, "http://example.com/news");
	assert_int_equal(config_set(&c, "base_url", "", err, sizeof err), 0);
	assert_string_equal(c.base_url, "");
	assert_int_equal(config_set(&c, "base_url", "https://a.example/", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "base_url", "news.example.com", err, sizeof err), -1);
	assert_string_equal(err, "base_url must be http:// or https:// followed by a host");
	assert_int_equal(config_set(&c, "base_url", "javascript:alert(1)", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "base_url", "HTTPS//x", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "base_url", "http://", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "base_url", "https:///path", err, sizeof err), -1);
	assert_string_equal(c.base_url, "https://a.example");
	char longurl[300] = "https://";
	memset(longurl + 8, 'u', sizeof longurl - 9);
	longurl[299] = '\0';
	assert_int_equal(config_set(&c, "base_url", longurl, err, sizeof err), -1);
	assert_string_equal(err, "base_url is too long (at most 255 bytes)");
}

static void test_env(void **state)
{
	(void)state;
	struct config c;
	char err[256] = "";
	config_defaults(&c);
	/* nothing set: nothing changes */
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1");
	assert_int_equal(c.port, 8080);

	setenv("BROADSHEET_LISTEN", "[::]:9090", 1);
	setenv("BROADSHEET_DATABASE", "sqlite:/tmp/env.db", 1);
	setenv("BROADSHEET_BASE_URL", "https://env.example/", 1);
	setenv("BROADSHEET_THREADS", "8", 1);
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "::");
	assert_int_equal(c.port, 9090);
	assert_string_equal(c.database, "sqlite:/tmp/env.db");
	assert_string_equal(c.base_url, "https://env.example");
	assert_int_equal(c.threads, 8);

	/* an empty variable counts as unset */
	config_defaults(&c);
	setenv("BROADSHEET_LISTEN", "", 1);
	unsetenv("BROADSHEET_DATABASE");
	unsetenv("BROADSHEET_BASE_URL");
	unsetenv("BROADSHEET_THREADS");
	assert_int_equal(config_apply_env(&c, err, sizeof err), 0);
	assert_string_equal(c.listen_addr, "127.0.0.1");

	/* a bad value names the variable */
	setenv("BROADSHEET_THREADS", "many", 1);
	assert_int_equal(config_apply_env(&c, err, sizeof err), -1);
	assert_string_equal(err, "BROADSHEET_THREADS: threads must be a whole number from 0 to 256, not 'many'");
	unsetenv("BROADSHEET_THREADS");
	setenv("BROADSHEET_LISTEN", "8080", 1);
	assert_int_equal(config_apply_env(&c, err, sizeof err), -1);
	assert_string_equal(err, "BROADSHEET_LISTEN: listen must be ADDRESS:PORT, not '8080'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_text_matches_defaults),
		cmocka_unit_test(test_parse_sample),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_ranges_accept_bounds),
		cmocka_unit_test(test_webhook_allow_private),
		cmocka_unit_test(test_trusted_proxies),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_base_url),
		cmocka_unit_test_setup_teardown(test_env, clear_env, clear_env),
	};
	return cmocka_run_group_tests_name("config", tests, clear_env, clear_env);
}
