/* cli.c - command-line commands: init, demo, serve, user, comments, export, check, backup, migrate,
 * optimize (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#include "app.h"
#include "article.h"
#include "buf.h"
#include "comment_io.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "export.h"
#include "http.h"
#include "server.h"
#include "log.h"
#include "media.h"
#include "migrate.h"
#include "search.h"
#include "site.h"
#include "textnorm.h"
#include "user.h"
#include "util.h"

static const char usage_main[] =
	"usage: broadsheet COMMAND [OPTIONS]\n"
	"\n"
	"Broadsheet: a bilingual (Arabic/English) news publishing platform in one binary.\n"
	"\n"
	"Commands:\n"
	"  init DIR [--db URL]       create a new, empty site in DIR\n"
	"  demo DIR [--articles N] [--db URL]\n"
	"                            create a site in DIR filled with sample articles in both editions\n"
	"  serve [--site DIR] [--db URL] [--listen ADDR:PORT] [--threads N]\n"
	"                            serve a site over HTTP (default 127.0.0.1:8080)\n"
	"  user add|list|passwd|disable|enable --site DIR ...\n"
	"                            manage newsroom accounts\n"
	"  comments export|import --site DIR [FILE]\n"
	"                            move visitor comments out of or into a site (JSON)\n"
	"  terms TEXT...             print the search terms of TEXT (what search indexes and matches)\n"
	"  export --site DIR [--base-url URL] [--jobs N] [--no-compress] OUTDIR\n"
	"                            write the public site as static files nginx can serve\n"
	"  check [--site DIR]        check the site's database for damage\n"
	"  backup [--site DIR] OUTFILE\n"
	"                            copy the site's SQLite database while it is being served\n"
	"  migrate --from sqlite:PATH|DIR --to postgresql://... [--force]\n"
	"                            copy a whole site from SQLite into PostgreSQL\n"
	"  optimize [--site DIR]     merge the search index, remake the planner statistics\n"
	"  help [COMMAND]            show help for a command\n"
	"\n"
	"Options: --help (any command), --version. --db URL (every command that opens a site): the\n"
	"database, sqlite:PATH or postgresql://USER:PASSWORD@HOST:PORT/NAME, instead of the configured one.\n"
	"Exit codes: 0 ok, 64 usage, 66 no such site, 69 cannot listen, 70 internal error,\n"
	"73 cannot create, 78 bad configuration.\n";

static const char usage_init[] =
	"usage: broadsheet init DIR [--db URL]\n"
	"\n"
	"Creates a new site in DIR (made if missing): broadsheet.conf, secret.key (mode 0600), media/ and\n"
	"the SQLite database site.db with default settings. Refuses a DIR that already holds a site.\n"
	"--db postgresql://... uses that (existing) PostgreSQL database instead and writes it into\n"
	"broadsheet.conf (then mode 0600: the URL may hold a password).\n";

static const char usage_demo[] =
	"usage: broadsheet demo DIR [--articles N] [--db URL]\n"
	"\n"
	"Creates a site in DIR like 'init', then fills it with the built-in sample articles: 42 stories in\n"
	"six sections in the English edition and their counterparts in the Arabic edition, paired as\n"
	"translations, with illustrations. --articles N adds N generated articles (for benchmarks),\n"
	"alternating between editions. A progress bar is drawn when stderr is a terminal. --db as for init.\n";

static const char usage_serve[] =
	"usage: broadsheet serve [--site DIR] [--db URL] [--listen ADDR:PORT] [--threads N] [--quiet]\n"
	"\n"
	"Serves the site in DIR (default: $BROADSHEET_SITE, else the current directory) until SIGTERM or\n"
	"SIGINT. Settings come from DIR/broadsheet.conf, then BROADSHEET_LISTEN, BROADSHEET_DATABASE,\n"
	"BROADSHEET_BASE_URL and BROADSHEET_THREADS, then these options. Prints the address it listens on.\n"
	"The first start after an upgrade re-encodes uploads stored with their camera metadata (GPS and all)\n"
	"without it, once; exit 73 when they cannot be rewritten.\n";

static const char usage_user[] =
	"usage: broadsheet user add --site DIR --name LOGIN --role admin|editor|reporter|moderator\n"
	"                           [--display-name NAME]\n"
	"       broadsheet user list --site DIR\n"
	"       broadsheet user passwd --site DIR --name LOGIN\n"
	"       broadsheet user disable|enable --site DIR --name LOGIN\n"
	"\n"
	"Manages newsroom accounts. add and passwd read the password from standard input (its first line)\n"
	"when it is not a terminal, else they ask for it twice without echo. Passwords are 10 to 1024 bytes\n"
	"and stored as argon2id hashes. passwd and disable end the account's sessions.\n"
	"Exit codes: 0 ok, 64 usage, 65 refused (bad login, role or password; login taken; no such\n"
	"account), 66 no such site, 70 internal error.\n";

static const char usage_comments[] =
	"usage: broadsheet comments export --site DIR [FILE]\n"
	"       broadsheet comments import --site DIR [FILE]\n"
	"\n"
	"export writes every comment of the site as JSON to FILE (default: standard output); import adds the\n"
	"comments in FILE (default: standard input) to the site, matching articles by edition and slug, all or\n"
	"nothing. The format is described in docs/comments.md. Addresses and emails are never exported.\n"
	"Exit codes: 0 ok, 64 usage, 65 the file is refused (nothing imported), 66 no such site or file,\n"
	"70 internal error, 73 cannot write FILE.\n";

static const char usage_export[] =
	"usage: broadsheet export [--site DIR] [--db URL] [--base-url URL] [--jobs N] [--no-compress] OUTDIR\n"
	"\n"
	"Writes the public site of DIR (default: $BROADSHEET_SITE, else the current directory) into OUTDIR\n"
	"(created when missing) as files nginx can serve: both front pages, sections, tags, authors and their\n"
	"pages, every published article, the search page, feeds, sitemaps, robots.txt, static files and\n"
	"media. A path ending in '/' becomes DIR/index.html, another page PATH.html, ?page=N PATH.page-N.html;\n"
	"feeds, sitemaps and files keep their names. Text files get .gz and .br copies (unless --no-compress)\n"
	"for nginx's gzip_static and brotli_static. Pages are rendered by N worker threads (default: the\n"
	"number of processors). Run again, it rewrites only files whose bytes changed and removes those of\n"
	"URLs that are gone (OUTDIR/.broadsheet-export lists what it wrote). Comment forms are left out: a\n"
	"static page cannot take comments. Canonical and feed addresses use the site's base_url, or URL:\n"
	"give the address the files will be served at. See docs/operations.md for the nginx configuration.\n"
	"Uploads stored with their camera metadata by an older version are re-encoded without it first (as\n"
	"serve does). Exit codes: 0 ok, 64 usage, 66 no such site, 70 some URLs failed (nothing removed),\n"
	"73 OUTDIR, or such an upload, cannot be written, 78 bad configuration.\n";
static const char usage_check[] =
	"usage: broadsheet check [--site DIR] [--db URL]\n"
	"\n"
	"Checks the site's database for damage: SQLite's integrity check and foreign keys, the search index\n"
	"against the articles (FTS5 integrity-check, which needs Broadsheet's tokenizer), and every saved\n"
	"article's revisions against its version and text. On PostgreSQL: invalid indexes (and amcheck's\n"
	"B-tree check when that extension is installed), rows whose foreign key points nowhere, the revisions,\n"
	"and each article's search terms against its text. Prints 'ok' or one line per fault. Safe to run\n"
	"while the site is being served.\n"
	"Exit codes: 0 ok, 65 faults found, 66 no such site, 70 the check could not run, 78 bad configuration.\n";

static const char usage_optimize[] =
	"usage: broadsheet optimize [--site DIR] [--db URL]\n"
	"\n"
	"Merges the search index into one piece, so searches read each word from one place (SQLite: FTS5's\n"
	"'optimize'; PostgreSQL: the GIN index's pending list flushed), then remakes the statistics the\n"
	"database chooses its indexes by (ANALYZE). Run it after a bulk import or now and then on a big site;\n"
	"the server also merges the index a little every ten minutes, and remakes the statistics when the\n"
	"number of articles has doubled or halved since they were made. On SQLite it holds the write lock\n"
	"while it runs (about four minutes per million articles): articles cannot be saved meanwhile.\n"
	"Searches answer the same before and after.\n";

static const char usage_backup[] =
	"usage: broadsheet backup [--site DIR] OUTFILE\n"
	"\n"
	"Copies the site's SQLite database to OUTFILE with SQLite's online backup API: safe while the site is\n"
	"being served (writers go on; the copy is the database as of the moment it started). The copy is\n"
	"written beside OUTFILE, opened, checked with integrity_check and only then renamed over OUTFILE, so\n"
	"OUTFILE is either the previous file or a complete, checked copy (one file: no -wal beside it). Media\n"
	"files are not in the database: copy DIR/media too. A PostgreSQL site is refused: back it up with\n"
	"pg_dump (docs/operations.md).\n"
	"Exit codes: 0 ok, 64 usage or a PostgreSQL site, 66 no such site, 70 the backup failed,\n"
	"78 bad configuration.\n";

static const char usage_migrate[] =
	"usage: broadsheet migrate --from sqlite:PATH|PATH|DIR --to postgresql://USER:PASSWORD@HOST:PORT/NAME [--force]\n"
	"\n"
	"Copies a whole site from its SQLite database (a file, or the database of the site in DIR) into a\n"
	"PostgreSQL database: settings, users, sections, tags, authors, media records, articles with their\n"
	"revisions, history, corrections and old slugs, comments and the moderation log, bans, webhooks and\n"
	"their queue, API keys and view counts, every row keeping its id. Sessions and recent failed log-ins\n"
	"are not copied: everyone logs in again after the move. Both databases are first brought to the\n"
	"newest schema; the source is read in one transaction (stop the site, or its writers wait), the\n"
	"target written in one transaction, so a failure leaves it as it was. The search index is built by the\n"
	"target from the copied text. Ends with each table's rows in the source and in the target.\n"
	"The target must hold no site (a new database, or one made by 'init --db'); --force empties a target\n"
	"that does, in the same transaction, before copying: what it held is replaced. Media files are not\n"
	"in the database: keep DIR/media (see docs/operations.md). A progress bar is drawn when stderr is a\n"
	"terminal.\n"
	"Exit codes: 0 ok, 64 usage (a bad --from or --to), 65 refused (not a Broadsheet database, a target\n"
	"that is not empty, counts that differ), 66 no such source, 69 the target cannot be reached,\n"
	"70 the copy failed (the target is unchanged).\n";

static int wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* usage_error: prints "broadsheet: WHAT ARG" and the usage text; returns EX_USAGE. */
static int usage_error(const char *usage, const char *what, const char *arg)
{
	fprintf(stderr, "broadsheet: %s%s\n\n%s", what, arg, usage);
	return EX_USAGE;
}

