"""The subscription app: double opt-in sign-up and RFC 8058 one-click unsubscribe (Flask, WSGI).

    capweekly serve --host 127.0.0.1 --port 8000          # development / small sites
    gunicorn -w 2 -b 127.0.0.1:8000 'generator.web:app_from_env()'   # production, behind a reverse proxy

It shares the list of `send` (email.database: a SQLite file, or a PostgreSQL
database that the app's workers on several hosts share). Every state change
is committed, with a timestamped event, before the response is written, so
the next `send` (or the one running) respects it. Tokens are signed with
CAPWEEKLY_SECRET (old ones in CAPWEEKLY_SECRET_OLD still verify); the app
refuses to start without a strong one.

A sign-up only writes to the database: the confirmation email is queued and
sent by a worker thread (generator.publish.confirmations), so the answer comes
at once and is the same, body and timing, for a new, a known, a bounced or a
complained address. Limits: `web.signups_per_hour` per client (an IPv6 client
is its /64), `web.confirmations_per_day` emails per address whatever the client,
and a browser's cross-site POST (Origin or Sec-Fetch-Site naming another
site) is refused, so another site's page cannot drive sign-ups.
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from werkzeug.serving import WSGIRequestHandler

from generator.errors import CapweeklyError
from generator.publish.confirmations import ConfirmationWorker
from generator.publish.subscribers import SubscriberError, SubscriberStore, normalise_address
from generator.publish.tokens import (TokenError, check_secret, load_token, old_secrets_from_env, secret_from_env,
                                      tag_matches)
from generator.render.environment import make_environment
from generator.settings import Settings, load_settings

MAX_BODY = 4096  # bytes; a sign-up or unsubscribe never needs more
# A sign-up is answered no sooner than this after it arrived: a new address costs a few more database writes
# than a known one (about a millisecond), which this hides; the work itself takes well under it.
SIGNUP_ANSWER_SECONDS = 0.05


def _after(started: float, response: Response) -> Response:
    time.sleep(max(0.0, SIGNUP_ANSWER_SECONDS - (time.perf_counter() - started)))
    return response


class RateLimiter:
    """Sliding one-hour window per client address, kept in the shared database (table rate_hits), so
    every gunicorn worker counts against the same limit and a restart does not reset it."""

    def __init__(self, per_hour: int, store) -> None:
        self.per_hour = per_hour
        self.store = store  # a callable giving this thread's SubscriberStore

    def allow(self, client: str) -> bool:
        return self.store().allow_hit(client_key(client), self.per_hour)


def client_key(address: str) -> str:
    """What the per-client limit counts: an IPv4 address, or an IPv6 client's /64 (one subscriber line or
    server gets a whole /64, so counting single addresses would give it 2**64 tries)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


class StorePool:
    """Database connections for the request threads: one per request, at most `keep` kept between requests.
    (One per thread leaked: the threaded server starts a thread per request, and each dead thread's connection
    held its database, WAL and shared-memory files open until the garbage collector came by.)"""

    def __init__(self, path, keep: int = 8) -> None:
        self.path = path
        self.keep = keep
        self._idle: list[SubscriberStore] = []
        self._lock = threading.Lock()

    def take(self) -> SubscriberStore:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return SubscriberStore(self.path)

    def give(self, store: SubscriberStore) -> None:
        # Never hand on a connection that a failed request left mid-transaction, nor one to a PostgreSQL server
        # that has gone away (a restart, a fail-over): the next request opens a new one.
        if store.db.in_transaction or getattr(store.db, "broken", False):
            store.close()
            return
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(store)
                return
        store.close()


