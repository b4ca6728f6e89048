"""Rate limits per client on the public endpoints, shared by the REST channel and the web app.

One person types a message every few seconds at most; a script sends hundreds. Each client (its IP
address, a whole /64 for IPv6) gets a budget per kind of request: `public` (messages to the assistant,
ratings), `polling` (the widget asking for the advisor's messages every 3 s) and `login` (advisors' password
attempts, kept low to slow guessing). Counters live in a `limits` storage: in memory for one process, in
Redis (`GUICHET_RATE_LIMIT_STORAGE`) when several replicas must share them.

Fixed windows: one INCR per request, and the window's end, hence `Retry-After`, is known exactly; a burst
straddling two windows may reach twice the limit, which is harmless for this purpose. A storage that fails
lets requests through: an unthrottled assistant is better than a silent one. The web servers call it from
their event loop, synchronously, so an unreachable Redis would stall every request for its timeout: after a
failure the storage is left alone for `STORAGE_COOL_DOWN_SECONDS` (a circuit breaker), then tried again.

No Rasa or web framework import here: the adapters pass the peer address and the X-Forwarded-For header.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from assistant import config

logger = logging.getLogger(__name__)

PUBLIC, POLLING, LOGIN = "public", "polling", "login"
DEFAULT_PUBLIC_LIMIT = "30/minute"
DEFAULT_POLLING_LIMIT = "120/minute"
DEFAULT_LOGIN_LIMIT = "10/minute"
DEFAULT_STORAGE = "memory://"
# A Redis that does not answer must not hold a citizen's request for long: fail open quickly.
REDIS_TIMEOUT_SECONDS = 0.5
# After a storage failure, requests pass uncounted this long before one of them tries the storage again.
STORAGE_COOL_DOWN_SECONDS = 30.0

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class RateLimitError(ValueError):
    """A rate-limit setting that cannot be understood, explained in French."""


@dataclass(frozen=True)
class RateLimitSettings:
    """Limits in `limits`' notation ("30/minute", "5/second;100/hour"), where counters live, and the
    reverse proxies whose X-Forwarded-For header is believed (addresses or networks)."""

    public: str = DEFAULT_PUBLIC_LIMIT
    polling: str = DEFAULT_POLLING_LIMIT
    login: str = DEFAULT_LOGIN_LIMIT
    storage_uri: str = DEFAULT_STORAGE
    trusted_proxies: tuple[str, ...] = ()
    key_prefix: str = "guichet"

    @classmethod
    def from_environment(cls) -> RateLimitSettings:
        """The settings of `assistant.config` (`GUICHET_RATE_LIMIT`…), these defaults where unset."""
        given = {name: value for name, value in config.rate_limits().items() if value}
        return cls(**given, trusted_proxies=config.trusted_proxies())


def parse_limits(text: str, variable: str) -> list[RateLimitItem]:
    try:
        return list(parse_many(text))
    except ValueError:
        raise RateLimitError(f"{variable} invalide : « {text} » (exemple : 30/minute, ou 5/second;100/hour).") from None


def shown_uri(uri: str) -> str:
    """The storage URI with any password (`redis://:secret@host`, `?password=secret`) replaced by `***`: the
    URI goes into logs and error messages, which operators paste into tickets."""
    try:
        parts = urlsplit(uri)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:  # e.g. an unclosed IPv6 bracket: show nothing past the scheme rather than a secret
        return f"{uri.partition(':')[0]}://***"
    netloc = parts.netloc
    if parts.password is not None:
        user_info, _, host = netloc.rpartition("@")
        netloc = f"{user_info.partition(':')[0]}:***@{host}"
    hidden = [(key, "***" if "password" in key.lower() else value) for key, value in query]
    if netloc == parts.netloc and hidden == query:
        return uri  # nothing to hide: keep the text exactly as the operator wrote it
    # Rebuilt by hand: urlunsplit drops the empty host of "redis+unix:///path", a scheme it does not know.
    query = f"?{urlencode(hidden, safe='*')}" if hidden else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}{fragment}"


def parse_networks(entries: Iterable[str]) -> tuple[IpNetwork, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise RateLimitError(f"GUICHET_TRUSTED_PROXIES invalide : « {entry} » n'est pas une adresse IP.") from None
    return tuple(networks)


def parse_address(text: str | None) -> IpAddress | None:
    """An address as written by a socket or a proxy: "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"."""
    if not text:
        return None
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_key(address: IpAddress) -> str:
    """One counter per IPv4 address, one per IPv6 /64: a single subscriber receives a whole /64."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def seconds_text(seconds: int) -> str:
    return "1 seconde" if seconds <= 1 else f"{seconds} secondes"


def too_many_messages(seconds: int) -> str:
    """The French refusal for the public JSON endpoints."""
    return f"Trop de messages en peu de temps : réessayez dans {seconds_text(seconds)}."


