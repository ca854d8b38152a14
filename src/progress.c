/* progress.c - the shared terminal progress bar (see progress.h). */
#include "progress.h"

#include <stdarg.h>
#include <string.h>

void progress_bar(FILE *f, long done, long total, int final, const char *fmt, ...)
{
	enum { WIDTH = 30 };
	long fill = total > 0 ? WIDTH * (done < total ? done : total) / total : 0;
	if (fill < 0)
		fill = 0;
	char bar[WIDTH + 1];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(WIDTH - fill));
	bar[WIDTH] = '\0';
	fprintf(f, "\r\033[K[%s] ", bar);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	if (final)
		fputc('\n', f);
	fflush(f);
}
