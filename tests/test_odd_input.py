"""Odd input on every HTTP route: no id, token, form value, cookie or session makes a 500.

The routes come from the URLconf. ROUTES names the form fields each route reads and their
kinds; a route missing from it fails here by name, so a route added later is fuzzed too.
Django's admin gets a generic strategy (NAMESPACES). Requests carry real values everywhere
but in one or two inputs, so odd values reach the code behind the ids:

- the sweep sends each of SHARP to each input of each route, as the route's first role;
- Hypothesis draws odd values of every kind, in any input, as any role: a stranger, a joined
  phone, the workshop's facilitator, another workshop's facilitator, a browser with a
  tampered session or an odd session cookie (and a superuser in the admin).

`STELLWAND_ODD_INPUT=thorough` runs many more examples than the test suite's default.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import converters as django_converters, get_resolver
from hypothesis import given, settings, strategies as st

from boards import services
from boards.models import Board, Card, Color
from boards.services import synergies
from tests import tally
from tests.boards.wall import add
from tests.conftest import join_via_http
from tests.factories import (
    PASSWORD,
    BreakoutGroupFactory,
    ParticipantFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.odd import (
    ODD_SESSION_VALUES,
    PROFILE,
    SHARP,
    Route,
    list_routes,
    odd_list,
    odd_text,
)
from workshop import ids
from workshop.models import Workshop
from workshop.permissions import Actor
from workshop.services import SESSION_KEY

# The world is built once per module; each test and each example runs in a savepoint of it.
pytestmark = pytest.mark.django_db

# Django's admin pages are many and alike: fewer examples each.
GENERIC_EXAMPLES = max(1, PROFILE.max_examples // 5)

# The first role of a route is the one that gets furthest into it: the sweep sends as it, the
# random examples mostly. A tampered session and an odd session cookie are roles too.
ROLES = ("facilitator", "stranger", "participant", "anonymous", "tampered", "odd-cookie")
PHONE = ("participant", "facilitator", "anonymous", "tampered", "odd-cookie", "stranger")
PUBLIC = ("anonymous", "participant", "facilitator", "tampered", "odd-cookie")
ADMIN = ("staff", "anonymous", "facilitator", "odd-cookie")


@dataclass(frozen=True)
class Field:
    """A form field a route reads: its kind decides what a real form and an odd one send."""

    kind: str  # id, ids, int, text, bool, choice, uuid, url, date, end
    pool: str = ""  # for ids: which real ids a form sends (a key of World.pools)
    choices: tuple[str, ...] = ()


TEXT = Field("text")
BOOL = Field("bool")
URL = Field("url")
UUID = Field("uuid")
DATE = Field("date")
VERSION = Field("int", choices=("1", "2", "3"))


def ID(pool: str) -> Field:
    return Field("id", pool)


def IDS(pool: str) -> Field:
    return Field("ids", pool)


def END(pool: str) -> Field:
    """One end of a plenary link as its picker sends it: "cluster-12" or "card-34"."""
    return Field("end", pool)


def CHOICE(*values: str) -> Field:
    return Field("choice", choices=values)


def INT(*values: str) -> Field:
    return Field("int", choices=values)


@dataclass(frozen=True)
class Spec:
    methods: tuple[str, ...]
    fields: dict[str, Field] = field(default_factory=dict)
    roles: tuple[str, ...] = ROLES
    pools: dict[str, str] = field(default_factory=dict)  # path parameter -> World.pools key
    # Sent while a phase that allows this runs (write, vote): routes only a phase opens.
    phase: str = ""


def spec(
    *methods: str,
    roles: tuple[str, ...] = ROLES,
    pools: dict[str, str] | None = None,
    phase: str = "",
    **fields: Field,
) -> Spec:
    return Spec(methods, fields, roles, pools or {}, phase)


WORKSHOP_FIELDS = {
    "title": TEXT,
    "subtitle": TEXT,
    "date": DATE,
    "place": TEXT,
    "description": TEXT,
}
GROUPS_FORMSET = {
    "groups-TOTAL_FORMS": INT("1", "2"),
    "groups-INITIAL_FORMS": INT("0"),
    "groups-MIN_NUM_FORMS": INT("1"),
    "groups-MAX_NUM_FORMS": INT("1000"),
    "groups-0-name": TEXT,
    "groups-0-question": TEXT,
    "groups-1-name": TEXT,
}
COLOR = CHOICE(*Color.values)
PHASE_FIELDS = {
    "title": TEXT,
    "instruction": TEXT,
    "view": CHOICE("room", "groups", "plenary"),
    "allows": CHOICE("write", "vote", "read"),
    "board_mode": CHOICE("", "open", "hidden", "collect"),
    "reveal": BOOL,
    "planned_minutes": INT("15", "0"),
    "dots_per_participant": INT("5", "0"),
    "max_per_target": INT("3", "0"),
}
VOTE = {"card": ID("card_id"), "cluster": ID("cluster_id")}
OWN_CARD = {"card_id": "own_card_id"}  # Kim's card first: the author's routes
LINK_KIND = CHOICE("synergy", "parallel", "conflict")
CONCLUSION = {
    "kind": CHOICE("conclusion", "step"),
    "text": TEXT,
    "actors": IDS("actor_id"),
    "who": TEXT,
    "due": DATE,
}

# Every route of our own, by name: the methods it answers and the fields it reads.
ROUTES: dict[str, Spec] = {
    "home": spec("GET", roles=PUBLIC, code=ID("code")),
    "imprint": spec("GET", roles=PUBLIC),
    "privacy": spec("GET", roles=PUBLIC),
    "accessibility": spec("GET", roles=PUBLIC),
    "easy-language": spec("GET", roles=PUBLIC),
    "join": spec(
        "GET",
        "POST",
        roles=PHONE,
        display_name=TEXT,
        named_in_summary=BOOL,
        group=ID("group_id"),
    ),
    "join-wait": spec("GET", roles=PHONE),
    "board": spec("GET", roles=PHONE),
    "group-change": spec("POST", roles=PHONE, group=ID("group_id")),
    "card-post": spec("POST", roles=PHONE, text=TEXT, client_uuid=UUID, color=COLOR),
    "board-snapshot": spec("GET", roles=PHONE),
    "own-card-edit": spec("POST", roles=PHONE, pools=OWN_CARD, text=TEXT, version=VERSION),
    "own-card-delete": spec("POST", roles=PHONE, pools=OWN_CARD, version=VERSION),
    "vote-cast": spec("POST", roles=PHONE, **VOTE),
    "vote-retract": spec("POST", roles=PHONE, **VOTE),
    "me-update": spec("POST", roles=PHONE, display_name=TEXT, named_in_summary=BOOL),
    "done": spec("POST", roles=PHONE, phase="write", done=CHOICE("on", "off")),
    "projector": spec("GET", roles=PUBLIC),
    "projector-board": spec("GET", roles=PUBLIC),
    "projector-snapshot": spec("GET", roles=PUBLIC),
    "projector-qr": spec("GET", roles=PUBLIC, code=TEXT),
    "projector-plenary": spec("GET", roles=PUBLIC),
    "workshop:dashboard": spec("GET"),
    "workshop:new": spec("GET", "POST", **WORKSHOP_FIELDS, **GROUPS_FORMSET),
    "workshop:console": spec("GET"),
    "workshop:settings": spec("GET"),
    "workshop:edit": spec("GET", "POST", **WORKSHOP_FIELDS),
    "workshop:qr": spec("GET"),
    "workshop:group-add": spec("POST", name=TEXT, question=TEXT),
    "workshop:group-edit": spec("POST", name=TEXT, question=TEXT),
    "workshop:group-delete": spec("POST"),
    "workshop:group-preview": spec("GET"),
    "workshop:breakouts": spec(
        "POST", assignment=CHOICE("self", "random", "facilitator"), max_group_size=INT("", "1", "5")
    ),
    "workshop:participant-move": spec("POST", group=ID("group_id"), next=URL),
    "workshop:facilitator-add": spec("POST", username=CHOICE("fremd", "andrea", "niemand")),
    "workshop:facilitator-remove": spec("POST"),
    "workshop:close": spec("POST"),
    "workshop:reopen": spec("POST"),
    "workshop:projector-revoke": spec("POST"),
    "workshop:projector-pages": spec(
        "POST", turn=CHOICE("previous", "next"), auto=CHOICE("on", "off")
    ),
    "workshop:code-renew": spec("POST"),
    "workshop:timer": spec(
        "POST",
        action=CHOICE(
            "start", "pause", "resume", "extend-1", "extend-5", "stop", "sound-on", "sound-off"
        ),
        minutes=INT("5", "1", "180"),
        group=ID("group_id"),
    ),
    "workshop:agenda": spec("GET"),
    "workshop:phase-add": spec("POST", **PHASE_FIELDS),
    "workshop:phase-edit": spec("POST", **PHASE_FIELDS),
    "workshop:phase-move": spec("POST", direction=CHOICE("up", "down")),
    "workshop:phase-delete": spec("POST"),
    "workshop:phase-step": spec(
        "POST", step=CHOICE("next", "previous"), voting=CHOICE("", "continue", "new")
    ),
    "workshop:phase-enter": spec("POST", voting=CHOICE("", "continue", "new")),
    "workshop:agenda-stop": spec("POST"),
    "workshop:plenary": spec("GET"),
    "workshop:spotlight": spec("POST", kind=CHOICE("group", "cluster", "card"), id=ID("spot_id")),
    "workshop:spotlight-clear": spec("POST"),
    "workshop:joining": spec("POST", open=BOOL, next=URL),
    "workshop:participant-remove": spec("POST", next=URL),
    "workshop:participant-rename": spec("POST", display_name=TEXT, next=URL),
    "workshop:board": spec("GET", part=CHOICE("panel")),
    "workshop:board-configure": spec(
        "POST",
        mode=CHOICE(*Board.Mode.values),
        card_color=COLOR,
        locked=BOOL,
        participants_choose_color=BOOL,
    ),
    "workshop:reveal": spec("POST"),
    "workshop:pin": spec("POST", card=ID("card_id")),
    "workshop:undo": spec("POST"),
    "workshop:merge": spec("POST", cards=IDS("card_id"), target=ID("card_id")),
    "workshop:card-add": spec(
        "POST",
        text=TEXT,
        kind=CHOICE("card", "heading", "oval"),
        color=COLOR,
        cluster=ID("cluster_id"),
        client_uuid=UUID,
    ),
    "workshop:card-move": spec(
        "POST", cluster=ID("cluster_id"), index=INT("0", "1"), version=VERSION
    ),
    "workshop:card-edit": spec(
        "POST", text=TEXT, color=COLOR, kind=CHOICE(*Card.Kind.values), version=VERSION
    ),
    "workshop:card-delete": spec("POST", version=VERSION),
    "workshop:card-hide": spec("POST", hidden=BOOL),
    "workshop:cluster-create": spec("POST", title=TEXT, cards=IDS("card_id")),
    "workshop:cluster-rename": spec("POST", title=TEXT, version=VERSION),
    "workshop:cluster-dissolve": spec("POST"),
    "workshop:voting-start": spec(
        "POST",
        dots_per_participant=INT("1", "5", "20"),
        max_per_target=INT("1", "3"),
        cumulative=BOOL,
        show_totals=BOOL,
    ),
    "workshop:voting-close": spec("POST"),
    # Synergies and conclusions of the plenary (boards/views/synergies.py).
    "workshop:synergies": spec("GET", open=CHOICE("conclusion-1", "link-2")),
    "workshop:link-create": spec(
        "POST", source=END("end_a"), target=END("end_b"), kind=LINK_KIND, note=TEXT
    ),
    "workshop:link-update": spec("POST", kind=LINK_KIND, note=TEXT, version=VERSION),
    "workshop:suggestion-accept": spec("POST", suggestion=END("suggestion")),
    "workshop:suggestion-dismiss": spec("POST", suggestion=END("suggestion")),
    "workshop:link-delete": spec("POST"),
    "workshop:conclusion-create": spec(
        "POST",
        **CONCLUSION,
        from_cluster=ID("cluster_id"),
        from_link=ID("link_id"),
    ),
    "workshop:conclusion-update": spec("POST", **CONCLUSION, version=VERSION),
    "workshop:conclusion-delete": spec("POST"),
    "workshop:conclusion-move": spec(
        "POST", index=INT("0", "1", "5"), version=VERSION, direction=CHOICE("up", "down")
    ),
    # Use as template and import (boards/views/transfer.py).
    "workshop:template": spec("POST"),
    "workshop:import": spec("GET", "POST", file=TEXT),
    "workshop:actor-create": spec("POST", name=TEXT),
    "workshop:actor-rename": spec("POST", name=TEXT),
    "workshop:actor-delete": spec("POST"),
    # The results (boards/views/results.py).
    # Facilitators and organisers always; participants once the workshop is closed.
    "results": spec("GET", roles=ROLES),
    "consent": spec("POST", roles=PHONE, named=CHOICE("1", "0"), next=CHOICE("results", "")),
    "workshop:organiser-add": spec("POST", username=CHOICE("fremd", "andrea", "niemand")),
    "workshop:organiser-remove": spec("POST"),
    "workshop:results": spec("GET"),
    "workshop:results-public": spec("POST", public=CHOICE("1", "0")),
    "workshop:summary": spec("GET"),
    "workshop:summary-language": spec("POST", language=CHOICE("de", "en")),
    "workshop:section-save": spec("POST", pools={"key": "section_key"}, title=TEXT, body=TEXT),
    "workshop:section-draft": spec("POST", pools={"key": "section_key"}),
    "workshop:section-include": spec(
        "POST", pools={"key": "section_key"}, included=CHOICE("1", "0")
    ),
    "workshop:section-move": spec(
        "POST", pools={"key": "section_key"}, direction=CHOICE("up", "down")
    ),
    # Never "yes" here: the module's world would be gone (tests/boards/test_retention.py).
    "workshop:delete": spec("GET", "POST", confirm=CHOICE("no", "")),
    "workshop:export": spec(
        "GET",
        pools={"key": "format_key"},
        lang=CHOICE("de", "en"),
        board=ID("board_id"),
        size=CHOICE("a4", "handout"),
        inline=CHOICE("1"),
    ),
    # Django's own views in our URLconf.
    "login": spec(
        "GET",
        "POST",
        roles=PUBLIC,
        username=CHOICE("andrea", "root"),
        password=CHOICE(PASSWORD),
        next=URL,
    ),
    "logout": spec("POST", next=URL),
    "set_language": spec("POST", roles=PUBLIC, language=CHOICE("de", "en"), next=URL),
}

# Django's apps mounted whole: one generic strategy for every page of the namespace.
NAMESPACES: dict[str, Spec] = {
    "admin": spec(
        "GET",
        "POST",
        roles=ADMIN,
        q=TEXT,
        o=INT("1", "-2", "1.2"),
        p=INT("1", "2"),
        all=TEXT,
        e=INT("1"),
        next=URL,
        _changelist_filters=TEXT,
        workshop__id__exact=ID("workshop_id"),
        board__workshop__id__exact=ID("workshop_id"),
        action=CHOICE("delete_selected"),
        _selected_action=IDS("object_id"),
        index=INT("0"),
        term=TEXT,
        app_label=CHOICE("workshop", "boards", "auth"),
        model_name=CHOICE("workshop", "card", "user"),
        field_name=CHOICE("facilitators", "group"),
        title=TEXT,
        username=TEXT,
        _popup=INT("1"),
        _to_field=CHOICE("id"),
    )
}


def spec_for(route: Route) -> Spec:
    found = ROUTES.get(route.key) or NAMESPACES.get(route.namespace)
    if found is None:
        pytest.fail(
            f"The route {route.key!r} ({route.template}) has no odd-input strategy: "
            f"add it to ROUTES in {__name__.replace('.', '/')}.py with the fields it reads."
        )
    return found


# Path parameters: odd values per converter type, next to the real values of World.pools.
def _near_misses(pool: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(pool).flatmap(
        lambda v: st.sampled_from(
            [f"{v}\x00", f"\x00{v}", v[:-1], f"{v}A", v.swapcase(), f" {v}", v * 3]
        )
    )


ODD_BY_CONVERTER = {
    ids.IdConverter: lambda pool: odd_text(),
    ids.TokenConverter: lambda pool: odd_text() | _near_misses(pool),
    ids.JoinCodeConverter: lambda pool: odd_text() | _near_misses(pool),
    django_converters.IntConverter: lambda pool: odd_text(),
    django_converters.SlugConverter: lambda pool: odd_text() | _near_misses(pool),
    django_converters.StringConverter: lambda pool: odd_text() | _near_misses(pool),
    django_converters.PathConverter: lambda pool: odd_text() | _near_misses(pool),
    None: lambda pool: odd_text() | _near_misses(pool),  # a regex group (re_path)
}


@dataclass(repr=False)
class World:
    """A workshop in full swing, another one, and a browser for every role."""

    clients: dict[str, Client]
    pools: dict[str, list[str]]  # real values by path parameter or field pool
    workshop_ids: list[str]


def _ids(*objects: object) -> list[str]:
    return [str(o.pk) for o in objects]  # type: ignore[attr-defined]


def build_world() -> World:
    andrea = UserFactory(username="andrea")
    co = UserFactory(username="co")
    fremd = UserFactory(username="fremd")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    workshop = WorkshopFactory(facilitator=andrea)
    workshop.facilitators.add(co)
    other = WorkshopFactory(facilitator=fremd)
    group_a = BreakoutGroupFactory(workshop=workshop, name="Mobilität")
    group_b = BreakoutGroupFactory(workshop=workshop, name="Einzelhandel")
    group_o = BreakoutGroupFactory(workshop=other, name="Verwaltung")
    board_a, board_b, board_o = group_a.board, group_b.board, group_o.board

    clients = {role: Client(raise_request_exception=False) for role in {*ROLES, *ADMIN}}
    kim = join_via_http(clients["participant"], group_a, "Kim")
    lou = ParticipantFactory(group=group_b, display_name="Lou")
    olga = ParticipantFactory(group=group_o, display_name="Olga")
    for role, user in (("facilitator", andrea), ("stranger", fremd), ("staff", root)):
        clients[role].force_login(user)
    clients["tampered"].session.save()  # a session of its own, filled per example

    cards = [add(board_a, text, user=andrea) for text in ("Eins", "Zwei", "Drei", "Vier")]
    own = add(board_a, "Meine Idee", participant=kim)
    cluster = services.cluster_create(board=board_a, title="Verkehr", user=andrea, cards=cards[2:])
    voting = services.voting_start(board=board_a, user=andrea)
    services.vote_cast(voting=voting, participant=kim, card=cards[0])
    services.board_configure(board=board_b, mode=Board.Mode.HIDDEN)
    hidden = add(board_b, "Geheim", participant=lou)
    foreign = add(board_o, "Fremd", user=fremd)
    foreign_cluster = services.cluster_create(board=board_o, title="Anderswo", user=fremd)
    # The plenary's findings: a link between the two groups, a conclusion, the actors.
    shown_b = add(board_b, "Sichtbar", user=andrea)
    facilitating = Actor.facilitator(andrea)
    link = synergies.link_create(
        facilitating,
        workshop,
        source=("card", cards[0].pk),
        target=("card", shown_b.pk),
        kind="synergy",
    )
    conclusion = synergies.conclusion_create(
        facilitating, workshop, text="Zusammen", from_link=link
    )
    foreign_conclusion = synergies.conclusion_create(Actor.facilitator(fremd), other, text="Fremd")

    code = workshop.join_code
    everything = [andrea, co, fremd, workshop, other, group_a, board_a, kim, *cards, cluster]
    pools = {
        "workshop_id": _ids(workshop, other),
        "board_id": _ids(board_a, board_b, board_o, workshop.boards.plenary().get()),
        "card_id": _ids(*cards, own, hidden, foreign),
        "own_card_id": _ids(own, cards[0], hidden),
        "cluster_id": _ids(cluster, foreign_cluster),
        # The spotlight's target: a group, a cluster or a card, here or elsewhere, or hidden.
        "spot_id": _ids(group_a, group_o, cluster, foreign_cluster, cards[0], hidden, foreign),
        "group_id": _ids(group_a, group_b, group_o),
        "link_id": _ids(link),
        "conclusion_id": _ids(conclusion, foreign_conclusion),
        "actor_id": _ids(*workshop.actors.all(), *other.actors.all()),
        "end_a": [f"card-{cards[0].pk}", f"cluster-{cluster.pk}", f"card-{foreign.pk}"],
        "end_b": [f"card-{shown_b.pk}", f"card-{hidden.pk}", f"cluster-{foreign_cluster.pk}"],
        # A suggested parallel's key: two ends, sorted.
        "suggestion": [
            ":".join(sorted([f"card-{cards[0].pk}", f"card-{shown_b.pk}"])),
            ":".join(sorted([f"card-{hidden.pk}", f"card-{cards[1].pk}"])),
            f"card-{foreign.pk}:cluster-{cluster.pk}",
        ],
        "phase_id": _ids(*workshop.phases.all()[:3], *other.phases.all()[:1]),
        "user_id": _ids(andrea, co, fremd),
        "section_key": ["intro", f"group-{group_a.pk}", "links", "closing", f"group-{group_o.pk}"],
        "format_key": ["md", "csv", "json", "nope"],
        "participant_id": _ids(kim, lou, olga),
        "token": [workshop.projector_token, other.projector_token],
        "code": [code, code.lower(), f" {code[:3]}-{code[3:]} ", other.join_code],
        # Django's admin
        "object_id": _ids(*everything),
        "id": _ids(andrea, fremd, root),
        "content_type_id": [str(pk) for pk in ContentType.objects.values_list("pk", flat=True)],
        "app_label": ["workshop", "boards", "auth"],
        "url": ["", "workshop/", "nope/"],
    }
    return World(clients, pools, _ids(workshop, other))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at the end."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def valid(f: Field, world: World) -> st.SearchStrategy:
    """What a real form sends for this field."""
    words = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30)
    match f.kind:
        case "id" | "end":
            return st.sampled_from(world.pools[f.pool])
        case "ids":
            return st.lists(st.sampled_from(world.pools[f.pool]), max_size=4)
        case "int" | "choice":
            return st.sampled_from(f.choices)
        case "text":
            return st.sampled_from(["Mehr Radwege", "Ö"]) | words
        case "bool":
            return st.sampled_from(["true", "false", "on", ""])
        case "uuid":
            return st.uuids().map(str)
        case "url":
            return st.sampled_from(["", "/", "/w/", "https://evil.example/"])
        case "date":
            return st.dates().map(str)
    raise AssertionError(f"No strategy for the field kind {f.kind!r}")


def odd(f: Field) -> st.SearchStrategy:
    if f.kind == "ids":
        return odd_list()
    if f.kind == "date":
        return odd_text() | st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30"])
    if f.kind == "end":
        return odd_text() | st.sampled_from(
            ["card-", "cluster-0", f"card-{2**63}", "card-1-2", "board-1", "card-²", "CARD-1"]
        )
    return odd_text()


@dataclass
class Request:
    role: str
    method: str
    url: str
    form: dict[str, object]
    htmx: bool
    session: object = None
    cookie: str = ""
    phase: str = ""  # a phase that allows this runs while it is sent

    def describe(self) -> str:
        short = {k: (v[:80] if isinstance(v, str | list) else v) for k, v in self.form.items()}
        return f"{self.method} {self.url[:200]} as {self.role}, htmx={self.htmx}, form={short}"


def _param_pool(route: Route, name: str, converter: type | None, world: World) -> list[str]:
    pool = world.pools.get(spec_for(route).pools.get(name, name))
    if pool is None or converter not in ODD_BY_CONVERTER:
        pytest.fail(
            f"The route {route.key!r} ({route.template}): no strategy for its parameter "
            f"{name!r} (converter {getattr(converter, '__name__', 'regex')}): add it to "
            "ODD_BY_CONVERTER and World.pools."
        )
    return pool


def draw_request(data: st.DataObject, route: Route, spec: Spec, world: World) -> Request:
    """Real values everywhere but in one or two inputs; mostly as the route's first role."""
    inputs = [("param", name) for name, _ in route.params] + [("field", n) for n in spec.fields]
    oddities = set()
    if inputs:
        oddities = {data.draw(st.sampled_from(inputs), label="odd input")}
        oddities |= data.draw(st.sets(st.sampled_from(inputs), max_size=1), label="and")
    values = {}
    for name, converter in route.params:
        pool = _param_pool(route, name, converter, world)
        # Mostly the first, the workshop in full swing: so odd values reach the code behind it.
        home = st.sampled_from([pool[0]] * 3 * len(pool) + pool)
        strategy = ODD_BY_CONVERTER[converter](pool) if ("param", name) in oddities else home
        values[name] = data.draw(strategy, label=name)
    form = {}
    for name, f in spec.fields.items():
        strategy = odd(f) if ("field", name) in oddities else st.none() | valid(f, world)
        value = data.draw(strategy, label=name)
        if value is not None:
            form[name] = value
    owner, *others = spec.roles
    role = data.draw(st.sampled_from([owner] * len(others) + list(spec.roles)), label="role")
    request = Request(
        role=role,
        method=data.draw(st.sampled_from(spec.methods), label="method"),
        url=route.url(values),
        form=form,
        htmx=data.draw(st.booleans(), label="htmx"),
        phase=spec.phase,
    )
    if role == "tampered":
        workshop_keys = st.sampled_from([*world.workshop_ids, "0", "x"])
        joined = st.dictionaries(workshop_keys, ODD_SESSION_VALUES, max_size=3)
        request.session = data.draw(joined | ODD_SESSION_VALUES, label="session")
    if role == "odd-cookie":
        # What a server hands on: the cookie header's bytes read as Latin-1.
        latin1 = odd_text().map(lambda v: v.encode().decode("latin-1"))
        request.cookie = data.draw(latin1, label="cookie")
    return request


