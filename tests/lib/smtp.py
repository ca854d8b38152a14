"""A mail relay on loopback for the tests (tests/lib/smtp.mjs starts it): Debian's aiosmtpd, keeping every
message it accepts as DIR/NNNN.eml with its envelope in DIR/NNNN.json. DIR/mode (re-read for every
command) makes it misbehave: "accept" (the default), "refuse" (550 to every RCPT), "tempfail" (451 to every
RCPT), "hang" (never answers the end of DATA), "drop" (closes the connection at the end of DATA), "idleclose" (closes each connection right after the 250 that
accepts a message: the client's kept connection is dead when its next message comes), "dropkept" (closes,
without an answer, a connection whose client starts a second message on it: the race in which a kept
connection dies as it is used again). DIR/stats.json counts the connections made and the kept ones dropped.
Usage: python3 smtp.py PORT DIR  (prints "ready" when listening; SIGTERM stops it)."""
import asyncio
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def mode(folder):
    try:
        with open(os.path.join(folder, 'mode'), encoding='ascii') as f:
            return f.read().strip() or 'accept'
    except OSError:
        return 'accept'


class Keeper:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()
        self.stats = {'connections': 0, 'kept_dropped': 0}

    def note(self, key):
        """Counts one more key in DIR/stats.json (written whole, atomically)."""
        with self.lock:
            self.stats[key] += 1
            tmp = os.path.join(self.folder, 'stats.json.tmp')
            with open(tmp, 'w', encoding='ascii') as f:
                json.dump(self.stats, f)
            os.rename(tmp, os.path.join(self.folder, 'stats.json'))

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if mode(self.folder) == 'dropkept' and getattr(session, 'delivered', 0) > 0:
            self.note('kept_dropped')
            server.transport.close()
            return '421 4.3.0 Closing'
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        m = mode(self.folder)
        if m == 'refuse':
            return '550 5.1.1 No such user here'
        if m == 'tempfail':
            return '451 4.3.0 Try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        m = mode(self.folder)
        if m == 'hang':
            await asyncio.sleep(3600)
        if m == 'drop':
            server.transport.close()
            return '421 4.3.0 Closing'
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.folder, '%04d' % n)
        with open(base + '.eml.tmp', 'wb') as f:
            f.write(envelope.original_content)
        with open(base + '.json', 'w', encoding='utf-8') as f:
            json.dump({'from': envelope.mail_from, 'to': envelope.rcpt_tos, 'tls': bool(session.ssl)}, f)
        os.rename(base + '.eml.tmp', base + '.eml')
        session.delivered = getattr(session, 'delivered', 0) + 1
        if m == 'idleclose':
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250 is written
        return '250 Message accepted for delivery'


class Counting(SMTP):
    """aiosmtpd's SMTP server, counting each new connection (not the one a STARTTLS upgrade makes)."""

    def connection_made(self, transport):
        if self.transport is None:
            self.event_handler.note('connections')
        super().connection_made(transport)


class CountingController(Controller):
    def factory(self):
        return Counting(self.handler, **self.SMTP_kwargs)


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = CountingController(Keeper(folder), hostname='127.0.0.1', port=port, decode_data=False)
    controller.start()
    print('ready', flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == '__main__':
    main()
