/* demo.h - the demo site: the hand-written sample articles built into the binary (demo/content) in both
 * editions, paired as translations, plus any number of synthetic articles for benchmarks. */
#ifndef BROADSHEET_DEMO_H
#define BROADSHEET_DEMO_H
#include <stddef.h>

/* demo_fill: fills the freshly created site in dir with the sample content and nsynthetic generated
 * articles, drawing a progress bar on stderr when it is a terminal. The lead pictures are JPEGs stored as
 * uploads are (renditions, crops around a focal point of their own: media_init must have run), or with
 * drawn set, SVG drawings (quick: no image encoding). Everything is written in transactions: a failure
 * leaves no half-written article (picture files may stay). Returns 0, or -1 with a reason in err. */
int demo_fill(const char *dir, long nsynthetic, int drawn, char *err, size_t errlen);

#endif