def home(f: Field, world: World) -> str | list[str]:
    """The value a real form sends, fixed: the sweep changes one input at a time."""
    match f.kind:
        case "id" | "end":
            return world.pools[f.pool][0]
        case "ids":
            return world.pools[f.pool][:2]
        case "int" | "choice":
            return f.choices[0]
        case "text":
            return "Mehr Radwege"
        case "bool":
            return "true"
        case "uuid":
            return "5b4c1f4e-8a2d-4f7e-9d3c-2f1a0b9c8d7e"
        case "url":
            return "/"
        case "date":
            return "2026-11-20"
    raise AssertionError(f"No value for the field kind {f.kind!r}")


def sharp_requests(route: Route, spec: Spec, world: World) -> Iterator[Request]:
    """Each input in turn gets each of SHARP, the others their real value, as the first role."""
    params = {n: _param_pool(route, n, c, world)[0] for n, c in route.params}
    form = {n: home(f, world) for n, f in spec.fields.items()}
    method = spec.methods[-1]
    for name in params:
        for value in SHARP:
            url = route.url(params | {name: value})
            yield Request(spec.roles[0], method, url, form, htmx=True, phase=spec.phase)
    for name, f in spec.fields.items():
        values = [[form[name][0], v] for v in SHARP] if f.kind == "ids" else SHARP
        for value in [*values, [str(n) for n in range(1500)]] if f.kind == "ids" else values:
            yield Request(
                spec.roles[0],
                method,
                route.url(params),
                form | {name: value},
                True,
                phase=spec.phase,
            )


