from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable

import pytest
import redis
from limits.storage import MemoryStorage

from assistant.ratelimit import (
    LOGIN,
    POLLING,
    PUBLIC,
    STORAGE_COOL_DOWN_SECONDS,
    RateLimiter,
    RateLimitError,
    RateLimitSettings,
    shown_uri,
    too_many_logins,
    too_many_messages,
)

REDIS_URL = os.environ.get("GUICHET_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CITIZEN, NEIGHBOUR = "203.0.113.5", "198.51.100.7"


def limiter(clock: Callable[[], float] = time.monotonic, **settings) -> RateLimiter:
    """A limiter whose counters no other test shares."""
    return RateLimiter(RateLimitSettings(key_prefix=f"test-{uuid.uuid4().hex}", **settings), clock=clock)


class Clock:
    """A monotonic clock that moves only when the test moves it, so cool-downs pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FlakyStorage(MemoryStorage):
    """Counters in memory that fail as an unreachable Redis does while `down`; `calls` counts the increments
    tried. Registered under its own scheme, so the limiter builds it from its settings like any storage."""

    STORAGE_SCHEME = ["guichet-test-flaky"]

    def __init__(self, uri: str | None = None, **options) -> None:
        super().__init__(uri, **options)
        self.down, self.calls = True, 0

    def incr(self, *args, **kwargs) -> int:
        self.calls += 1
        if self.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return super().incr(*args, **kwargs)


def test_the_61st_message_of_the_minute_is_refused_and_other_clients_go_on():
    limits = limiter(public="60/minute")

    assert [limits.hit(PUBLIC, "rest", CITIZEN) for _ in range(60)] == [None] * 60
    wait = limits.hit(PUBLIC, "rest", CITIZEN)

    assert wait is not None and 1 <= wait <= 60
    assert limits.hit(PUBLIC, "rest", CITIZEN) is not None  # still refused
    assert limits.hit(PUBLIC, "rest", NEIGHBOUR) is None  # another client
    assert limits.hit(PUBLIC, "ratings", CITIZEN) is None  # another counter
    assert limits.hit(POLLING, "handoff", CITIZEN) is None


def test_the_defaults_fit_a_citizen_typing_and_slow_password_guessing():
    limits = limiter()

    assert [limits.hit(PUBLIC, "rest", CITIZEN) for _ in range(31)].count(None) == 30
    assert [limits.hit(POLLING, "handoff", CITIZEN) for _ in range(121)].count(None) == 120
    assert [limits.hit(LOGIN, "login", CITIZEN) for _ in range(11)].count(None) == 10


def test_several_limits_apply_together_and_the_longest_wait_is_given():
    limits = limiter(public="100/minute;3/hour")

    assert [limits.hit(PUBLIC, "rest", CITIZEN) for _ in range(3)] == [None] * 3
    wait = limits.hit(PUBLIC, "rest", CITIZEN)

    assert wait is not None and 60 < wait <= 3600


def test_the_refusals_are_in_french():
    assert too_many_messages(12) == "Trop de messages en peu de temps : réessayez dans 12 secondes."
    assert too_many_messages(1) == "Trop de messages en peu de temps : réessayez dans 1 seconde."
    assert too_many_logins(60) == "Trop de tentatives de connexion en peu de temps : réessayez dans 60 secondes."


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        (CITIZEN, [NEIGHBOUR], (), CITIZEN),  # anyone may write the header: ignored from an unknown peer
        (CITIZEN, [NEIGHBOUR], ("127.0.0.1",), CITIZEN),
        ("127.0.0.1", [NEIGHBOUR], ("127.0.0.1",), NEIGHBOUR),  # nginx on loopback
        ("127.0.0.1", [f"10.9.8.7, {NEIGHBOUR}"], ("127.0.0.1",), NEIGHBOUR),  # a forged first entry is skipped
        ("127.0.0.1", ["10.9.8.7", NEIGHBOUR], ("127.0.0.1",), NEIGHBOUR),  # the header given twice
        ("127.0.0.1", [f"{NEIGHBOUR}, 10.0.0.2"], ("127.0.0.1", "10.0.0.0/8"), NEIGHBOUR),  # two proxies
        ("127.0.0.1", [], ("127.0.0.1",), "127.0.0.1"),
        ("127.0.0.1", ["n'importe quoi"], ("127.0.0.1",), "127.0.0.1"),
        ("127.0.0.1", ["[2001:db8::1]:443"], ("127.0.0.1",), "2001:db8::/64"),
        ("::ffff:203.0.113.5", [], (), CITIZEN),
        ("2001:db8:1:2:3:4:5:6", [], (), "2001:db8:1:2::/64"),  # one subscriber has a whole /64
        ("testclient", [NEIGHBOUR], ("127.0.0.1",), "testclient"),
        ("", [], (), "inconnu"),
    ],
)
def test_the_client_is_the_peer_unless_a_trusted_proxy_names_it(peer, forwarded, trusted, client):
    assert limiter(trusted_proxies=trusted).client(peer, forwarded) == client


def test_a_forged_header_behind_the_proxy_does_not_give_a_fresh_counter():
    limits = limiter(public="2/minute", trusted_proxies=("127.0.0.1",))
    clients = {limits.client("127.0.0.1", [f"192.0.2.{n}, {CITIZEN}"]) for n in range(5)}

    assert clients == {CITIZEN}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"public": "beaucoup"}, "GUICHET_RATE_LIMIT invalide : « beaucoup » (exemple : 30/minute"),
        ({"polling": "120"}, "GUICHET_RATE_LIMIT_POLLING invalide : « 120 »"),
        ({"login": ""}, "GUICHET_RATE_LIMIT_LOGIN invalide"),
        ({"trusted_proxies": ("nginx",)}, "GUICHET_TRUSTED_PROXIES invalide : « nginx » n'est pas une adresse IP."),
        ({"storage_uri": "ftp://127.0.0.1"}, "GUICHET_RATE_LIMIT_STORAGE invalide : « ftp://127.0.0.1 »"),
        ({"storage_uri": "ftp://guichet:s3cret@127.0.0.1"},
         "GUICHET_RATE_LIMIT_STORAGE invalide : « ftp://guichet:***@127.0.0.1 »"),
    ],
)
def test_settings_that_cannot_be_understood_are_explained(settings, message):
    with pytest.raises(RateLimitError) as refused:
        RateLimiter(RateLimitSettings(**settings))

    assert str(refused.value).startswith(message)
    assert "s3cret" not in str(refused.value)  # the message ends in `guichet web`'s SystemExit, on a console


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("redis://:s3cret@redis.internal:6379/1", "redis://:***@redis.internal:6379/1"),
        ("rediss://guichet:s3cret@redis.internal:6380", "rediss://guichet:***@redis.internal:6380"),
        ("redis://:p@ss:w0rd@redis.internal:6379/0", "redis://:***@redis.internal:6379/0"),  # unencoded @ and :
        ("redis+unix:///run/redis.sock?db=1&password=s3cret", "redis+unix:///run/redis.sock?db=1&password=***"),
        ("redis://guichet@redis.internal:6379/0", "redis://guichet@redis.internal:6379/0"),  # no password
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("memory://", "memory://"),
        ("redis://:s3cret@[::1:6379/0", "redis://***"),  # unreadable: nothing past the scheme
    ],
)
def test_the_storage_uri_is_shown_without_its_password(uri, shown):
    assert shown_uri(uri) == shown


def test_settings_come_from_the_environment(monkeypatch):
    for name in ("GUICHET_RATE_LIMIT", "GUICHET_RATE_LIMIT_POLLING", "GUICHET_RATE_LIMIT_LOGIN",
                 "GUICHET_RATE_LIMIT_STORAGE", "GUICHET_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    assert RateLimitSettings.from_environment() == RateLimitSettings(
        public="30/minute", polling="120/minute", login="10/minute", storage_uri="memory://", trusted_proxies=())

    monkeypatch.setenv("GUICHET_RATE_LIMIT", "5/second;100/hour")
    monkeypatch.setenv("GUICHET_RATE_LIMIT_POLLING", "60/minute")
    monkeypatch.setenv("GUICHET_RATE_LIMIT_LOGIN", "3/minute")
    monkeypatch.setenv("GUICHET_RATE_LIMIT_STORAGE", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("GUICHET_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,")
    assert RateLimitSettings.from_environment() == RateLimitSettings(
        public="5/second;100/hour", polling="60/minute", login="3/minute", storage_uri="redis://127.0.0.1:6379/1",
        trusted_proxies=("127.0.0.1", "10.0.0.0/8"))


def test_a_storage_that_fails_lets_requests_through_and_is_logged_once_without_its_password(caplog):
    clock = Clock()
    limits = limiter(clock, public="1/minute", storage_uri="redis://:s3cret@127.0.0.1:1/0")  # port 1: closed
    caplog.set_level(logging.INFO, logger="assistant.ratelimit")

    assert [limits.hit(PUBLIC, "rest", CITIZEN) for _ in range(3)] == [None, None, None]
    clock.now += STORAGE_COOL_DOWN_SECONDS
    assert limits.hit(PUBLIC, "rest", CITIZEN) is None  # tried again, still refused: the same outage

    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", "Limitation de débit indisponible (redis://:***@127.0.0.1:1/0) : requêtes acceptées sans "
                    "compter, nouvel essai dans 30 s")]
    assert "s3cret" not in caplog.text  # nor in the traceback


def test_after_a_storage_failure_requests_pass_without_it_until_the_cool_down_ends(caplog):
    clock = Clock()
    limits = limiter(clock, public="2/minute", storage_uri="guichet-test-flaky://")
    storage = limits.storage
    caplog.set_level(logging.INFO, logger="assistant.ratelimit")

    assert limits.hit(PUBLIC, "rest", CITIZEN) is None  # fails open
    assert storage.calls == 1
    clock.now += STORAGE_COOL_DOWN_SECONDS - 0.1
    assert [limits.hit(PUBLIC, "rest", client) for client in (CITIZEN, NEIGHBOUR) * 5] == [None] * 10
    assert storage.calls == 1  # the storage was left alone: no timeout to wait for

    clock.now += 0.1
    assert limits.hit(PUBLIC, "rest", CITIZEN) is None
    assert storage.calls == 2  # one request tried it again, in vain
    assert limits.hit(PUBLIC, "rest", CITIZEN) is None
    assert storage.calls == 2  # a new cool-down started

    storage.down = False
    clock.now += STORAGE_COOL_DOWN_SECONDS
    assert [limits.hit(PUBLIC, "rest", CITIZEN) for _ in range(2)] == [None, None]
    assert limits.hit(PUBLIC, "rest", CITIZEN) is not None  # counting again: the third message is refused
    assert storage.calls == 5

    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", "Limitation de débit indisponible (guichet-test-flaky://) : requêtes acceptées sans compter, "
                    "nouvel essai dans 30 s"),
        ("INFO", "Limitation de débit rétablie (guichet-test-flaky://) : requêtes de nouveau comptées"),
    ]


def test_replicas_share_their_counters_through_redis():
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis injoignable à {REDIS_URL} ({error}) : démarrez-le ou réglez GUICHET_TEST_REDIS_URL.")
    prefix = f"test-{uuid.uuid4().hex}"
    settings = RateLimitSettings(public="5/minute", storage_uri=REDIS_URL, key_prefix=prefix)
    first, second = RateLimiter(settings), RateLimiter(settings)  # two processes, one Redis
    try:
        accepted = [(first if turn % 2 else second).hit(PUBLIC, "rest", CITIZEN) for turn in range(5)]

        assert accepted == [None] * 5
        assert first.hit(PUBLIC, "rest", CITIZEN) is not None
        assert second.hit(PUBLIC, "rest", CITIZEN) is not None
        assert second.hit(PUBLIC, "rest", NEIGHBOUR) is None
        assert sorted(server.keys(f"LIMITER/{prefix}/*")) == [f"LIMITER/{prefix}/rest/{client}/5/1/minute".encode()
                                                              for client in (NEIGHBOUR, CITIZEN)]
    finally:
        keys = server.keys(f"LIMITER/{prefix}/*")
        if keys:
            server.delete(*keys)
        server.close()
