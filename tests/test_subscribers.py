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


# --- issue 22: the same list on SQLite and PostgreSQL ---------------------------------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from generator.db import schema_version  # noqa: E402
from generator.publish.schema import LATEST, TABLES  # noqa: E402
from generator.publish.subscribers import SubscriberError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def test_addresses_are_unique_whatever_their_case_and_suppression_holds(list_db):
    with SubscriberStore(list_db) as store:
        sid = store.add("Reader@Example.com", "Reader")
        assert store.get("reader@EXAMPLE.com").id == sid
        assert store.add("READER@example.com") == sid  # the same reader, not a second row
        assert [s.email for s in store.list()] == ["Reader@example.com"]  # the domain normalised, the local part kept
        store.unsubscribe(sid, "one-click")
        with pytest.raises(SubscriberError, match="not re-subscribed"):
            store.add("reader@example.com")
        assert store.sign_up("READER@example.com") is not None  # the reader's own sign-up may bring them back
        assert store.get("reader@example.com").status == "unsubscribed"  # until the click
        found = store.get("reader@example.com")
        assert store.confirm(found.id, found.nonce) == "confirmed"
        assert [c[1] for c in store.consents(sid)] == ["added by the publisher", "added by the publisher",
                                                       "web sign-up form", "confirmation link (double opt-in)"]


def test_the_ledger_state_machine_is_the_same_on_both(list_db):
    with SubscriberStore(list_db) as store:
        reader = store.by_id(store.add("r@example.com"))
        other = store.by_id(store.add("o@example.com"))
        store.mark("2025-10-31", reader, "sending", message_id="<a@x>")
        store.unmark("2025-10-31", reader)  # a 4xx after the dot: back to waiting
        assert store.ledger("2025-10-31") == {}
        store.mark("2025-10-31", reader, "sending", message_id="<b@x>")
        store.mark("2025-10-31", reader, "sent")
        store.unmark("2025-10-31", reader)  # only an in-flight row goes back to waiting
        store.mark("2025-10-31", other, "sending", message_id="<c@x>")
        store.mark("2025-10-31", other, "sending", message_id="<d@x>")  # --resend-unknown: a second attempt
        store.mark("2025-10-31", other, "unknown", "interrupted")  # keeps the last Message-ID
        assert store.ledger("2025-10-31") == {reader.id: "sent", other.id: "unknown"}
        rows = store.db.execute("SELECT subscriber_id, attempts, message_id FROM ledger ORDER BY subscriber_id")
        assert [tuple(r) for r in rows.fetchall()] == [(reader.id, 1, "<b@x>"), (other.id, 2, "<d@x>")]
        assert store.by_message_id("<b@x>").id == reader.id and store.by_message_id("<a@x>") is None
        assert store.last_sent_issue() == "2025-10-31"
        with pytest.raises(store.errors):  # the CHECK holds on both
            store.db.execute("INSERT INTO ledger (issue, subscriber_id, email, state, updated_at) "
                             "VALUES ('x', 1, 'r@example.com', 'lost', 't')")


def test_a_rate_limit_counted_by_many_threads_at_once_is_never_exceeded(list_db):
    """allow_hit reads a count and then writes: the write lock taken up front keeps two requests from both
    reading 2 of 3 and both writing (each thread has its own connection, as each worker does)."""
    SubscriberStore(list_db).close()
    allowed = []
    start = threading.Barrier(8)

    def hit():
        with SubscriberStore(list_db) as own:
            start.wait()
            allowed.extend(own.allow_hit("203.0.113.9", per_hour=5) for _ in range(3))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert allowed.count(True) == 5 and len(allowed) == 24


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    """A list location with no schema yet."""
    if request.param == "sqlite":
        return str(tmp_path / "new.sqlite")
    return request.getfixturevalue("pg_cluster").empty_database()


