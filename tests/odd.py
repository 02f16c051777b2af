"""Odd input for the property-based tests: odd values, and the routes a URLconf lists."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize
from hypothesis import HealthCheck, settings, strategies as st

settings.register_profile(
    "odd-input",
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("odd-input-thorough", settings.get_profile("odd-input"), max_examples=400)
# The suite's default keeps `make test` short (it runs twice); `thorough` searches for longer.
PROFILE = settings.get_profile(
    "odd-input-thorough" if os.environ.get("STELLWAND_ODD_INPUT") == "thorough" else "odd-input"
)

MAX_ID = 2**63 - 1

# What a script, a broken client or a curious person sends where an id, a token or a word goes.
ODD_STRINGS = [
    "",
    " ",
    "0",
    "-1",
    "007",
    "+1",
    " 1 ",
    "1.0",
    "1.5",
    "1e9",
    "0x10",
    "1_000",
    str(2**31),
    str(MAX_ID),
    str(MAX_ID + 1),
    str(10**30),
    f"-{10**30}",
    "9" * 5000,  # past Python's int() digit limit
    "١٢",  # Arabic-Indic digits: int() reads them, a database id they are not
    "²",  # str.isdigit() says yes, int() says no
    "\uff11",  # a fullwidth one
    "\x00",
    "1\x00",
    "\x00" * 40,
    "%00",
    "\x1b[31m",
    "\u202e1",  # right-to-left override
    "\u200b",
    "\ufeff1",
    "🙂",
    "👩🏽‍🚒",
    "a" * 5000,
    "' OR 1=1 --",
    "1; DROP TABLE boards_card",
    "<script>alert(1)</script>",
    "null",
    "None",
    "NaN",
    "inf",
    "true",
    "\t\n",
    "../../etc/passwd",
    "//evil.example/",
    "javascript:alert(1)",
]

# The sharpest of them, tried in every input of every route by the sweep: an integer SQLite
# cannot hold, a NUL PostgreSQL refuses, a digit int() refuses, a number int() will not read.
SHARP = [str(10**30), "\x00", "²", "9" * 5000]

# Session values a tampered or older session might hold where the joined workshops go.
ODD_SESSION_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.sampled_from(ODD_STRINGS),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=20), inner, max_size=3)
    ),
    max_leaves=6,
)


def odd_text() -> st.SearchStrategy[str]:
    """One odd value: a known troublemaker, an integer of any size, a float, any text."""
    return st.one_of(
        st.sampled_from(ODD_STRINGS),
        st.sampled_from(ODD_STRINGS),
        st.integers().map(str),
        st.floats().map(repr),
        st.text(st.characters(codec="utf-8"), max_size=40),
    )


def odd_list() -> st.SearchStrategy[list[str]]:
    """Several values for a field that takes many: odd ones, or very many."""
    return st.one_of(
        st.lists(odd_text(), max_size=12),
        st.lists(st.sampled_from(["1", "2", "3"]) | odd_text(), min_size=2, max_size=6),
        st.integers(0, 1200).map(lambda n: ["1"] * n),
        st.just([str(10**30)] * 3),
    )


@dataclass(frozen=True)
class Route:
    """One URL pattern, with a template to fill in and its parameters' converters."""

    key: str  # "namespace:name", or the template where a route has no name
    namespace: str
    template: str  # "/w/{workshop_id}/boards/{board_id}/"
    params: tuple[tuple[str, type | None], ...]  # (name, converter class; None for a regex group)

    def url(self, values: dict[str, str]) -> str:
        return self.template.format(**{k: quote(v, safe="") for k, v in values.items()})


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")


def _template(pattern: RoutePattern | RegexPattern) -> tuple[str, list[tuple[str, type | None]]]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        params = [
            (m["name"], type(pattern.converters[m["name"]])) for m in ROUTE_PARAM.finditer(route)
        ]
        return ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route), params
    if isinstance(pattern, RegexPattern):
        text, names = normalize(str(pattern._regex))[0]
        text = re.sub(r"%\((\w+)\)s", r"{\1}", text).replace("%%", "%")
        return text, [(name, None) for name in names]
    raise TypeError(f"No template for the pattern type {type(pattern).__name__}: {pattern}")


def list_routes(patterns: list, prefix: str = "/", namespace: str = "") -> list[Route]:
    """Every route of `patterns`, includes and namespaces followed."""
    found: list[Route] = []
    for entry in patterns:
        text, params = _template(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            found += [
                Route(r.key, r.namespace, r.template, (*params, *r.params))
                for r in list_routes(entry.url_patterns, prefix + text, inner)
            ]
        elif isinstance(entry, URLPattern):
            template = prefix + text
            name = entry.name or template
            key = f"{namespace}:{name}" if namespace else name
            found.append(Route(key, namespace, template, tuple(params)))
    return found