/* load_config: reads DIR's configuration into cfg. Returns 0, or the exit code (66 no such site, 78 bad
 * configuration) after printing why. */
static int load_config(const char *dir, struct config *cfg)
{
	char err[1024];
	if (site_load_config(dir, cfg, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return strstr(err, "not a Broadsheet site") ? EX_NOINPUT : EX_CONFIG;
	}
	return 0;
}

/* open_site: opens the site in dir (default ".") for a command: configuration, secret, store. Returns 0
 * (close with site_close), or the exit code after printing why (66 no such site, 78 bad configuration). */
static int open_site(const char *dir, const char *db, struct app *app)
{
	if (!dir || !*dir)
		dir = ".";
	struct config cfg;
	int ex = load_config(dir, &cfg);
	if (ex)
		return ex;
	char err[1024];
	if (db && config_set(&cfg, "database", db, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_USAGE;
	}
	if (site_open(app, dir, &cfg, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CONFIG;
	}
	return 0;
}

/* open_site_args: for a command whose only arguments are --site DIR and --db URL (argv[0] the command):
 * parses them (BROADSHEET_SITE when --site is absent) and opens the site into app. Returns 0, or the
 * exit code after a usage message (a bad argument, shown with usage) or open_site's message. */
static int open_site_args(int argc, char **argv, const char *usage, struct app *app)
{
	const char *dir = getenv("BROADSHEET_SITE"), *db = NULL;
	for (int i = 1; i < argc; i += 2) { /* --site DIR and --db URL, each with its value */
		if (strcmp(argv[i], "--site") != 0 && strcmp(argv[i], "--db") != 0)
			return usage_error(usage, "unknown argument ", argv[i]);
		if (i + 1 >= argc)
			return usage_error(usage, "a value is missing after ", argv[i]);
		*(strcmp(argv[i], "--site") == 0 ? &dir : &db) = argv[i + 1];
	}
	return open_site(dir, db, app);
}

static int init_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_init, stdout);
		return 0;
	}
	const char *db = NULL;
	if (argc == 4 && strcmp(argv[2], "--db") == 0)
		db = argv[3];
	else if (argc != 2)
		return usage_error(usage_init, "init takes one directory and an optional --db URL", "");
	if (argv[1][0] == '-')
		return usage_error(usage_init, "unknown option ", argv[1]);
	char err[1024];
	if (site_create(argv[1], db, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CANTCREAT;
	}
	printf("Created a new site in %s. Serve it with: broadsheet serve --site %s\n", argv[1], argv[1]);
	return 0;
}

static int demo_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_demo, stdout);
		return 0;
	}
	const char *dir = NULL, *db = NULL;
	long n = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc)
				return usage_error(usage_demo, "a value is missing after ", argv[i]);
			db = argv[++i];
		} else if (strcmp(argv[i], "--articles") == 0) {
			int64_t v;
			if (i + 1 >= argc || util_parse_i64(argv[i + 1], &v) < 0 || v < 0 || v > 10000000)
				return usage_error(usage_demo, "--articles takes a whole number from 0 to 10000000", "");
			n = (long)v;
			i++;
		} else if (argv[i][0] == '-') {
			return usage_error(usage_demo, "unknown option ", argv[i]);
		} else if (!dir) {
			dir = argv[i];
		} else {
			return usage_error(usage_demo, "unexpected argument ", argv[i]);
		}
	}
	if (!dir)
		return usage_error(usage_demo, "demo needs a directory", "");
	char err[1024];
	if (site_create(dir, db, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CANTCREAT;
	}
	fprintf(stderr, "Filling %s with sample articles%s\n", dir, n ? " and generated ones" : "");
	if (demo_fill(dir, n, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_SOFTWARE;
	}
	printf("Created a demo site in %s. Serve it with: broadsheet serve --site %s\n", dir, dir);
	return 0;
}

static int serve_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_serve, stdout);
		return 0;
	}
	const char *dir = getenv("BROADSHEET_SITE");
	const char *listen = NULL, *threads = NULL, *db = NULL;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		const char **dst = strcmp(opt, "--site") == 0     ? &dir
				   : strcmp(opt, "--db") == 0     ? &db
				   : strcmp(opt, "--listen") == 0 ? &listen
				   : strcmp(opt, "--threads") == 0 ? &threads
								   : NULL;
		if (strcmp(opt, "--quiet") == 0) {
			log_set_quiet(1);
			continue;
		}
		if (!dst)
			return usage_error(usage_serve, "unknown argument ", opt);
		if (i + 1 >= argc)
			return usage_error(usage_serve, "a value is missing after ", opt);
		*dst = argv[++i];
	}
	if (!dir || !*dir)
		dir = ".";
	char err[1024];
	struct config cfg;
	int ex = load_config(dir, &cfg);
	if (ex)
		return ex;
	if ((db && config_set(&cfg, "database", db, err, sizeof err) < 0) ||
	    (listen && config_set(&cfg, "listen", listen, err, sizeof err) < 0) ||
	    (threads && config_set(&cfg, "threads", threads, err, sizeof err) < 0)) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_USAGE;
	}
	struct app app;
	if (site_open(&app, dir, &cfg, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CONFIG;
	}
	int rc = EX_SOFTWARE; /* the image library cannot start */
	if (media_init() == 0) {
		if (media_clean_stored(app.media_dir) < 0) {
			fprintf(stderr, "broadsheet: the uploads in %s could not all be re-encoded without their camera "
			                "metadata (see above); they are not served until they are\n",
			        app.media_dir);
			rc = EX_CANTCREAT;
		} else {
			rc = server_run(&app) < 0 ? EX_UNAVAILABLE : 0;
		}
		media_shutdown();
	}
	site_close(&app); /* the one way out once the site is open */
	return rc;
}

