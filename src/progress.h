/* progress.h - the progress bar long-running commands draw on a terminal (export, migrate). */
#ifndef BROADSHEET_PROGRESS_H
#define BROADSHEET_PROGRESS_H
#include <stdio.h>

/* progress_bar: redraws one line in place on f: "[#####.....] " and then fmt's text (the bar is done/total
 * of 30 cells; empty when total is 0), ending the line when final. Meant for a terminal: callers check
 * isatty first. */
void progress_bar(FILE *f, long done, long total, int final, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