def test_migrations_are_versioned_and_safe_to_run_twice_or_at_once(empty_db):
    opened = []

    def open_it():
        with SubscriberStore(empty_db) as store:
            opened.append(store.applied)

    threads = [threading.Thread(target=open_it) for _ in range(4)]  # four commands starting on a new list
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(opened) == [[]] * 3 + [list(range(1, LATEST + 1))]  # one of them did the work
    with SubscriberStore(empty_db) as store:
        assert store.applied == [] and schema_version(store.db) == LATEST
        assert store.db.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST
        for table in TABLES:
            assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def _settings_file(tmp_path, database) -> Path:
    from tests.conftest import SETTINGS

    raw = yaml.safe_load(SETTINGS.read_text())
    raw["email"]["database"] = database
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_db_migrate_reports_the_version_and_changes_nothing_the_second_time(empty_db, tmp_path):
    from generator.cli import main

    path = _settings_file(tmp_path, empty_db)
    first = CliRunner().invoke(main, ["db", "migrate", "--settings", str(path)])
    again = CliRunner().invoke(main, ["db", "migrate", "--settings", str(path)])
    assert first.exit_code == 0 and f"schema version {LATEST}" in first.output and "applied 1" in first.output
    assert again.exit_code == 0 and "already up to date" in again.output


def test_db_copy_moves_a_sqlite_list_into_postgresql_and_checks_every_count(pg_cluster, tmp_path):
    from generator.cli import main

    source = tmp_path / "old.sqlite"
    with SubscriberStore(source) as old:
        ids = [old.add(f"reader{i}@example.com") for i in range(40)]
        old.unsubscribe(ids[3], "one-click")
        old.sign_up("pending@example.com", ip="192.0.2.1")
        assert old.allow_hit("192.0.2.1", 10)
        for sid in ids[:10]:
            old.mark("2025-10-31", old.by_id(sid), "sent", message_id=f"<{sid}@x>")
        old.record_bounce("<report@x>", old.by_id(ids[5]), [_Event("hard", "5.1.1", None, "gone")], None,
                          soft_limit=3, soft_days=30)
        run = old.start_run("2025-10-31")
        old.finish_run(run, 10, 0, 0, 0, "")
        before = {t: old.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        statuses = {s.email: (s.status, s.suppression) for s in old.list()}
    url = pg_cluster.empty_database()
    path = _settings_file(tmp_path, url)
    result = CliRunner().invoke(main, ["db", "copy", str(source), "--settings", str(path)])
    assert result.exit_code == 0, result.output
    assert all(f"{t}: {n} rows" in result.output for t, n in before.items())
    with SubscriberStore(url) as new:
        assert {s.email: (s.status, s.suppression) for s in new.list()} == statuses
        assert new.ledger("2025-10-31") == {sid: "sent" for sid in ids[:10]}
        assert new.by_message_id(f"<{ids[2]}@x>").id == ids[2]
        later = new.add("Later@example.com")  # ids go on after the copied ones
        assert later > max(s.id for s in new.list() if s.email != "Later@example.com")
        assert new.get("READER7@example.com").id == ids[7]
    again = CliRunner().invoke(main, ["db", "copy", str(source), "--settings", str(path)])
    assert again.exit_code == 3 and "is not empty" in again.output and len(again.output.strip().splitlines()) == 1


def test_a_list_in_sqlite_never_loads_the_postgresql_driver(tmp_path):
    """psycopg takes about 0.3 s to import: the build, and every command on a SQLite list, go without it."""
    code = ("import sys; import generator.cli, generator.pipeline, generator.web, generator.locking;"
            "from generator.publish.subscribers import SubscriberStore;"
            f"SubscriberStore({str(tmp_path / 's.sqlite')!r}).close();"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_binary')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


from generator.publish.bounces import Event as _Event  # noqa: E402


def test_an_unreachable_postgresql_list_is_one_line_and_exit_5(tmp_path):
    from generator.cli import main
    from tests.smtp_server import free_port

    path = _settings_file(tmp_path, f"postgresql://capweekly@127.0.0.1:{free_port()}/letters")
    result = CliRunner().invoke(main, ["subscribers", "list", "--settings", str(path)])
    assert result.exit_code == 5, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("database error: cannot connect to the subscriber database")
    assert "PGPASSWORD or ~/.pgpass" in lines[0]
