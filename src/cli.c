/* cli.c - command-line commands: init, demo, serve, user, comments, export, check, backup, migrate,
 * optimize, import (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sysexits.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "article.h"
#include "audit.h"
#include "buf.h"
#include "comment_io.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "embedded.h"
#include "export.h"
#include "http.h"
#include "server.h"
#include "log.h"
#include "mail.h"
#include "mail_send.h"
#include "media.h"
#include "migrate.h"
#include "search.h"
#include "site.h"
#include "textnorm.h"
#include "user.h"
#include "util.h"
#include "wp_import.h"

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
	"  import wordpress FILE.xml --site DIR [--uploads DIR] ...\n"
	"                            import a WordPress export (posts, media, comments, old links)\n"
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

static const char usage_mail_test[] =
	"usage: broadsheet mail-test [--site DIR] --to ADDRESS\n"
	"\n"
	"Sends one short test message (in English and Arabic, plain text and HTML) to ADDRESS the way the site\n"
	"sends all its mail: through the relay set by smtp_url in broadsheet.conf, or, when smtp_url is empty,\n"
	"as a .eml file in DIR/mail/. Says where it went. Exit status: 0 sent, 65 not an address, 69 the relay\n"
	"could not be reached or refused for now (try again), 76 the relay refused for good, 78 bad configuration.\n";

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

/* wants_help: 1 when any of the arguments is --help or -h. */
static const char usage_import[] =
	"usage: broadsheet import wordpress FILE.xml [--site DIR] [--db URL] [--uploads DIR] [--edition en|ar]\n"
	"                                   [--sections MAPFILE] [--accounts] [--report FILE] [--batch N] [--quiet]\n"
	"\n"
	"Imports a WordPress export (Tools > Export > All content: WXR 1.1 or 1.2) into the site: posts and pages\n"
	"become articles (pages in a \"pages\" section), categories sections (each its own section, the article\n"
	"in its deepest one; MAPFILE lines \"wp-category-slug = section-slug\" choose others), tags tags, authors\n"
	"bylines (--accounts: also newsroom accounts without a password), attachments media with renditions (files\n"
	"from --uploads DIR, the old site's wp-content/uploads), comments with their threads and states; Polylang's\n"
	"languages pick the edition and pair translations (else the channel's <language>; --edition overrides).\n"
	"Every old address (permalinks, ?p=ID, category and tag archives, attachment pages) is kept for a 301.\n"
	"Running it again updates what changed and leaves the rest. One transaction per batch of N items\n"
	"(default 100): an import that stops keeps whole batches, and running it again goes on.\n"
	"The report (stdout; JSON with --report) names every skipped item with its WordPress id and why.\n"
	"Exit codes: 0 ok, 64 usage, 65 the file is refused (a DOCTYPE, a bad encoding, not a WXR: nothing\n"
	"written), 66 no such site or file, 70 stopped part-way (a broken-off file or a database error).\n";

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

/* One option of a command. With value: `NAME VALUE`, VALUE stored in *value. With num: `NAME N`, a whole
 * number from min to max stored in *num, else refused with `bad` (and so is a missing N when bad_missing).
 * With flag: `NAME` alone sets *flag to 1. A list of options ends with a NULL name. */
struct cli_opt {
	const char *name;
	char **value;
	int64_t *num;
	int64_t min, max;
	const char *bad;
	int bad_missing;
	int *flag;
};

/* An option with a value stored in var; a flag setting var; the --site DIR and --db URL most commands take. */
#define CLI_VALUE(opt, var) {.name = (opt), .value = &(var)}
#define CLI_FLAG(opt, var) {.name = (opt), .flag = &(var)}
#define CLI_SITE_OPTS(dir, db) CLI_VALUE("--site", dir), CLI_VALUE("--db", db)

/* How a command reads its arguments: its options; where its one positional argument goes (NULL: it takes
 * none, and one is refused as unknown); the words of its refusals. */
struct cli_args {
	const char *usage;
	const struct cli_opt *opts;
	char **pos;
	const char *unknown; /* an option it does not take: "unknown option " or "unknown argument " */
	const char *extra;   /* a second positional argument */
	const char *need;    /* when set, the refusal of a missing or empty positional argument */
	int dash_pos;        /* "-" alone is a positional argument (standard input or output), not an option */
};