/* terms_cmd: `broadsheet terms TEXT...`: prints search_terms() of the arguments joined by spaces, one line:
 * the words search indexes and matches (the articles.terms column holds the same for each article).
 * Returns 0, or EX_USAGE without text. */
static int terms_cmd(int argc, char **argv)
{
	if (argc < 2 || wants_help(argc, argv))
		return usage_error(usage_main, "terms needs TEXT", "");
	struct buf text = BUF_INIT, out = BUF_INIT;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			buf_putc(&text, ' ');
		buf_append(&text, argv[i], strlen(argv[i]));
	}
	search_terms(&out, text.data, text.len);
	printf("%s\n", buf_cstr(&out));
	buf_free(&text);
	buf_free(&out);
	return 0;
}

/* export_cmd: `broadsheet export --site DIR [--base-url URL] [--jobs N] [--no-compress] OUTDIR`: writes the
 * public site as static files (see export.h). Returns 0, or an exit code after printing why. */
static int export_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_export, stdout);
		return 0;
	}
	const char *dir = getenv("BROADSHEET_SITE"), *out = NULL, *base = NULL, *db = NULL;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	struct export_options o = {.jobs = n > 0 ? (int)n : 2, .compress = 1};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--site") == 0 || strcmp(argv[i], "--jobs") == 0 || strcmp(argv[i], "--base-url") == 0 ||
		    strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc)
				return usage_error(usage_export, "a value is missing after ", argv[i]);
			if (argv[i][2] != 'j') {
				const char **dst = argv[i][2] == 's' ? &dir : argv[i][2] == 'd' ? &db : &base;
				*dst = argv[++i];
				continue;
			}
			int64_t v;
			if (util_parse_i64(argv[++i], &v) < 0 || v < 1 || v > 64)
				return usage_error(usage_export, "--jobs takes a whole number from 1 to 64", "");
			o.jobs = (int)v;
		} else if (strcmp(argv[i], "--no-compress") == 0) {
			o.compress = 0;
		} else if (argv[i][0] == '-') {
			return usage_error(usage_export, "unknown option ", argv[i]);
		} else if (!out) {
			out = argv[i];
		} else {
			return usage_error(usage_export, "unexpected argument ", argv[i]);
		}
	}
	if (!out || !*out)
		return usage_error(usage_export, "export needs an output directory", "");
	struct app app;
	int ex = open_site(dir, db, &app);
	if (ex)
		return ex;
	char err[1024];
	if (base && config_set(&app.cfg, "base_url", base, err, sizeof err) < 0) {
		site_close(&app);
		return usage_error(usage_export, err, "");
	}
	app.https = strncmp(app.cfg.base_url, "https://", 8) == 0;
	o.outdir = out;
	o.progress = isatty(STDERR_FILENO) ? EXPORT_BAR : EXPORT_LINES;
	/* the export copies the media dir: uploads stored before metadata was removed are cleaned first */
	if (media_init() < 0 || media_clean_stored(app.media_dir) < 0) {
		fprintf(stderr, "broadsheet: the uploads in %s could not all be re-encoded without their camera metadata "
		                "(see above); nothing was exported\n",
		        app.media_dir);
		site_close(&app);
		media_shutdown();
		return EX_CANTCREAT;
	}
	struct export_stats st;
	int rc = export_site(&app, &o, &st, err, sizeof err);
	site_close(&app);
	media_shutdown();
	if (rc < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return strstr(err, "store") ? EX_SOFTWARE : EX_CANTCREAT;
	}
	printf("Exported to %s: %ld written, %ld unchanged, %ld removed in %.2f s (%d jobs)", out, st.written,
	       st.unchanged, st.removed, st.seconds, o.jobs);
	if (st.redirects || st.broken || st.failed)
		printf("; %ld redirects skipped, %ld not found, %ld failed", st.redirects, st.broken, st.failed);
	printf(".\n");
	if (rc > 0)
		fprintf(stderr, "broadsheet: %ld URL(s) failed: nothing was removed; fix and run again\n", st.failed);
	return rc > 0 ? EX_SOFTWARE : 0;
}