def too_many_logins(seconds: int) -> str:
    """The French refusal for advisors' login attempts."""
    return f"Trop de tentatives de connexion en peu de temps : réessayez dans {seconds_text(seconds)}."


def login_refusal_page(seconds: int) -> str:
    """A small French page for the login form, which a browser shows as it is."""
    return ('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Trop de tentatives</title></head>'
            f"<body><main><h1>Trop de tentatives</h1><p>{too_many_logins(seconds)}</p>"
            '<p><a href="/conseiller/connexion">Revenir à la connexion</a></p></main></body></html>')


class RateLimiter:
    """Counts requests per client and kind; `hit` says how long to wait once a budget is spent."""

    def __init__(self, settings: RateLimitSettings | None = None, clock: Callable[[], float] = time.monotonic):
        """`clock` times the storage's cool-down after a failure; tests pass one they can move forward."""
        self.settings = settings or RateLimitSettings()
        self.clock = clock
        self.storage_retry_at: float | None = None  # set while the storage is failing: when to try it again
        self.rules = {PUBLIC: parse_limits(self.settings.public, "GUICHET_RATE_LIMIT"),
                      POLLING: parse_limits(self.settings.polling, "GUICHET_RATE_LIMIT_POLLING"),
                      LOGIN: parse_limits(self.settings.login, "GUICHET_RATE_LIMIT_LOGIN")}
        self.trusted_proxies = parse_networks(self.settings.trusted_proxies)
        uri = self.settings.storage_uri
        self.shown_storage_uri = shown_uri(uri)
        options = ({"socket_timeout": REDIS_TIMEOUT_SECONDS, "socket_connect_timeout": REDIS_TIMEOUT_SECONDS}
                   if uri.startswith(("redis://", "rediss://", "redis+unix://")) else {})
        try:
            self.storage = storage_from_string(uri, **options)
        except Exception as error:  # limits raises ConfigurationError for an unknown scheme
            reason = str(error).replace(uri, self.shown_storage_uri)  # limits quotes the URI it refuses
            raise RateLimitError(f"GUICHET_RATE_LIMIT_STORAGE invalide : « {self.shown_storage_uri} » ({reason}).") \
                from None
        self.strategy = FixedWindowRateLimiter(self.storage)

    def is_trusted(self, address: IpAddress) -> bool:
        return any(address in network for network in self.trusted_proxies)

    def client(self, peer: str | None, forwarded_for: Iterable[str] = ()) -> str:
        """The key of the client behind a request.

        X-Forwarded-For is read only when the peer is a trusted proxy, from the right: each trusted proxy
        names the address it received the request from, so the first untrusted address met is the client.
        The leftmost entry is whatever the client wrote (nginx's `$proxy_add_x_forwarded_for` appends to
        it), so believing it would let anyone pick a fresh counter per request.
        """
        address = parse_address(peer)
        if address is None:
            return peer or "inconnu"
        hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
        while self.is_trusted(address) and hops:
            previous = parse_address(hops.pop())
            if previous is None:
                break
            address = previous
        return client_key(address)

    def hit(self, kind: str, scope: str, client: str) -> int | None:
        """Count one request of `kind` ("public", "polling", "login") to `scope` (an endpoint family);
        None while within the limits, else the seconds to wait before the next request is accepted.

        While the storage is failing, requests pass without reaching it until the cool-down ends; then the
        next request tries it (only one: the callers run it on their event loop, one request at a time).
        The outage is logged once when it starts and once when it ends, not on every request."""
        if self.storage_retry_at is not None and self.clock() < self.storage_retry_at:
            return None
        identifiers = (self.settings.key_prefix, scope, client)
        try:
            refused = [rule for rule in self.rules[kind] if not self.strategy.hit(rule, *identifiers)]
            wait = max(self.retry_after(rule, identifiers) for rule in refused) if refused else None
        except Exception:  # noqa: BLE001 - a storage outage must not refuse or break citizens' requests
            if self.storage_retry_at is None:
                logger.warning("Limitation de débit indisponible (%s) : requêtes acceptées sans compter, nouvel "
                               "essai dans %g s", self.shown_storage_uri, STORAGE_COOL_DOWN_SECONDS, exc_info=True)
            self.storage_retry_at = self.clock() + STORAGE_COOL_DOWN_SECONDS
            return None
        if self.storage_retry_at is not None:
            logger.info("Limitation de débit rétablie (%s) : requêtes de nouveau comptées", self.shown_storage_uri)
            self.storage_retry_at = None
        return wait

    def retry_after(self, rule: RateLimitItem, identifiers: tuple[str, ...]) -> int:
        """Seconds until the rule's window ends. Window ends are stored as whole seconds (truncated): one
        more second keeps `Retry-After` on the safe side, never past the window's length."""
        end = self.strategy.get_window_stats(rule, *identifiers)[0]
        return max(1, min(rule.get_expiry(), math.ceil(end - time.time()) + 1))