/* cli_parse: reads argv[first..argc) as spec says, storing into the places its options and pos name (they
 * point into argv). Returns 0, or EX_USAGE after printing the refusal and the usage. */
static int cli_parse(int argc, char **argv, int first, const struct cli_args *spec)
{
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		const struct cli_opt *o = spec->opts;
		while (o->name && strcmp(o->name, arg) != 0)
			o++;
		if (!o->name) {
			if ((arg[0] == '-' && (arg[1] || !spec->dash_pos)) || !spec->pos)
				return usage_error(spec->usage, spec->unknown, arg);
			if (*spec->pos)
				return usage_error(spec->usage, spec->extra, arg);
			*spec->pos = argv[i];
		} else if (o->flag) {
			*o->flag = 1;
		} else if (i + 1 >= argc) {
			return o->bad_missing ? usage_error(spec->usage, o->bad, "")
					      : usage_error(spec->usage, "a value is missing after ", arg);
		} else if (!o->num) {
			*o->value = argv[++i];
		} else if (util_parse_i64(argv[++i], o->num) < 0 || *o->num < o->min || *o->num > o->max) {
			return usage_error(spec->usage, o->bad, "");
		}
	}
	if (spec->need && (!*spec->pos || !**spec->pos))
		return usage_error(spec->usage, spec->need, "");
	return 0;
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

/* open_site_with: opens the site in dir (default ".") for a command: configuration, with the settings in
 * `set` (key, value, key, value ..., NULL; a NULL value is left as configured), secret, store. Returns 0
 * (close with site_close), or the exit code after printing why (64 a bad setting, 66 no such site, 78 bad
 * configuration). */
static int open_site_with(const char *dir, const char *const set[], struct app *app)
{
	if (!dir || !*dir)
		dir = ".";
	struct config cfg;
	int ex = load_config(dir, &cfg);
	if (ex)
		return ex;
	char err[1024];
	for (size_t k = 0; set[k]; k += 2) {
		if (set[k + 1] && config_set(&cfg, set[k], set[k + 1], err, sizeof err) < 0) {
			fprintf(stderr, "broadsheet: %s\n", err);
			return EX_USAGE;
		}
	}
	if (site_open(app, dir, &cfg, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CONFIG;
	}
	return 0;
}

/* open_site: open_site_with the database URL db (NULL: the configured one) as the only setting. */
static int open_site(const char *dir, const char *db, struct app *app)
{
	const char *set[] = {"database", db, NULL};
	return open_site_with(dir, set, app);
}

/* site_cmd: runs a command whose only arguments are --site DIR and --db URL (argv[0] the command;
 * BROADSHEET_SITE when --site is absent): parses them, opens the site, runs fn on it and closes it. Returns
 * the exit code: a usage error's, open_site's, else fn's. */
static int site_cmd(int argc, char **argv, const char *usage, int (*fn)(struct app *app))
{
	char *dir = getenv("BROADSHEET_SITE"), *db = NULL;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), {0}};
	const struct cli_args spec = {.usage = usage, .opts = opts, .unknown = "unknown argument "};
	struct app app;
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex || (ex = open_site(dir, db, &app)) != 0)
		return ex;
	ex = fn(&app);
	site_close(&app);
	return ex;
}

/* create_site: site_create of dir (with the database URL db, NULL for SQLite in dir). Returns 0, or
 * EX_CANTCREAT after printing why. */
static int create_site(const char *dir, const char *db)
{
	char err[1024];
	if (site_create(dir, db, err, sizeof err) < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_CANTCREAT;
	}
	return 0;
}

/* init_cmd: `broadsheet init DIR [--db URL]`: creates an empty site. Returns the exit code. */
static int init_cmd(int argc, char **argv)
{
	const char *db = NULL;
	if (argc == 4 && strcmp(argv[2], "--db") == 0)
		db = argv[3];
	else if (argc != 2)
		return usage_error(usage_init, "init takes one directory and an optional --db URL", "");
	if (argv[1][0] == '-')
		return usage_error(usage_init, "unknown option ", argv[1]);
	int ex = create_site(argv[1], db);
	if (!ex)
		printf("Created a new site in %s. Serve it with: broadsheet serve --site %s\n", argv[1], argv[1]);
	return ex;
}

