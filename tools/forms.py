#!/usr/bin/env python3
"""forms.py - lists the forms of an HTML page for scripts/audit.sh: one line per form,
METHOD<TAB>ACTION<TAB>urlencoded fields (hidden values kept, others given a harmless sample value).
Usage: forms.py BASE_URL PAGE_PATH [COOKIE] ; skips forms whose action matches $SKIP_FORMS (a regex)."""
import html.parser, os, re, sys, urllib.parse, urllib.request

class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.cur, self.select = [], None, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form':
            self.cur = {'method': (a.get('method') or 'get').upper(), 'action': a.get('action') or '', 'fields': [],
                        'enctype': a.get('enctype') or ''}
            self.forms.append(self.cur)
        elif self.cur is not None and tag in ('input', 'textarea', 'select') and a.get('name'):
            kind = (a.get('type') or 'text').lower()
            if kind in ('submit', 'button', 'file', 'image'):
                return
            if kind in ('checkbox', 'radio') and 'checked' not in a:
                value = a.get('value') or 'on'
            elif kind == 'hidden':
                value = a.get('value') or ''
            else:
                value = a.get('value') or 'sample'
            if a['name'] == 'email':
                value = 'reader@example.com'
            if a['name'] == 'website':
                value = ''  # the comment form's honeypot: filled in, the visitor is treated as a robot
            self.cur['fields'].append([a['name'], value])
            if tag == 'select':
                self.select = self.cur['fields'][-1]
                self.select[1] = None
        elif tag == 'option' and self.select is not None and self.select[1] is None:
            self.select[1] = a.get('value') or ''
    def handle_endtag(self, tag):
        if tag == 'form':
            self.cur = None
        elif tag == 'select':
            if self.select is not None and self.select[1] is None:
                self.select[1] = ''
            self.select = None

base, page = sys.argv[1], sys.argv[2]
req = urllib.request.Request(base + page)
if len(sys.argv) > 3 and sys.argv[3]:
    req.add_header('Cookie', sys.argv[3])
text = urllib.request.urlopen(req).read().decode('utf8')
p = Forms()
p.feed(text)
skip = os.environ.get('SKIP_FORMS')
seen = set()
for f in p.forms:
    action = urllib.parse.urljoin(page, f['action'] or page).split('#')[0]
    if skip and re.search(skip, action):
        continue
    shape = (f['method'], re.sub(r'/[0-9]+', '/N', action))
    if shape in seen:
        continue  # the same form for another row (a ban button per comment): one is enough
    seen.add(shape)
    if 'multipart' in f['enctype']:
        continue  # uploads: sqlmap cannot refresh their token; covered by the fuzzing and HTTP tests
    print('%s\t%s\t%s' % (f['method'], action, urllib.parse.urlencode([(k, v or '') for k, v in f['fields']])))