/* read_password: the new password from stdin (first line) or, on a terminal, typed twice without echo.
 * Returns a malloc'd string (caller frees) or NULL with a message printed. */
static char *read_password(void)
{
	char *line = NULL;
	size_t cap = 0;
	if (!isatty(STDIN_FILENO)) {
		ssize_t n = getline(&line, &cap, stdin);
		if (n < 0) {
			free(line);
			fprintf(stderr, "broadsheet: no password on standard input\n");
			return NULL;
		}
		line[strcspn(line, "\r\n")] = '\0';
		return line;
	}
	struct termios old, quiet;
	tcgetattr(STDIN_FILENO, &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	char *again = NULL;
	size_t cap2 = 0;
	fputs("New password: ", stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	ssize_t n1 = getline(&line, &cap, stdin);
	fputs("\nAgain: ", stderr);
	ssize_t n2 = getline(&again, &cap2, stdin);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputs("\n", stderr);
	if (n1 < 0 || n2 < 0 || strcmp(line, again) != 0) {
		fprintf(stderr, "broadsheet: the two passwords differ\n");
		free(line);
		free(again);
		return NULL;
	}
	free(again);
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int user_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv) || argc < 2) {
		fputs(usage_user, argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE : 0;
	}
	const char *sub = argv[1];
	const char *dir = getenv("BROADSHEET_SITE"), *name = NULL, *role = NULL, *display = "", *db = NULL;
	for (int i = 2; i < argc; i++) {
		const char *opt = argv[i];
		const char **dst = strcmp(opt, "--site") == 0		? &dir
				   : strcmp(opt, "--db") == 0		? &db
				   : strcmp(opt, "--name") == 0		? &name
				   : strcmp(opt, "--role") == 0		? &role
				   : strcmp(opt, "--display-name") == 0 ? &display
									: NULL;
		if (!dst)
			return usage_error(usage_user, "unknown argument ", opt);
		if (i + 1 >= argc)
			return usage_error(usage_user, "a value is missing after ", opt);
		if (dst == &display)
			textnorm_strip_bidi(argv[i + 1]); /* as every name typed on the web (http_form_text) */
		*dst = argv[++i];
	}
	int list = strcmp(sub, "list") == 0;
	if (!list && strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0)
		return usage_error(usage_user, "unknown user command ", sub);
	if (!list && !name)
		return usage_error(usage_user, "--name LOGIN is required for ", sub);
	if (strcmp(sub, "add") == 0 && !role)
		return usage_error(usage_user, "--role is required for ", sub);
	struct app app;
	int ex = open_site(dir, db, &app);
	if (ex)
		return ex;
	int rc = 0;
	const char *why = NULL;
	if (list) {
		struct arena a = ARENA_INIT;
		struct db_user *users;
		size_t n;
		if (db_users_list(app.db, &a, &users, &n) != DB_OK) {
			why = "the accounts could not be read";
			rc = EX_SOFTWARE;
		} else {
			printf("%-24s %-10s %-8s %s\n", "LOGIN", "ROLE", "STATE", "NAME");
			for (size_t i = 0; i < n; i++)
				printf("%-24s %-10s %-8s %s\n", users[i].login, users[i].role,
				       users[i].disabled ? "disabled" : "active", users[i].display_name);
		}
		arena_free(&a);
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		why = user_disable(app.db, name, strcmp(sub, "disable") == 0);
		rc = why ? EX_DATAERR : 0;
		if (!why)
			printf("%s %sd.\n", name, sub);
	} else {
		char *pw = read_password();
		if (!pw) {
			rc = EX_DATAERR;
		} else {
			int64_t id;
			why = strcmp(sub, "add") == 0 ? user_create(app.db, name, display, role, pw, &id)
						      : user_set_password(app.db, name, pw);
			sodium_memzero(pw, strlen(pw));
			free(pw);
			rc = why ? EX_DATAERR : 0;
			if (!why && strcmp(sub, "add") == 0)
				printf("Added %s (%s).\n", name, role);
			else if (!why)
				printf("Password of %s changed.\n", name);
		}
	}
	if (why)
		fprintf(stderr, "broadsheet: %s\n", why);
	site_close(&app);
	return rc;
}

static int comments_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv) || argc < 2) {
		fputs(usage_comments, argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE : 0;
	}
	const char *sub = argv[1], *dir = getenv("BROADSHEET_SITE"), *file = NULL, *db = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--site") == 0 || strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc)
				return usage_error(usage_comments, "a value is missing after ", argv[i]);
			*(strcmp(argv[i], "--site") == 0 ? &dir : &db) = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(usage_comments, "unknown option ", argv[i]);
		} else if (!file) {
			file = argv[i];
		} else {
			return usage_error(usage_comments, "unexpected argument ", argv[i]);
		}
	}
	int export = strcmp(sub, "export") == 0;
	if (!export && strcmp(sub, "import") != 0)
		return usage_error(usage_comments, "unknown comments command ", sub);
	char err[1024];
	char *text = NULL;
	size_t len = 0;
	if (!export) {
		if (file && strcmp(file, "-") != 0) {
			text = util_read_file(file, &len);
			if (!text) {
				fprintf(stderr, "broadsheet: cannot read %s: %s\n", file, strerror(errno));
				return EX_NOINPUT;
			}
		} else {
			struct buf b = BUF_INIT;
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
				buf_append(&b, chunk, got);
			text = buf_steal(&b, &len);
		}
	}
	struct app app;
	int ex = open_site(dir, db, &app);
	if (ex) {
		free(text);
		return ex;
	}
	int rc = 0;
	if (export) {
		FILE *out = file && strcmp(file, "-") != 0 ? fopen(file, "w") : stdout;
		if (!out) {
			fprintf(stderr, "broadsheet: cannot write %s: %s\n", file, strerror(errno));
			rc = EX_CANTCREAT;
		} else {
			int n = comment_export(app.db, out, err, sizeof err);
			if ((out != stdout && fclose(out) != 0) || n < 0) {
				fprintf(stderr, "broadsheet: %s\n", n < 0 ? err : "cannot finish writing the export");
				rc = EX_SOFTWARE;
			} else {
				fprintf(stderr, "Exported %d comment(s).\n", n);
			}
		}
	} else {
		int n = comment_import(app.db, app.secret, text, len, err, sizeof err);
		if (n < 0) {
			fprintf(stderr, "broadsheet: nothing imported: %s\n", err);
			rc = EX_DATAERR;
		} else {
			printf("Imported %d comment(s).\n", n);
		}
	}
	free(text);
	site_close(&app);
	return rc;
}