/* demo_wordpress: imports the bundled demo/wordpress.xml (a tiny WordPress export: an English and Arabic
 * pair, threaded comments, old addresses) into the demo site in dir, as `broadsheet import wordpress` would.
 * Returns 0, or -1 after printing why. */
static int demo_wordpress(const char *dir, const char *db)
{
	const struct embedded_file *f = embedded_find("demo/wordpress.xml");
	struct app app;
	if (!f || open_site(dir, db, &app) != 0)
		return -1;
	struct wp_options o = {.file = "demo/wordpress.xml", .data = f->data, .len = f->len, .batch = 100, .quiet = 1};
	int ex = wp_import_run(&app, &o, NULL);
	site_close(&app);
	return ex == 0 ? 0 : -1;
}

/* demo_cmd: `broadsheet demo DIR [--articles N] [--drawn] [--db URL]`: creates a site and fills it with the
 * sample articles (and N generated ones). Returns the exit code. */
static int demo_cmd(int argc, char **argv)
{
	char *dir = NULL, *db = NULL;
	int64_t n = 0;
	int drawn = 0;
	const struct cli_opt opts[] = {
		CLI_VALUE("--db", db),
		CLI_FLAG("--drawn", drawn),
		{.name = "--articles", .num = &n, .min = 0, .max = 10000000, .bad_missing = 1,
		 .bad = "--articles takes a whole number from 0 to 10000000"},
		{0}};
	const struct cli_args spec = {.usage = usage_demo, .opts = opts, .pos = &dir, .unknown = "unknown option ",
				      .extra = "unexpected argument "};
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex)
		return ex;
	if (!dir)
		return usage_error(usage_demo, "demo needs a directory", "");
	if ((ex = create_site(dir, db)) != 0)
		return ex;
	fprintf(stderr, "Filling %s with sample articles%s\n", dir, n ? " and generated ones" : "");
	char err[1024];
	if (!drawn && media_init() < 0) { /* the lead pictures are stored as uploads are */
		fprintf(stderr, "broadsheet: the image library (libvips) did not start\n");
		media_shutdown();
		return EX_SOFTWARE;
	}
	int failed = demo_fill(dir, (long)n, drawn, err, sizeof err) < 0;
	if (!failed && demo_wordpress(dir, db) < 0) {
		failed = 1;
		snprintf(err, sizeof err, "the sample WordPress export could not be imported");
	}
	if (!drawn)
		media_shutdown();
	if (failed) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return EX_SOFTWARE;
	}
	printf("Created a demo site in %s. Serve it with: broadsheet serve --site %s\n", dir, dir);
	return 0;
}

/* clean_media: starts the media library and re-encodes the uploads of app stored with their camera
 * metadata (media_clean_stored), before they are served or exported. Returns 0 (stop it with
 * media_shutdown), or an exit code after printing why and what follows (`then`): EX_CANTCREAT when an
 * upload cannot be rewritten, init_failed when the library does not start (when that is EX_CANTCREAT the
 * same message is printed). */
static int clean_media(struct app *app, int init_failed, const char *then)
{
	int init = media_init();
	if (init < 0 && init_failed != EX_CANTCREAT)
		return init_failed;
	if (init < 0 || media_clean_stored(app->media_dir) < 0) {
		fprintf(stderr, "broadsheet: the uploads in %s could not all be re-encoded without their camera metadata "
				"(see above); %s\n",
			app->media_dir, then);
		media_shutdown();
	}
	return 0;
}

/* serve_cmd: `broadsheet serve [--site DIR] [--db URL] [--listen ADDR:PORT] [--threads N] [--quiet]`: serves
 * the site until a signal. Returns the exit code. */
static int serve_cmd(int argc, char **argv)
{
	char *dir = getenv("BROADSHEET_SITE"), *listen = NULL, *threads = NULL, *db = NULL;
	int quiet = 0;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), CLI_VALUE("--listen", listen),
				       CLI_VALUE("--threads", threads), CLI_FLAG("--quiet", quiet), {0}};
	const struct cli_args spec = {.usage = usage_serve, .opts = opts, .unknown = "unknown argument "};
	int ex = cli_parse(argc, argv, 1, &spec);
	if (quiet)
		log_set_quiet(1);
	const char *set[] = {"database", db, "listen", listen, "threads", threads, NULL};
	struct app app;
	if (ex || (ex = open_site_with(dir, set, &app)) != 0)
		return ex;
	if ((ex = clean_media(&app, EX_SOFTWARE, "they are not served until they are")) != 0) {
		site_close(&app);
		return ex;
	}
	int rc = server_run(&app);
	site_close(&app);
	media_shutdown();
	return rc < 0 ? EX_UNAVAILABLE : 0;
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

