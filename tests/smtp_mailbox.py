"""A real SMTP server for the notification tests: aiosmtpd (from PyPI) on 127.0.0.1:PORT,
writing each message it takes as one JSON line to MAILBOX (recipients, subject and plain-text
body decoded by Python's own e-mail package, Message-ID, and when it arrived).

Usage: python smtp_mailbox.py PORT MAILBOX
"""

import datetime
import email
import json
import sys
import time
from email import policy

from aiosmtpd.controller import Controller


class Mailbox:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"] or ""),
            "message_id": str(message["message-id"] or ""),
            "body": body.get_content() if body is not None else "",
            "at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 Message accepted for delivery"


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Mailbox(path), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