def send(world: World, request: Request):
    """One request, in a transaction rolled back after it: every example starts alike."""
    tally.count("odd-request")
    client = world.clients[request.role]
    cookies = copy.deepcopy(client.cookies)
    headers = {"HX-Request": "true"} if request.htmx else {}
    try:
        with transaction.atomic():
            if request.phase:
                workshop = Workshop.objects.get(pk=world.workshop_ids[0])
                phase = workshop.phases.filter(allows=request.phase).first()
                Workshop.objects.filter(pk=workshop.pk).update(current_phase=phase)
            if request.role == "tampered":
                session = client.session
                session[SESSION_KEY] = request.session
                session.save()
            if request.role == "odd-cookie":
                client.cookies["sessionid"] = request.cookie
            if request.method == "GET":
                response = client.get(request.url, request.form, headers=headers)
            else:
                body = urlencode(request.form, doseq=True)
                response = client.post(
                    request.url,
                    body,
                    content_type="application/x-www-form-urlencoded",
                    headers=headers,
                )
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def failure(route: Route, request: Request, response) -> str:
    error = response.exc_info[1] if response.exc_info else None
    return f"{route.key}: {request.describe()} answered {response.status_code}: {error!r}"


ALL_ROUTES = list_routes(get_resolver().url_patterns)
OWN = [r for r in ALL_ROUTES if r.namespace not in NAMESPACES]
GENERIC = [r for r in ALL_ROUTES if r.namespace in NAMESPACES]