/* export_run: cleans the media of the open site app and writes it as static files per o (see export.h),
 * printing the summary. Returns the exit code. */
static int export_run(struct app *app, struct export_options *o)
{
	int ex = clean_media(app, EX_CANTCREAT, "nothing was exported");
	if (ex)
		return ex;
	struct export_stats st;
	char err[1024];
	int rc = export_site(app, o, &st, err, sizeof err);
	media_shutdown();
	if (rc < 0) {
		fprintf(stderr, "broadsheet: %s\n", err);
		return strstr(err, "store") ? EX_SOFTWARE : EX_CANTCREAT;
	}
	printf("Exported to %s: %ld written, %ld unchanged, %ld removed in %.2f s (%d jobs)", o->outdir, st.written,
	       st.unchanged, st.removed, st.seconds, o->jobs);
	if (st.redirects || st.broken || st.failed)
		printf("; %ld redirects skipped, %ld not found, %ld failed", st.redirects, st.broken, st.failed);
	printf(".\n");
	if (rc > 0)
		fprintf(stderr, "broadsheet: %ld URL(s) failed: nothing was removed; fix and run again\n", st.failed);
	return rc > 0 ? EX_SOFTWARE : 0;
}

/* export_cmd: `broadsheet export --site DIR [--base-url URL] [--jobs N] [--no-compress] OUTDIR`: writes the
 * public site as static files (see export.h). Returns 0, or an exit code after printing why. */
static int export_cmd(int argc, char **argv)
{
	char *dir = getenv("BROADSHEET_SITE"), *out = NULL, *base = NULL, *db = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t jobs = cpus > 0 ? cpus : 2;
	int plain = 0;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), CLI_VALUE("--base-url", base),
				       {.name = "--jobs", .num = &jobs, .min = 1, .max = 64,
					.bad = "--jobs takes a whole number from 1 to 64"},
				       CLI_FLAG("--no-compress", plain),
				       {0}};
	const struct cli_args spec = {.usage = usage_export, .opts = opts, .pos = &out, .unknown = "unknown option ",
				      .extra = "unexpected argument ", .need = "export needs an output directory"};
	struct app app;
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex || (ex = open_site(dir, db, &app)) != 0)
		return ex;
	char err[1024];
	if (base && config_set(&app.cfg, "base_url", base, err, sizeof err) < 0) {
		site_close(&app);
		return usage_error(usage_export, err, "");
	}
	app.https = strncmp(app.cfg.base_url, "https://", 8) == 0;
	struct export_options o = {.outdir = out, .jobs = (int)jobs, .compress = !plain,
				   .progress = isatty(STDERR_FILENO) ? EXPORT_BAR : EXPORT_LINES};
	ex = export_run(&app, &o);
	site_close(&app);
	return ex;
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

/* user_list: prints the accounts of app's site as a table. Returns 0, or EX_SOFTWARE after printing why. */
static int user_list(struct app *app)
{
	struct arena a = ARENA_INIT;
	struct db_user *users;
	size_t n;
	int rc = 0;
	if (db_users_list(app->db, &a, &users, &n) != DB_OK) {
		fprintf(stderr, "broadsheet: %s\n", "the accounts could not be read");
		rc = EX_SOFTWARE;
	} else {
		printf("%-24s %-10s %-8s %s\n", "LOGIN", "ROLE", "STATE", "NAME");
		for (size_t i = 0; i < n; i++)
			printf("%-24s %-10s %-8s %s\n", users[i].login, users[i].role,
			       users[i].disabled ? "disabled" : "active", users[i].display_name);
	}
	arena_free(&a);
	return rc;
}

/* audit_user: the audit log's entry for the change sub (add, passwd, disable, enable) of account name made on
 * the command line, as the account "cli" (user.created, user.password_reset, user.disabled, user.enabled). */
