/* demo.h - the demo site: the hand-written sample articles built into the binary (demo/content) in both
 * editions, paired as translations, plus any number of synthetic articles for benchmarks. */
#ifndef BROADSHEET_DEMO_H
#define BROADSHEET_DEMO_H
#include <stddef.h>

/* demo_fill: fills the freshly created site in dir with the sample content and nsynthetic generated
 * articles, drawing a progress bar on stderr when it is a terminal. Everything is written in
 * transactions: a failure leaves no half-written article. Returns 0, or -1 with a reason in err. */
int demo_fill(const char *dir, long nsynthetic, char *err, size_t errlen);

#endif
