"""Reads one message file (argv[1]) with Python's email package, strictly (email.policy.default), and prints
what the mail tests check as JSON: every header (decoded), the MIME structure, each text part's decoded
content and charset, and the defects the parser found."""
import json
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], 'rb') as f:
    raw = f.read()
msg = BytesParser(policy=policy.default).parsebytes(raw)
parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append({'type': part.get_content_type(), 'charset': part.get_content_charset(),
                  'cte': part.get('Content-Transfer-Encoding'), 'content': part.get_content(),
                  'defects': [type(d).__name__ for d in part.defects]})
print(json.dumps({
    'headers': {k: str(v) for k, v in msg.items()},
    'type': msg.get_content_type(),
    'parts': parts,
    'defects': [type(d).__name__ for d in msg.defects],
    'crlf_only': b'\n' not in raw.replace(b'\r\n', b''),
    'max_line': max(len(line) for line in raw.split(b'\r\n')),
}, ensure_ascii=False))