static void audit_user(struct db *db, const char *sub, const char *name, const char *role)
{
	static const char *const actions[][2] = {
		{"add", "user.created"}, {"passwd", "user.password_reset"}, {"disable", "user.disabled"}, {"enable", "user.enabled"}};
	struct arena a = ARENA_INIT;
	struct db_user u;
	const char *target = db_user_get_by_login(db, &a, name, &u) == DB_OK ? audit_target(&a, "user", u.id) : NULL;
	for (size_t i = 0; i < ARRAY_LEN(actions); i++)
		if (strcmp(sub, actions[i][0]) == 0)
			audit_record_db(db, "cli", actions[i][1], target, i == 0 ? arena_printf(&a, "%s (%s)", name, role) : name);
	arena_free(&a);
}

/* user_change: `user add|passwd|disable|enable` (sub) of the account name on app's site; add with role and
 * display name display. Prints what was done. Returns 0, or EX_DATAERR after printing why. */
static int user_change(struct app *app, const char *sub, const char *name, const char *role, const char *display)
{
	const char *why;
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		why = user_disable(app->db, name, strcmp(sub, "disable") == 0);
		if (!why)
			printf("%s %sd.\n", name, sub);
	} else {
		char *pw = read_password();
		if (!pw)
			return EX_DATAERR;
		int64_t id;
		int add = strcmp(sub, "add") == 0;
		why = add ? user_create(app->db, name, display, role, pw, &id) : user_set_password(app->db, name, pw);
		sodium_memzero(pw, strlen(pw));
		free(pw);
		if (!why && add)
			printf("Added %s (%s).\n", name, role);
		else if (!why)
			printf("Password of %s changed.\n", name);
	}
	if (why)
		fprintf(stderr, "broadsheet: %s\n", why);
	else
		audit_user(app->db, sub, name, role);
	return why ? EX_DATAERR : 0;
}

/* user_cmd: `broadsheet user add|list|passwd|disable|enable --site DIR ...`: manages newsroom accounts.
 * Returns the exit code. */
static int user_cmd(int argc, char **argv)
{
	const char *sub = argv[1];
	char *dir = getenv("BROADSHEET_SITE"), *name = NULL, *role = NULL, *display = NULL, *db = NULL;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), CLI_VALUE("--name", name), CLI_VALUE("--role", role),
				       CLI_VALUE("--display-name", display), {0}};
	const struct cli_args spec = {.usage = usage_user, .opts = opts, .unknown = "unknown argument "};
	int ex = cli_parse(argc, argv, 2, &spec);
	if (ex)
		return ex;
	if (display)
		textnorm_strip_bidi(display); /* as every name typed on the web (http_form_text) */
	int list = strcmp(sub, "list") == 0;
	if (!list && strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0)
		return usage_error(usage_user, "unknown user command ", sub);
	if (!list && !name)
		return usage_error(usage_user, "--name LOGIN is required for ", sub);
	if (strcmp(sub, "add") == 0 && !role)
		return usage_error(usage_user, "--role is required for ", sub);
	struct app app;
	if ((ex = open_site(dir, db, &app)) != 0)
		return ex;
	ex = list ? user_list(&app) : user_change(&app, sub, name, role, display ? display : "");
	site_close(&app);
	return ex;
}

/* comments_input: the text of file (standard input when NULL or "-") into *text (malloc'd, caller frees)
 * and *len. Returns 0, or EX_NOINPUT after printing why. */
static int comments_input(const char *file, char **text, size_t *len)
{
	if (file && strcmp(file, "-") != 0) {
		*text = util_read_file(file, len);
		if (!*text) {
			fprintf(stderr, "broadsheet: cannot read %s: %s\n", file, strerror(errno));
			return EX_NOINPUT;
		}
		return 0;
	}
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_append(&b, chunk, got);
	*text = buf_steal(&b, len);
	return 0;
}

/* comments_export: writes every comment of app's site as JSON to file (standard output when NULL or "-").
 * Returns 0, or an exit code after printing why. */
static int comments_export(struct app *app, const char *file)
{
	FILE *out = file && strcmp(file, "-") != 0 ? fopen(file, "w") : stdout;
	if (!out) {
		fprintf(stderr, "broadsheet: cannot write %s: %s\n", file, strerror(errno));
		return EX_CANTCREAT;
	}
	char err[1024];
	int n = comment_export(app->db, out, err, sizeof err);
	if ((out != stdout && fclose(out) != 0) || n < 0) {
		fprintf(stderr, "broadsheet: %s\n", n < 0 ? err : "cannot finish writing the export");
		return EX_SOFTWARE;
	}
	fprintf(stderr, "Exported %d comment(s).\n", n);
	return 0;
}

