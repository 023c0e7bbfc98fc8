"""The list file: an existing one from before issue 25 opens, keeps its suppressions, and gains what is new."""

from __future__ import annotations

import sqlite3

from generator.publish.subscribers import SubscriberStore

# The schema of capweekly 0.2 (no suppression column, no confirmations table).
OLD_SCHEMA = """
CREATE TABLE subscribers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, nonce TEXT NOT NULL DEFAULT '');
CREATE TABLE events (id INTEGER PRIMARY KEY, subscriber_id INTEGER NOT NULL, event TEXT NOT NULL, at TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '');
CREATE TABLE consents (id INTEGER PRIMARY KEY, subscriber_id INTEGER NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');
"""


def test_a_list_file_from_before_keeps_its_complaints_and_bounces_final(tmp_path):
    path = tmp_path / "subs.sqlite"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    rows = [(1, "angry@example.com", "unsubscribed", "unsubscribed: complaint (feedback report) from the reader's "
                                                      "mail provider"),
            (2, "hard@example.com", "bounced", "bounced: hard bounce (5.1.1)"),
            (3, "full@example.com", "bounced", "bounced: 3 soft bounces in 30 days"),
            (4, "left@example.com", "unsubscribed", "unsubscribed (one-click)"),
            (5, "reader@example.com", "confirmed", "added as confirmed")]
    for sid, email, status, event in rows:
        db.execute("INSERT INTO subscribers VALUES (?, ?, '', ?, 't', 't', '')", (sid, email, status))
        db.execute("INSERT INTO events (subscriber_id, event, at) VALUES (?, ?, 't')", (sid, event))
    db.commit()
    db.close()
    for _ in range(2):  # opening it again changes nothing more
        with SubscriberStore(path) as store:
            assert {s.email: s.suppression for s in store.list()} == {
                "angry@example.com": "complaint", "hard@example.com": "hard bounce",
                "full@example.com": "soft bounces", "left@example.com": "", "reader@example.com": ""}
    with SubscriberStore(path) as store:
        queued = {a: store.sign_up(a) is not None for a, in store.db.execute("SELECT email FROM subscribers")}
        assert queued == {"angry@example.com": False, "hard@example.com": False, "full@example.com": True,
                          "left@example.com": True, "reader@example.com": False}
        assert store.get("left@example.com").status == "unsubscribed"  # until the reader's click
        for address in ("left@example.com", "full@example.com"):  # a mailbox that was full may come back too
            found = store.get(address)
            assert store.confirm(found.id, found.nonce) == "confirmed"
            assert store.consents(found.id)[-1][1] == "confirmation link (double opt-in)"
        hard = store.get("hard@example.com")
        assert store.confirm(hard.id, hard.nonce) == "used"
