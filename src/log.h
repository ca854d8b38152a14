/* log.h - diagnostics on stderr, one line each, with a level and a UTC timestamp. Thread-safe. */
#ifndef BROADSHEET_LOG_H
#define BROADSHEET_LOG_H

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_set_quiet: when on, info lines are suppressed (errors always print). */
void log_set_quiet(int on);

#endif