def create_app(settings: Settings, *, secret: str | None = None, old_secrets: tuple[str, ...] | None = None,
               on_queued=None) -> Flask:
    """`on_queued()` is called after every accepted sign-up, whether or not it queued a confirmation email (serve
    wakes its worker with it). `old_secrets`: verify-only secrets (default: CAPWEEKLY_SECRET_OLD)."""
    secret = check_secret(secret) if secret is not None else secret_from_env()
    keys = (secret, *[s for s in (old_secrets_from_env() if old_secrets is None else old_secrets) if s != secret])
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    db_path = settings.list_database()
    SubscriberStore(db_path).close()  # create the schema (and fail now, not on the first request)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # Links in confirmation emails are built from web.public_url; without it, from the request's Host, which is
    # then limited to this machine's own names so a forged Host cannot point a confirmation link elsewhere.
    if not settings.web.public_url:
        app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "[::1]", "::1"]
    if settings.web.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask documents wrapping wsgi_app
            app.wsgi_app, x_for=settings.web.trusted_proxies,
                                x_proto=settings.web.trusted_proxies, x_host=settings.web.trusted_proxies)
    common = {"title": settings.branding.title, "short_form": settings.disclosures.short_form}
    pool = StorePool(db_path)
    own_origins = {o for o in (_origin(settings.web.public_url), _origin(settings.site.base_url)) if o}

    def store() -> SubscriberStore:
        if "store" not in g:
            g.store = pool.take()
        return g.store

    @app.teardown_appcontext
    def give_back(_exc):
        taken = g.pop("store", None)
        if taken is not None:
            pool.give(taken)

    def cross_site() -> bool:
        """A browser says where a POST comes from: Origin, or, when that is "null" (our own pages send no
        referrer, so a browser hides the origin) or absent, Sec-Fetch-Site. A client that sends neither is no
        visitor's browser driven by another site."""
        origin = (request.headers.get("Origin") or "null").lower()
        if origin != "null":
            return origin not in own_origins | {_origin(request.host_url)}
        return request.headers.get("Sec-Fetch-Site", "").lower() in ("cross-site", "same-site")

    limiter = RateLimiter(settings.web.signups_per_hour, store)

    def page(template: str, heading: str, status: int = 200, **values) -> Response:
        html = env.get_template(template).render(**common, heading=heading, **values)
        response = Response(html, status=status, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"  # tokens never leak to other sites
        response.headers["Content-Security-Policy"] = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                                                       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
        return response

    def message(heading: str, *paragraphs: str, status: int = 200) -> Response:
        return page("web/message.html", heading, status, paragraphs=paragraphs)

    def public_base() -> str:
        return settings.web.public_url or request.host_url

    @app.get("/health")
    def health():
        """For the load balancer or proxy: 200 once the list's database answers a query on the list's own schema
        (its migration version); 503 when it does not, so traffic goes to a host whose database answers."""

        try:
            (version,) = store().db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        except CapweeklyError as exc:  # could not connect
            return {"status": "database unavailable", "error": exc.message}, 503
        except Exception as exc:  # noqa: BLE001 -- any driver error: the database is what is unwell
            return {"status": "database unavailable", "error": " ".join(str(exc).split())[:200]}, 503
        if not version:
            return {"status": "database unavailable", "error": "the list's schema is missing"}, 503
        return {"status": "ok", "database": store().backend, "schema_version": version}

    @app.get("/")
    @app.get("/subscribe")
    def signup_form():
        return page("web/subscribe.html", f"Subscribe to {settings.branding.title}")

    @app.post("/subscribe")
    def subscribe():
        started = time.perf_counter()
        client = request.remote_addr or "unknown"
        if cross_site():
            return message("Sign up on the newsletter's own page", "This form was sent from another site.",
                           status=403)
        if not limiter.allow(client):
            return message("Too many requests", "Please try again in an hour.", status=429)
        done = message("Check your inbox",
                       "If the address can receive mail, a confirmation link is on its way. "
                       "Nothing will be sent until you open it.")
        if request.form.get("website"):  # the hidden field only bots fill in
            return _after(started, done)
        raw = request.form.get("email", "")
        if not raw or len(raw) > 254:
            return message("That does not look like an email address", "Go back and check it.", status=400)
        try:
            address = normalise_address(raw)
        except SubscriberError:
            return message("That does not look like an email address", "Go back and check it.", status=400)
        # Committed, with the consent record and the queued email, before the answer; no mail inside the request.
        store().sign_up(address, ip=client, base_url=public_base(), per_day=settings.web.confirmations_per_day)
        if on_queued is not None:
            on_queued()  # whatever the address: a woken worker that finds nothing costs the same time
        return _after(started, done)  # the same answer, at the same moment, whether or not the address was known

    @app.get("/confirm")
    def confirm():
        token = request.args.get("token", "")
        try:
            data, key = load_token(keys, "confirm", token, settings.web.confirm_hours * 3600,
                                   {"id": int, "a": str, "n": str})
        except TokenError as exc:
            if exc.message == "expired":
                return message("This link has expired", "Confirmation links last "
                               f"{settings.web.confirm_hours} hours. Sign up again to get a new one.", status=400)
            return message("This link is not valid", "It may have been copied incompletely. "
                           "Sign up again to get a new one.", status=400)
        subscriber = store().by_id(data["id"])
        if subscriber is None or not tag_matches(key, subscriber.email, data["a"]):
            return message("This link is not valid", "Sign up again to get a new one.", status=400)
        outcome = store().confirm(subscriber.id, data["n"], ip=request.remote_addr or "")
        if outcome == "confirmed":
            return message("You are subscribed", f"{settings.branding.title} will arrive after the next Friday close.")
        if outcome == "already":
            return message("You are already subscribed", "Nothing more to do.")
        return message("This link has already been used", "Sign up again if you want to subscribe.", status=400)

    def _subscriber_from_token():
        token = request.args.get("token", "")
        try:
            data, key = load_token(keys, "unsubscribe", token, None, {"id": int, "a": str})
        except TokenError:
            return None, token
        subscriber = store().by_id(data["id"])
        if subscriber is None or not tag_matches(key, subscriber.email, data["a"]):
            return None, token
        return subscriber, token

    @app.get("/unsubscribe")
    def unsubscribe_page():
        # A GET never unsubscribes: mail scanners open links to check them.
        subscriber, token = _subscriber_from_token()
        if subscriber is None:
            return message("This link is not valid", "Use the unsubscribe link from a recent issue.", status=400)
        return page("web/unsubscribe.html", "Unsubscribe", token=token)

    @app.post("/unsubscribe")
    def unsubscribe():
        subscriber, _ = _subscriber_from_token()
        if subscriber is None:
            return message("This link is not valid", "Use the unsubscribe link from a recent issue.", status=400)
        if request.form.get("List-Unsubscribe") != "One-Click":
            return message("Bad request", "The request must carry List-Unsubscribe=One-Click.", status=400)
        store().unsubscribe(subscriber.id, "one-click")  # committed before we answer
        return message("You are unsubscribed", f"You will not receive {settings.branding.title} again.")

    @app.errorhandler(413)
    def too_large(_):
        return message("Request too large", "Sign-up and unsubscribe requests are small.", status=413)

    @app.errorhandler(404)
    def not_found(_):
        return message("Not found", "There is nothing here.", status=404)

    @app.errorhandler(405)
    def wrong_method(_):
        return message("Method not allowed", "This address does not accept that request.", status=405)

    return app


TOKEN_IN_URL = re.compile(r"((?:\?|&|%3F|%26)token(?:=|%3D))[^&\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """A request line fit for a log: every token=... value replaced (tokens never expire)."""
    return TOKEN_IN_URL.sub(r"\1[redacted]", text)


class RedactingRequestHandler(WSGIRequestHandler):
    """werkzeug's request log, without the unsubscribe and confirmation tokens in the URLs."""

    def log(self, type: str, message: str, *args) -> None:
        super().log(type, redact(message), *[redact(a) if isinstance(a, str) else a for a in args])


def make_web_server(settings: Settings, host: str, port: int, *, secret: str | None = None, worker: bool = True):
    """The app behind werkzeug's threaded server, as `capweekly serve` runs it: (server, worker or None)."""
    from werkzeug.serving import make_server


    secret = check_secret(secret) if secret is not None else secret_from_env()
    sender = ConfirmationWorker(settings, secret) if worker else None
    app = create_app(settings, secret=secret, on_queued=sender.wake if sender else None)
    server = make_server(host, port, app, threaded=True, request_handler=RedactingRequestHandler)
    return server, sender.start() if sender else None


def app_from_env() -> Flask:
    """For gunicorn: settings from $CAPWEEKLY_SETTINGS (default settings.yaml in the working directory). Each
    worker process also sends queued confirmations (rows are claimed, so never twice)."""


    settings = load_settings(os.environ.get("CAPWEEKLY_SETTINGS", "settings.yaml"))
    secret = secret_from_env()
    running: dict[int, ConfirmationWorker] = {}
    lock = threading.Lock()

    def wake() -> None:
        # One worker per process: with `gunicorn --preload` this runs before the fork, and threads do not
        # survive a fork, so each worker process starts its own on its first sign-up.
        with lock:
            if os.getpid() not in running:
                running[os.getpid()] = ConfirmationWorker(settings, secret).start()
        running[os.getpid()].wake()

    app = create_app(settings, secret=secret, on_queued=wake)
    wake()
    return app
