/* xmlwalk.h - the one step the iterative walks over a libxml2 tree share (htmlmd.c's HTML, wire_xml.c's
 * NewsML-G2): no recursion, so a hostile document's depth cannot exhaust the stack. */
#ifndef BROADSHEET_XMLWALK_H
#define BROADSHEET_XMLWALK_H
#include <libxml/tree.h>

/* xmlwalk_after: the node that follows cur's subtree in document order inside top, or top itself when
 * there is none (the walk is over). Owns nothing; never fails. */
static inline const xmlNode *xmlwalk_after(const xmlNode *cur, const xmlNode *top)
{
	while (cur != top && !cur->next)
		cur = cur->parent;
	return cur == top ? top : cur->next;
}

#endif