@pytest.mark.parametrize("route", OWN, ids=[r.key for r in OWN])
def test_the_real_request_gets_into_each_route(world, route):
    """So odd values in one input reach the code behind the others: the World and roles fit."""
    spec = spec_for(route)
    params = {n: _param_pool(route, n, c, world)[0] for n, c in route.params}
    form = {n: home(f, world) for n, f in spec.fields.items()}
    request = Request(
        spec.roles[0], spec.methods[-1], route.url(params), form, htmx=True, phase=spec.phase
    )
    response = send(world, request)
    assert response.status_code not in {403, 404, 405}, failure(route, request, response)
    assert not response.get("Location", "").startswith("/accounts/login/"), request.describe()


@pytest.mark.parametrize("route", OWN, ids=[r.key for r in OWN])
def test_sharp_values_in_every_input_get_no_server_error(world, route):
    failures = []
    for request in sharp_requests(route, spec_for(route), world):
        response = send(world, request)
        if response.status_code >= 500:
            failures.append(failure(route, request, response))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", OWN, ids=[r.key for r in OWN])
@settings(PROFILE)
@given(data=st.data())
def test_odd_input_to_our_routes_gets_no_server_error(world, route, data):
    request = draw_request(data, route, spec_for(route), world)
    response = send(world, request)
    assert response.status_code < 500, failure(route, request, response)


@pytest.mark.parametrize("route", GENERIC, ids=[r.key for r in GENERIC])
@settings(PROFILE, max_examples=GENERIC_EXAMPLES)
@given(data=st.data())
def test_odd_input_to_djangos_apps_gets_no_server_error(world, route, data):
    request = draw_request(data, route, spec_for(route), world)
    response = send(world, request)
    assert response.status_code < 500, failure(route, request, response)


def test_our_routes_take_ids_and_tokens_through_checked_converters():
    unchecked = {django_converters.IntConverter, django_converters.StringConverter}
    loose = [r.template for r in OWN for _name, c in r.params if c in unchecked]
    assert not loose, f"Use <id:…>, <token:…> or <code:…> (workshop/ids.py) in {loose}"


def test_every_route_is_listed_and_every_listed_route_exists():
    assert {r.key for r in OWN} == set(ROUTES), "ROUTES and the URLconf differ"
    assert len(GENERIC) > 10  # the admin's pages were found
