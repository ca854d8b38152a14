"""A mail relay on loopback for the tests (tests/lib/smtp.mjs starts it): Debian's aiosmtpd, keeping every
message it accepts as DIR/NNNN.eml with its envelope in DIR/NNNN.json. DIR/mode (re-read for every
command) makes it misbehave: "accept" (the default), "refuse" (550 to every RCPT), "tempfail" (451 to every
RCPT), "hang" (never answers the end of DATA), "drop" (closes the connection at the end of DATA).
Usage: python3 smtp.py PORT DIR  (prints "ready" when listening; SIGTERM stops it)."""
import asyncio
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


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
        return '250 Message accepted for delivery'


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Keeper(folder), hostname='127.0.0.1', port=port, decode_data=False)
    controller.start()
    print('ready', flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == '__main__':
    main()
