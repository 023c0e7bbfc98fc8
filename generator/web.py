"""The subscription app: double opt-in sign-up and RFC 8058 one-click unsubscribe (Flask, WSGI).

    capweekly serve --host 127.0.0.1 --port 8000          # development / small sites
    gunicorn -w 2 -b 127.0.0.1:8000 'generator.web:app_from_env()'   # production, behind a reverse proxy

It shares the SQLite database of `send` (email.database). Every state change
is committed, with a timestamped event, before the response is written, so
the next `send` (or the one running) respects it. Tokens are signed with
CAPWEEKLY_SECRET; the app refuses to start without it.
"""

from __future__ import annotations

import logging
import os
import threading
from urllib.parse import quote

from flask import Flask, Response, request

from generator.publish.subscribers import SubscriberError, SubscriberStore, normalise_address
from generator.publish.tokens import (TokenError, address_tag, make_confirm_token, read_confirm_token, read_token,
                                      secret_from_env)
from generator.render.environment import make_environment

MAX_BODY = 4096  # bytes; a sign-up or unsubscribe never needs more
log = logging.getLogger("capweekly.web")


class RateLimiter:
    """Sliding one-hour window per client address, kept in the shared database (table rate_hits), so
    every gunicorn worker counts against the same limit and a restart does not reset it."""

    def __init__(self, per_hour: int, store) -> None:
        self.per_hour = per_hour
        self.store = store  # a callable giving this thread's SubscriberStore

    def allow(self, client: str) -> bool:
        return self.store().allow_hit(client, self.per_hour)


def create_app(settings, *, secret: str | None = None, mailer=None) -> Flask:
    """`mailer(settings, address, link)` sends the confirmation email (default: SMTP from settings)."""
    secret = secret or secret_from_env()  # raises TokenError when CAPWEEKLY_SECRET is missing
    if mailer is None:
        from generator.publish.mail import send_confirmation as mailer
    env = make_environment(settings.resolve(settings.templates_dir) if settings.templates_dir else None)
    db_path = settings.resolve(settings.email.database)
    SubscriberStore(db_path).close()  # create the schema (and fail now, not on the first request)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # Links in confirmation emails are built from web.public_url; without it, from the request's Host, which is
    # then limited to this machine's own names so a forged Host cannot point a confirmation link elsewhere.
    if not settings.web.public_url:
        app.config["TRUSTED_HOSTS"] = ["localhost", "127.0.0.1", "[::1]", "::1"]
    if settings.web.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.web.trusted_proxies,
                                x_proto=settings.web.trusted_proxies, x_host=settings.web.trusted_proxies)
    common = {"title": settings.branding.title, "short_form": settings.disclosures.short_form}
    local = threading.local()

    def store() -> SubscriberStore:
        if not hasattr(local, "store"):
            local.store = SubscriberStore(db_path)
        return local.store

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
        store().db.execute("SELECT 1").fetchone()
        return {"status": "ok"}

    @app.get("/")
    @app.get("/subscribe")
    def signup_form():
        return page("web/subscribe.html", f"Subscribe to {settings.branding.title}")

    @app.post("/subscribe")
    def subscribe():
        client = request.remote_addr or "unknown"
        if not limiter.allow(client):
            return message("Too many requests", "Please try again in an hour.", status=429)
        done = message("Check your inbox",
                       "If the address can receive mail, a confirmation link is on its way. "
                       "Nothing will be sent until you open it.")
        if request.form.get("website"):  # the hidden field only bots fill in
            return done
        raw = request.form.get("email", "")
        if not raw or len(raw) > 254:
            return message("That does not look like an email address", "Go back and check it.", status=400)
        try:
            address = normalise_address(raw)
        except SubscriberError:
            return message("That does not look like an email address", "Go back and check it.", status=400)
        subscriber = store().sign_up(address, ip=client)  # committed (with the consent record) before anything else
        if subscriber is not None:
            token = make_confirm_token(secret, subscriber.id, subscriber.email, subscriber.nonce)
            try:
                mailer(settings, subscriber.email, f"{public_base()}confirm?token={quote(token)}")
            except Exception:  # the answer must not reveal anything; the operator sees the log
                log.exception("confirmation email to subscriber %s failed", subscriber.id)
        return done  # the same answer whether or not the address was known

    @app.get("/confirm")
    def confirm():
        token = request.args.get("token", "")
        try:
            sid, tag, nonce = read_confirm_token(secret, token, max_age=settings.web.confirm_hours * 3600)
        except TokenError as exc:
            if exc.message == "expired":
                return message("This link has expired", "Confirmation links last "
                               f"{settings.web.confirm_hours} hours. Sign up again to get a new one.", status=400)
            return message("This link is not valid", "It may have been copied incompletely. "
                           "Sign up again to get a new one.", status=400)
        subscriber = store().by_id(sid)
        if subscriber is None or address_tag(secret, subscriber.email) != tag:
            return message("This link is not valid", "Sign up again to get a new one.", status=400)
        outcome = store().confirm(sid, nonce, ip=request.remote_addr or "")
        if outcome == "confirmed":
            return message("You are subscribed", f"{settings.branding.title} will arrive after the next Friday close.")
        if outcome == "already":
            return message("You are already subscribed", "Nothing more to do.")
        return message("This link has already been used", "Sign up again if you want to subscribe.", status=400)

    def _subscriber_from_token():
        token = request.args.get("token", "")
        try:
            sid, tag = read_token(secret, "unsubscribe", token)
        except TokenError:
            return None, token
        subscriber = store().by_id(sid)
        if subscriber is None or address_tag(secret, subscriber.email) != tag:
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


def app_from_env() -> Flask:
    """For gunicorn: settings from $CAPWEEKLY_SETTINGS (default settings.yaml in the working directory)."""
    from generator.settings import load_settings

    return create_app(load_settings(os.environ.get("CAPWEEKLY_SETTINGS", "settings.yaml")))