/* check_cmd: `broadsheet check`: runs db_check on the site and prints its findings. Returns the exit code. */
static int check_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_check, stdout);
		return 0;
	}
	struct app app;
	int ex = open_site_args(argc, argv, usage_check, &app);
	if (ex)
		return ex;
	struct arena a = ARENA_INIT;
	const char **problems;
	size_t n;
	int rc = 0;
	if (db_check(app.db, &a, &problems, &n) != DB_OK) {
		fprintf(stderr, "broadsheet: the check could not run (see the log above)\n");
		rc = EX_SOFTWARE;
	} else if (n == 0) {
		printf("ok\n");
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", problems[i]);
		fprintf(stderr, "broadsheet: %zu fault(s) found\n", n);
		rc = EX_DATAERR;
	}
	arena_free(&a);
	site_close(&app);
	return rc;
}

/* optimize_cmd: `broadsheet optimize [--site DIR] [--db URL]`: db_search_maintain(db, 0), then a full
 * db_analyze, on the site (opening it runs any pending migration first). Returns the exit code. */
static int optimize_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_optimize, stdout);
		return 0;
	}
	struct app app;
	int ex = open_site_args(argc, argv, usage_optimize, &app);
	if (ex)
		return ex;
	int64_t t0 = util_now();
	int rc = 0;
	int64_t made = -1;
	if (db_search_maintain(app.db, 0) != DB_OK) {
		fprintf(stderr, "broadsheet: the search index could not be merged (see the log above)\n");
		rc = EX_SOFTWARE;
	} else if (db_analyze(app.db, 1, &made) != DB_OK) {
		fprintf(stderr, "broadsheet: the query planner's statistics could not be made (see the log above)\n");
		rc = EX_SOFTWARE;
	} else {
		printf("ok: the search index is merged and the statistics made for %lld article(s) (%lld s)\n",
		       (long long)made, (long long)(util_now() - t0));
	}
	site_close(&app);
	return rc;
}