/* comments_import: adds the comments in text (len bytes of JSON) to app's site, all or nothing. Returns 0,
 * or EX_DATAERR after printing why. */
static int comments_import(struct app *app, const char *text, size_t len)
{
	char err[1024];
	int n = comment_import(app->db, app->secret, text, len, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "broadsheet: nothing imported: %s\n", err);
		return EX_DATAERR;
	}
	printf("Imported %d comment(s).\n", n);
	return 0;
}

/* comments_cmd: `broadsheet comments export|import --site DIR [FILE]`. Returns the exit code. */
static int comments_cmd(int argc, char **argv)
{
	const char *sub = argv[1];
	char *dir = getenv("BROADSHEET_SITE"), *file = NULL, *db = NULL;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), {0}};
	const struct cli_args spec = {.usage = usage_comments, .opts = opts, .pos = &file,
				      .unknown = "unknown option ", .extra = "unexpected argument ", .dash_pos = 1};
	int ex = cli_parse(argc, argv, 2, &spec);
	if (ex)
		return ex;
	int export = strcmp(sub, "export") == 0;
	if (!export && strcmp(sub, "import") != 0)
		return usage_error(usage_comments, "unknown comments command ", sub);
	char *text = NULL;
	size_t len = 0;
	struct app app;
	if ((!export && (ex = comments_input(file, &text, &len)) != 0) || (ex = open_site(dir, db, &app)) != 0) {
		free(text);
		return ex;
	}
	ex = export ? comments_export(&app, file) : comments_import(&app, text, len);
	free(text);
	site_close(&app);
	return ex;
}

/* check_site: `broadsheet check`: runs db_check on the open site and prints its findings. Returns the exit
 * code. */
static int check_site(struct app *app)
{
	struct arena a = ARENA_INIT;
	const char **problems;
	size_t n;
	int rc = 0;
	if (db_check(app->db, &a, &problems, &n) != DB_OK) {
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
	return rc;
}

/* optimize_site: `broadsheet optimize [--site DIR] [--db URL]`: db_search_maintain(db, 0), then a full
 * db_analyze, on the open site (opening it runs any pending migration first). Returns the exit code. */
static int optimize_site(struct app *app)
{
	int64_t t0 = util_now();
	int64_t made = -1;
	if (db_search_maintain(app->db, 0) != DB_OK) {
		fprintf(stderr, "broadsheet: the search index could not be merged (see the log above)\n");
		return EX_SOFTWARE;
	}
	if (db_analyze(app->db, 1, &made) != DB_OK) {
		fprintf(stderr, "broadsheet: the query planner's statistics could not be made (see the log above)\n");
		return EX_SOFTWARE;
	}
	printf("ok: the search index is merged and the statistics made for %lld article(s) (%lld s)\n",
	       (long long)made, (long long)(util_now() - t0));
	return 0;
}

/* backup_cmd: `broadsheet backup [--site DIR] OUTFILE`: db_backup of the site to OUTFILE. Returns the exit
 * code. */
static int backup_cmd(int argc, char **argv)
{
	char *dir = getenv("BROADSHEET_SITE"), *out = NULL;
	const struct cli_opt opts[] = {CLI_VALUE("--site", dir), {0}};
	const struct cli_args spec = {.usage = usage_backup, .opts = opts, .pos = &out, .unknown = "unknown argument ",
				      .extra = "more than one OUTFILE: ", .need = "the file to write is missing", .dash_pos = 1};
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex)
		return ex;
	if (!dir || !*dir)
		dir = ".";
	struct config cfg;
	if ((ex = load_config(dir, &cfg)) != 0)
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
	if ((ex = open_site(dir, NULL, &app)) != 0)
		return ex;
	char err[1024];
	if (db_backup(app.db, path, err, sizeof err) != DB_OK) {
		fprintf(stderr, "broadsheet: %s\n", err);
		ex = EX_SOFTWARE;
	} else {
		printf("backed up to %s\n", path);
	}
	site_close(&app);
	return ex;
}

/* migrate_cmd: `broadsheet migrate --from SRC --to URL [--force]`: migrate_run, then the verification table
 * and a summary. Returns 0 or migrate_run's exit code. */
