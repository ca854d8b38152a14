/* log.c - stderr logging (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

#include "buf.h"
#include "datefmt.h"
#include "util.h"

static int log_quiet;

void log_set_quiet(int on)
{
	log_quiet = on;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	datefmt_iso(&b, util_now());
	buf_printf(&b, " %s ", level);
	buf_vprintf(&b, fmt, ap);
	buf_putc(&b, '\n');
	fwrite(b.data, 1, b.len, stderr); /* one write per line keeps threads from interleaving */
	buf_free(&b);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	if (log_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}