/* backup_cmd: `broadsheet backup [--site DIR] OUTFILE`: db_backup of the site to OUTFILE. Returns the exit
 * code. */
static int backup_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_backup, stdout);
		return 0;
	}
	const char *dir = getenv("BROADSHEET_SITE"), *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--site") == 0) {
			if (i + 1 >= argc)
				return usage_error(usage_backup, "a value is missing after ", argv[i]);
			dir = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error(usage_backup, "unknown argument ", argv[i]);
		} else if (out) {
			return usage_error(usage_backup, "more than one OUTFILE: ", argv[i]);
		} else {
			out = argv[i];
		}
	}
	if (!out || !*out)
		return usage_error(usage_backup, "the file to write is missing", "");
	if (!dir || !*dir)
		dir = ".";
	struct config cfg;
	int ex = load_config(dir, &cfg);
	if (ex)
		return ex;
	if (strncmp(cfg.database, "postgres", 8) == 0) {
		fprintf(stderr, "broadsheet: this site's database is PostgreSQL: back it up with pg_dump (see "
				"\"Backups\" in docs/operations.md); backup copies SQLite databases only\n");
		return EX_USAGE;
	}
	char path[4096];
	if (out[0] == '/') {
		snprintf(path, sizeof path, "%s", out);
	} else {
		char cwd[2048];
		if (!getcwd(cwd, sizeof cwd)) {
			fprintf(stderr, "broadsheet: cannot tell the current directory: %s\n", strerror(errno));
			return EX_SOFTWARE;
		}
		snprintf(path, sizeof path, "%s/%s", cwd, out);
	}
	struct app app;
	ex = open_site(dir, NULL, &app);
	if (ex)
		return ex;
	char err[1024];
	int rc = 0;
	if (db_backup(app.db, path, err, sizeof err) != DB_OK) {
		fprintf(stderr, "broadsheet: %s\n", err);
		rc = EX_SOFTWARE;
	} else {
		printf("backed up to %s\n", path);
	}
	site_close(&app);
	return rc;
}