static int migrate_cmd(int argc, char **argv)
{
	char *from = NULL, *to = NULL;
	struct migrate_options o = {.bar = isatty(STDERR_FILENO)};
	const struct cli_opt opts[] = {CLI_VALUE("--from", from), CLI_VALUE("--to", to), CLI_FLAG("--force", o.force),
				       {0}};
	const struct cli_args spec = {.usage = usage_migrate, .opts = opts, .unknown = "unknown argument "};
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex)
		return ex;
	if (!from || !to)
		return usage_error(usage_migrate, "migrate needs --from and --to", "");
	o.from = from;
	o.to = to;
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

/* test_message: the bilingual test message from from to to, its Message-ID made of id, composed in the
 * arena; NULL on failure. */
static char *test_message(struct arena *a, const char *from, const char *to, const char *id, size_t *len)
{
	struct mail_message m = {
		.from_name = "Broadsheet",
		.from_addr = from,
		.to_addr = to,
		.subject = "Broadsheet: test message / رسالة تجريبية",
		.text = "This is a test message from Broadsheet: mail from this site reaches you.\n\n"
			"هذه رسالة تجريبية من برودشيت: البريد من هذا الموقع يصل إليك.\n",
		.html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test</title></head><body>"
			"<p>This is a test message from Broadsheet: mail from this site reaches you.</p>"
			"<p lang=\"ar\" dir=\"rtl\">هذه رسالة تجريبية من برودشيت: البريد من هذا الموقع يصل إليك.</p>"
			"</body></html>\n",
		.message_id = arena_printf(a, "<%s%s>", id, strchr(from, '@')),
		.date = (int64_t)time(NULL),
	};
	return mail_compose(a, &m, len);
}

/* mail_test_cmd: broadsheet mail-test (usage_mail_test). */
static int mail_test_cmd(int argc, char **argv)
{
	char *dir = getenv("BROADSHEET_SITE"), *to_typed = NULL;
	const struct cli_opt opts[] = {CLI_VALUE("--site", dir), CLI_VALUE("--to", to_typed), {0}};
	const struct cli_args spec = {.usage = usage_mail_test, .opts = opts, .unknown = "unknown argument "};
	int ex = cli_parse(argc, argv, 1, &spec);
	if (ex)
		return ex;
	if (!to_typed)
		return usage_error(usage_mail_test, "mail-test needs --to", "");
	if (!dir || !*dir)
		dir = ".";
	struct config cfg;
	if ((ex = load_config(dir, &cfg)) != 0)
		return ex;
	struct arena a = ARENA_INIT;
	const char *to = NULL, *from = mail_sender(&cfg, &a);
	int rc = mail_addr_normalise(&a, to_typed, &to);
	size_t len = 0;
	unsigned char r[4];
	char *msg = NULL, err[512], hex[9], name[64];
	randombytes_buf(r, sizeof r);
	sodium_bin2hex(hex, sizeof hex, r, sizeof r);
	snprintf(name, sizeof name, "test-%lld-%s", (long long)time(NULL), hex);
	if (rc != MAIL_ADDR_OK) {
		fprintf(stderr, "broadsheet: --to: %s\n", mail_addr_problem(rc));
		ex = EX_DATAERR;
	} else if (!from) {
		fprintf(stderr, "broadsheet: mail_from in broadsheet.conf is not an e-mail address\n");
		ex = EX_CONFIG;
	} else if (!(msg = test_message(&a, from, to, name, &len))) {
		ex = EX_SOFTWARE;
	} else {
		struct mail_relay relay;
		mail_relay_config(&cfg, dir, &a, &relay);
		rc = mail_send(&relay, from, to, name, msg, len, err, sizeof err);
		if (rc == MAIL_SENT && *relay.url)
			printf("sent to %s through %s\n", to, relay.url);
		else if (rc == MAIL_SENT)
			printf("no relay (smtp_url is empty): written to %s/%s.eml\n", relay.eml_dir, name);
		else
			fprintf(stderr, "broadsheet: not sent: %s\n", err);
		ex = rc == MAIL_SENT ? 0 : rc == MAIL_TEMPFAIL ? EX_UNAVAILABLE : EX_PROTOCOL;
	}
	arena_free(&a);
	return ex;
}

