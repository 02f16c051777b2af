"""Rate limits: about N requests of one key per S seconds (a sliding window, estimated).

Why our own: django-ratelimit counts refused requests too (so its `Retry-After` would not
hold), and its decorator is sync-only. Here a limit is a sliding window estimated from two
fixed counters in the shared cache (Redis with REDIS_URL): the previous window's count weighs
as much as it still overlaps. That assumes the previous window's requests were spread out; a
burst at the very end of one window and another at the end of the next can pass up to 2N
within S seconds (a fixed window lets 2N through within moments at every edge). A whole
burst of N passes at once (the phone's outbox), then about N per S seconds; a refused
request does not count, so whoever waits the `Retry-After` it was told gets in. If the cache
is down, requests pass (scenario 21: writes still succeed) and the log says so once.

The limits (settings, "N/S" or "off"; see the README):
- cards: card posts per participant (or facilitator);
- votes: votes cast or retracted per participant;
- joins: join forms sent per client address (a town hall shares one);
- codes: wrong join codes per client address; past the limit no code is looked up.
"""

from __future__ import annotations

import logging
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

CARDS, VOTES, JOINS, CODES = "cards", "votes", "joins", "codes"
SCOPES = (CARDS, VOTES, JOINS, CODES)
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*s?\s*")

clock = time.time  # tests move time on by replacing this


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@lru_cache(maxsize=32)
def parse_rate(text: str) -> Rate | None:
    """ "20/60": 20 in any 60 seconds; "off" (or empty): no limit."""
    if text.strip().lower() in {"", "off", "0"}:
        return None
    match = _RATE.fullmatch(text)
    if match is None or int(match[1]) < 1 or int(match[2]) < 1:
        raise ImproperlyConfigured(f"A rate is 'N/S' (N requests in S seconds) or 'off': {text!r}")
    return Rate(int(match[1]), int(match[2]))


def rate_for(scope: str) -> Rate | None:
    return parse_rate(getattr(settings, f"STELLWAND_RATE_{scope.upper()}"))


class _CacheHealth:
    """One log line when the cache fails, one when it answers again."""

    down = False

    def failed(self, error: Exception) -> None:
        if not self.down:
            self.down = True
            logger.warning("rate limits are off: the cache does not answer (%s)", type(error))

    def ok(self) -> None:
        if self.down:
            self.down = False
            logger.info("rate limits are on again: the cache answers")


health = _CacheHealth()


def _keys(scope: str, key: str, rate: Rate, now: float) -> tuple[str, str, float]:
    window, fraction = divmod(now / rate.seconds, 1)
    stem = f"rate:{scope}:{key}:"
    return f"{stem}{int(window) - 1}", f"{stem}{int(window)}", fraction


def _wait(previous: int, current: int, fraction: float, rate: Rate) -> int:
    """Seconds until one more request fits, if nobody else comes."""
    room = rate.count - 1 - current
    if room >= 0:
        # The previous window's share shrinks until it leaves room for one.
        share = (1 - fraction) - room / previous if previous else 0.0
    else:
        # Only once this window is the previous one, and has shrunk enough.
        share = (1 - fraction) + 1 - (rate.count - 1) / current
    return max(1, math.ceil(share * rate.seconds + 1e-6))


def hit(scope: str, key: str) -> int | None:
    """Count one request of `key`; None if it may go on, else the seconds to wait (and the
    request is not counted)."""
    rate = rate_for(scope)
    if rate is None:
        return None
    previous_key, current_key, fraction = _keys(scope, key, rate, clock())
    try:
        previous = cache.get(previous_key, 0)
        cache.add(current_key, 0, timeout=2 * rate.seconds + 1)
        try:
            current = cache.incr(current_key)
        except ValueError:  # expired between add and incr
            cache.set(current_key, 1, timeout=2 * rate.seconds + 1)
            current = 1
        allowed = previous * (1 - fraction) + current <= rate.count
        if not allowed:
            cache.decr(current_key)
    except Exception as error:  # any cache failure: let people in
        health.failed(error)
        return None
    health.ok()
    return None if allowed else _wait(previous, current - 1, fraction, rate)


def blocked(scope: str, key: str) -> int | None:
    """Would one more request of `key` be refused? The seconds to wait, without counting."""
    rate = rate_for(scope)
    if rate is None:
        return None
    previous_key, current_key, fraction = _keys(scope, key, rate, clock())
    try:
        counts = cache.get_many([previous_key, current_key])
    except Exception as error:
        health.failed(error)
        return None
    previous, current = counts.get(previous_key, 0), counts.get(current_key, 0)
    if previous * (1 - fraction) + current + 1 <= rate.count:
        return None
    return _wait(previous, current, fraction, rate)


def message(scope: str, seconds: int) -> str:
    """What the person reads, in their language."""
    if scope == CARDS:
        text = ngettext(
            "Very many cards in a short time. Please wait %(seconds)s second, then it goes "
            "on by itself. Your card is kept.",
            "Very many cards in a short time. Please wait %(seconds)s seconds, then it goes "
            "on by itself. Your card is kept.",
            seconds,
        )
    elif scope == VOTES:
        text = ngettext(
            "You are voting very fast. Please wait %(seconds)s second and tap again.",
            "You are voting very fast. Please wait %(seconds)s seconds and tap again.",
            seconds,
        )
    elif scope == JOINS:
        text = ngettext(
            "Very many people have just joined from this network. Please wait %(seconds)s "
            "second and try again.",
            "Very many people have just joined from this network. Please wait %(seconds)s "
            "seconds and try again.",
            seconds,
        )
    else:
        text = ngettext(
            "Too many wrong codes were entered from this network. Please wait %(seconds)s "
            "second, then check the code and try again.",
            "Too many wrong codes were entered from this network. Please wait %(seconds)s "
            "seconds, then check the code and try again.",
            seconds,
        )
    return text % {"seconds": seconds}


def too_many(response: HttpResponse, seconds: int) -> HttpResponse:
    """The response as a 429 that says when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response