/* migrate_cmd: `broadsheet migrate --from SRC --to URL [--force]`: migrate_run, then the verification table
 * and a summary. Returns 0 or migrate_run's exit code. */
static int migrate_cmd(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_migrate, stdout);
		return 0;
	}
	struct migrate_options o = {.bar = isatty(STDERR_FILENO)};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 || strcmp(argv[i], "--to") == 0) {
			if (i + 1 >= argc)
				return usage_error(usage_migrate, "a value is missing after ", argv[i]);
			*(strcmp(argv[i], "--from") == 0 ? &o.from : &o.to) = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--force") == 0) {
			o.force = 1;
		} else {
			return usage_error(usage_migrate, "unknown argument ", argv[i]);
		}
	}
	if (!o.from || !o.to)
		return usage_error(usage_migrate, "migrate needs --from and --to", "");
	struct arena a = ARENA_INIT;
	struct migrate_result res;
	char err[1024];
	int rc = migrate_run(&o, &a, &res, err, sizeof err);
	if (res.n)
		migrate_print_counts(stdout, &res);
	if (rc) {
		fprintf(stderr, "broadsheet: %s\n", err);
	} else {
		printf("Copied %lld rows in %.2f s. Serve the site from PostgreSQL with --db URL, or set database = URL "
		       "in its broadsheet.conf.\n", (long long)res.rows, res.seconds);
	}
	arena_free(&a);
	return rc;
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EX_USAGE;
	}
	const char *cmd = argv[1];
	int rc;
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("broadsheet %s\n", BROADSHEET_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		const char *topic = argc > 2 ? argv[2] : "";
		fputs(strcmp(topic, "init") == 0    ? usage_init
		      : strcmp(topic, "demo") == 0  ? usage_demo
		      : strcmp(topic, "serve") == 0 ? usage_serve
		      : strcmp(topic, "user") == 0  ? usage_user
		      : strcmp(topic, "comments") == 0 ? usage_comments
		      : strcmp(topic, "export") == 0 ? usage_export
		      : strcmp(topic, "check") == 0 ? usage_check
		      : strcmp(topic, "backup") == 0 ? usage_backup
		      : strcmp(topic, "migrate") == 0 ? usage_migrate
		      : strcmp(topic, "optimize") == 0 ? usage_optimize
						    : usage_main,
		      stdout);
		return 0;
	}
	if (strcmp(cmd, "init") == 0)
		rc = init_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "demo") == 0)
		rc = demo_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "serve") == 0)
		rc = serve_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "user") == 0)
		rc = user_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "comments") == 0)
		rc = comments_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "terms") == 0)
		rc = terms_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "export") == 0)
		rc = export_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "check") == 0)
		rc = check_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "backup") == 0)
		rc = backup_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "migrate") == 0)
		rc = migrate_cmd(argc - 1, argv + 1);
	else if (strcmp(cmd, "optimize") == 0)
		rc = optimize_cmd(argc - 1, argv + 1);
	else
		return usage_error(usage_main, "unknown command ", cmd);
	article_shutdown();
	return rc;
}