/* import_cmd: `broadsheet import wordpress FILE.xml --site DIR ...` (usage_import). Returns the exit code. */
static int import_cmd(int argc, char **argv)
{
	char *dir = getenv("BROADSHEET_SITE"), *db = NULL, *file = NULL, *uploads = NULL, *edition = NULL,
	     *sections = NULL, *report = NULL;
	int64_t batch = 100;
	int accounts = 0, quiet = 0;
	const struct cli_opt opts[] = {CLI_SITE_OPTS(dir, db), CLI_VALUE("--uploads", uploads), CLI_VALUE("--edition", edition),
				       CLI_VALUE("--sections", sections), CLI_VALUE("--report", report),
				       {.name = "--batch", .num = &batch, .min = 1, .max = 100000, .bad = "--batch takes 1 to 100000"},
				       CLI_FLAG("--accounts", accounts), CLI_FLAG("--quiet", quiet), {0}};
	const struct cli_args spec = {.usage = usage_import, .opts = opts, .pos = &file, .unknown = "unknown option ",
				      .extra = "unexpected argument ", .need = "import wordpress needs FILE.xml"};
	if (strcmp(argv[1], "wordpress") != 0)
		return usage_error(usage_import, "unknown import source ", argv[1]);
	int ex = cli_parse(argc, argv, 2, &spec);
	if (ex)
		return ex;
	if (edition && strcmp(edition, "en") != 0 && strcmp(edition, "ar") != 0)
		return usage_error(usage_import, "--edition must be en or ar", "");
	struct app app;
	if ((ex = open_site(dir, db, &app)) != 0)
		return ex;
	if (media_init() < 0) {
		site_close(&app);
		media_shutdown();
		fprintf(stderr, "broadsheet: the image library could not start\n");
		return EX_SOFTWARE;
	}
	struct wp_options o = {.file = file, .uploads = uploads, .edition = edition, .sections = sections,
			       .report = report, .accounts = accounts, .batch = (int)batch, .quiet = quiet};
	ex = wp_import_run(&app, &o, stdout);
	site_close(&app);
	media_shutdown();
	return ex;
}

/* The commands: name, usage (NULL: the main one, and the command answers --help itself), and either run
 * (reads its own arguments; argv[0] is the command) or on_site (takes only --site and --db: see site_cmd).
 * sub: the command needs a sub-command, without one its usage goes to stderr with 64. */
static const struct cli_command {
	const char *name, *usage;
	int (*run)(int argc, char **argv);
	int (*on_site)(struct app *app);
	int sub;
} cli_commands[] = {
	{"init", usage_init, init_cmd, NULL, 0},
	{"demo", usage_demo, demo_cmd, NULL, 0},
	{"serve", usage_serve, serve_cmd, NULL, 0},
	{"user", usage_user, user_cmd, NULL, 1},
	{"comments", usage_comments, comments_cmd, NULL, 1},
	{"terms", NULL, terms_cmd, NULL, 0},
	{"export", usage_export, export_cmd, NULL, 0},
	{"check", usage_check, NULL, check_site, 0},
	{"backup", usage_backup, backup_cmd, NULL, 0},
	{"migrate", usage_migrate, migrate_cmd, NULL, 0},
	{"optimize", usage_optimize, NULL, optimize_site, 0},
	{"mail-test", usage_mail_test, mail_test_cmd, NULL, 0},
	{"import", usage_import, import_cmd, NULL, 1},
};

/* cli_command: the command named name, or NULL. */
static const struct cli_command *cli_command(const char *name)
{
	for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EX_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("broadsheet %s\n", BROADSHEET_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		const struct cli_command *c = cli_command(argc > 2 ? argv[2] : "");
		fputs(c && c->usage ? c->usage : usage_main, stdout);
		return 0;
	}
	const struct cli_command *c = cli_command(cmd);
	if (!c)
		return usage_error(usage_main, "unknown command ", cmd);
	if (c->usage && (wants_help(argc - 1, argv + 1) || (c->sub && argc < 3))) {
		fputs(c->usage, argc < 3 && c->sub ? stderr : stdout);
		return argc < 3 && c->sub ? EX_USAGE : 0;
	}
	int rc = c->run ? c->run(argc - 1, argv + 1) : site_cmd(argc - 1, argv + 1, c->usage, c->on_site);
	article_shutdown();
	return rc;
}
