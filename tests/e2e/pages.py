"""Every page type and state of Stellwand, built the way people get there: one table.

`PAGES` maps a name to a builder. A builder gets a `Scene` (the browsers, the facilitator
and the data of one workshop) and returns a page that shows the state, ready to check.
The accessibility test (test_accessibility.py) runs axe-core on every entry in German
and in English; the CSP test (test_csp.py) opens every entry under the real CSP.

A new page type is one more function here with `@page_type("name")`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.test import Client
from playwright.sync_api import Page, Route, expect

from boards.models import Board, Card
from boards.services import (
    GroupSpec,
    board_configure,
    card_create,
    cluster_create,
    vote_cast,
    voting_close,
    voting_start,
    workshop_create_with_groups,
)
from boards.services.agenda import phase_enter
from tests.e2e.conftest import Screens, cards, choose_group_and_join, expect_live, log_in, pin
from tests.factories import ParticipantFactory
from workshop.models import Participant, Workshop
from workshop.permissions import Actor
from workshop.services import workshop_close

LOCALES = {"de": "de-DE", "en": "en-US"}

CARDS = [
    "Busse im 10-Minuten-Takt",
    "Haltestellen barrierefrei umbauen",
    "Radwege durchgehend ausbauen",
    "Carsharing am Bahnhof",
]


@dataclass
class Scene:
    """One workshop ("Mobilität", "Einzelhandel") and the browsers to look at it with."""

    screens: Screens
    facilitator: object
    language: str
    context_options: dict[str, object] = field(default_factory=dict)

    # ---- browsers in this scene's language

    def _options(self) -> dict[str, object]:
        return {"locale": LOCALES[self.language], **self.context_options}

    def laptop(self) -> Page:
        return self.screens.laptop(**self._options())

    def phone(self) -> Page:
        return self.screens.phone(**self._options())

    def beamer(self) -> Page:
        return self.screens.beamer(**self._options())

    def facilitator_laptop(self) -> Page:
        page = self.laptop()
        log_in(page, self.facilitator.username)  # type: ignore[attr-defined]
        return page

    # ---- the data, through the services

    @cached_property
    def workshop(self) -> Workshop:
        return workshop_create_with_groups(
            user=self.facilitator,
            title="In Silos oder innovativ? Kommunale Digitalprojekte",
            subtitle="Werkstatt 8",
            place="Rathaus, Saal 2",
            groups=[
                GroupSpec("Mobilität", "Wie kommen wir 2030 durch die Stadt?"),
                GroupSpec("Einzelhandel", "Was hält die Innenstadt lebendig?"),
            ],
        )

    @cached_property
    def board(self) -> Board:
        return Board.objects.get(workshop=self.workshop, group__name="Mobilität")

    def fill_wall(self) -> list[Card]:
        """Cards by two participants; a cluster with two of them if they are on the wall."""
        group = self.board.group
        people = [
            ParticipantFactory(group=group, workshop=self.workshop, display_name=name)
            for name in ("Alex", "Bo")
        ]
        made = [
            card_create(
                board=self.board,
                text=text,
                client_uuid=uuid.uuid4(),
                participant=people[n % 2],
            )[0]
            for n, text in enumerate(CARDS)
        ]
        on_wall = [card for card in made[:2] if card.state == Card.State.PINNED]
        cluster_create(board=self.board, title="Bus und Bahn", user=self.facilitator, cards=on_wall)
        return made

    def enter_phase(self, position: int) -> None:
        """The agenda's phase at `position` (1: the input talk), in the scene's language."""
        phase_enter(
            actor=Actor.facilitator(self.facilitator),
            workshop=self.workshop,
            phase=self.workshop.phases.get(position=position),
        )

    def join(self, name: str = "Kim") -> Page:
        phone = self.phone()
        phone.goto(f"/j/{self.workshop.join_code}/")
        choose_group_and_join(phone, "Mobilität", name=name)
        expect_live(phone)
        return phone


PageBuilder = Callable[[Scene], Page]
PAGES: dict[str, PageBuilder] = {}


def page_type(name: str) -> Callable[[PageBuilder], PageBuilder]:
    def register(build: PageBuilder) -> PageBuilder:
        assert name not in PAGES, f"two page types named {name!r}"
        PAGES[name] = build
        return build

    return register


# ---------------------------------------------------------------- anyone


@page_type("start")
def start(scene: Scene) -> Page:
    page = scene.phone()
    page.goto("/")
    return page


@page_type("start-wrong-code")
def start_wrong_code(scene: Scene) -> Page:
    page = scene.phone()
    page.goto("/?code=XXXXXX")
    expect(page.locator("main .error, main [role=alert]").first).to_be_visible()
    return page


@page_type("privacy")
def privacy(scene: Scene) -> Page:
    page = scene.laptop()
    page.goto("/datenschutz/")
    return page


@page_type("imprint")
def imprint(scene: Scene) -> Page:
    page = scene.laptop()
    page.goto("/impressum/")
    return page


@page_type("accessibility-statement")
def accessibility_statement(scene: Scene) -> Page:
    page = scene.laptop()
    page.goto("/barrierefreiheit/")
    return page


@page_type("easy-language")
def easy_language(scene: Scene) -> Page:
    """How to take part, in Leichte Sprache: read on the phone that joins."""
    page = scene.phone()
    page.goto("/leichte-sprache/")
    return page


@page_type("not-found")
def not_found(scene: Scene) -> Page:
    """The 404 page as Django sends it with DEBUG off.

    The browser tests' daphne runs with DEBUG on (its 404 is Django's technical page), so
    the response comes from Django's test client here, in this process (DEBUG off), and is
    handed to the browser for the same URL; its styles and scripts load from daphne.
    """
    url = scene.screens.server.url + "/w/this-page-does-not-exist/"
    response = Client(headers={"accept-language": LOCALES[scene.language]}).get(
        "/w/this-page-does-not-exist/"
    )
    assert response.status_code == 404
    page = scene.laptop()

    def answer(route: Route) -> None:
        route.fulfill(status=404, headers=dict(response.items()), body=response.content)

    page.route(url, answer)
    page.goto(url)
    return page


# ---------------------------------------------------------------- participants


@page_type("join")
def join(scene: Scene) -> Page:
    page = scene.phone()
    page.goto(f"/j/{scene.workshop.join_code}/")
    return page


@page_type("join-closed")
def join_closed(scene: Scene) -> Page:
    workshop_close(workshop=scene.workshop)
    page = scene.phone()
    page.goto(f"/j/{scene.workshop.join_code}/")
    return page


@page_type("phone-writing")
def phone_writing(scene: Scene) -> Page:
    """Open brainstorming: others' cards on the wall, one of this phone's own, a draft."""
    scene.fill_wall()
    phone = scene.join()
    pin(phone, "Nachtbus am Wochenende")
    expect(cards(phone, scene.board.pk, "Nachtbus am Wochenende")).to_be_visible()
    phone.locator("form[data-composer] textarea").fill("Sichere Fahrradständer")
    return phone


@page_type("phone-hidden")
def phone_hidden(scene: Scene) -> Page:
    """Hidden brainstorming: this phone's own hidden cards, nothing on the wall."""
    board_configure(board=scene.board, mode=Board.Mode.HIDDEN)
    phone = scene.join()
    for text in ("Nachtbus am Wochenende", "Sichere Fahrradständer"):
        pin(phone, text)
    expect(phone.locator(f"#board-{scene.board.pk}-me [data-own-card]")).to_have_count(2)
    return phone


@page_type("phone-edit")
def phone_edit(scene: Scene) -> Page:
    """The dialog for changing or deleting one's own card, open."""
    phone = scene.join()
    pin(phone, "Nachtbus am Wochenende")
    card = cards(phone, scene.board.pk, "Nachtbus am Wochenende")
    card.locator("[data-own-edit]").click()
    expect(phone.locator("dialog[data-edit-dialog]")).to_be_visible()
    return phone


@page_type("phone-voting")
def phone_voting(scene: Scene) -> Page:
    """Dot voting: + and - on every card and cluster, one dot given already."""
    made = scene.fill_wall()
    phone = scene.join("Kim")
    kim = Participant.objects.get(workshop=scene.workshop, display_name="Kim")
    voting = voting_start(board=scene.board, user=scene.facilitator, dots_per_participant=3)
    vote_cast(voting=voting, participant=kim, card=made[2])
    # Pushes from this process are switched off (conftest `live_db`): load the page again.
    phone.reload()
    expect_live(phone)
    target = f'[data-vote][data-target="card-{made[2].pk}"]'
    expect(phone.locator(f"{target} [data-my-dots] .dot")).to_have_count(1)
    return phone


# ---------------------------------------------------------------- facilitators


@page_type("login")
def login(scene: Scene) -> Page:
    page = scene.laptop()
    page.goto("/accounts/login/")
    return page


@page_type("login-failed")
def login_failed(scene: Scene) -> Page:
    page = scene.laptop()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("andrea")
    page.locator("#id_password").fill("wrong password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_be_visible()
    return page


@page_type("dashboard")
def dashboard(scene: Scene) -> Page:
    scene.workshop  # noqa: B018 (one workshop in the list)
    page = scene.facilitator_laptop()
    page.goto("/w/")
    return page


@page_type("workshop-form")
def workshop_form(scene: Scene) -> Page:
    page = scene.facilitator_laptop()
    page.goto("/w/new/")
    return page


@page_type("workshop-form-errors")
def workshop_form_errors(scene: Scene) -> Page:
    page = scene.facilitator_laptop()
    page.goto("/w/new/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    return page


@page_type("workshop-edit")
def workshop_edit(scene: Scene) -> Page:
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/edit/")
    return page


@page_type("workshop-settings")
def workshop_settings(scene: Scene) -> Page:
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/settings/")
    return page


@page_type("console")
def console(scene: Scene) -> Page:
    scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/")
    expect_live(page)
    return page


@page_type("agenda")
def agenda_editor(scene: Scene) -> Page:
    """The agenda editor, with the brainstorming running."""
    scene.enter_phase(3)
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/agenda/")
    return page


@page_type("console-phase")
def console_phase(scene: Scene) -> Page:
    """The console while the clustering runs: the agenda panel with its next step."""
    scene.fill_wall()
    scene.enter_phase(4)
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/")
    expect_live(page)
    return page


@page_type("phone-phase-talk")
def phone_phase_talk(scene: Scene) -> Page:
    """The input talk: the phone says so, and that cards are not written now."""
    phone = scene.join()
    scene.enter_phase(1)  # in this process: the phone learns it from its next page
    phone.reload()
    expect_live(phone)
    expect(phone.locator("[data-composer-off]")).to_be_visible()
    return phone


@page_type("projector-room")
def projector_room(scene: Scene) -> Page:
    """The projector during the input talk: the phase fills the screen, with what is next."""
    scene.enter_phase(1)
    page = scene.beamer()
    page.goto(f"/p/{scene.workshop.projector_token}/")
    expect_live(page)
    return page


@page_type("moderation")
def moderation(scene: Scene) -> Page:
    scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(page)
    return page


@page_type("moderation-menu")
def moderation_menu(scene: Scene) -> Page:
    """A card's actions menu open (move, colour, edit, hide, delete)."""
    made = scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(page)
    page.locator(f"#card-{made[2].pk}-summary").click()
    expect(page.locator(f"#card-{made[2].pk}-tools")).to_have_attribute("open", "")
    return page


@page_type("moderation-hidden")
def moderation_hidden(scene: Scene) -> Page:
    """Hidden brainstorming: the count of hidden cards and the reveal button."""
    board_configure(board=scene.board, mode=Board.Mode.HIDDEN)
    scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(page)
    expect(page.locator("form[action$='/reveal/'] button[type=submit]")).to_be_enabled()
    return page


@page_type("moderation-inbox")
def moderation_inbox(scene: Scene) -> Page:
    """Collect mode: handed-in cards in the facilitators' inbox."""
    board_configure(board=scene.board, mode=Board.Mode.COLLECT)
    scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(page)
    expect(page.locator("[data-inbox-cards] li[data-card]").first).to_be_visible()
    return page


@page_type("moderation-voting")
def moderation_voting(scene: Scene) -> Page:
    """The moderation wall during voting: totals on every card, the close button."""
    made = scene.fill_wall()
    voting = voting_start(board=scene.board, user=scene.facilitator, show_totals=False)
    vote_cast(voting=voting, participant=made[0].author, card=made[0])
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(page)
    return page


# ---------------------------------------------------------------- the projector


@page_type("projector")
def projector(scene: Scene) -> Page:
    scene.fill_wall()
    page = scene.beamer()
    page.goto(f"/p/{scene.workshop.projector_token}/")
    expect_live(page)
    return page


@page_type("projector-ranking")
def projector_ranking(scene: Scene) -> Page:
    """One wall after a closed voting round: the ranking of clusters and cards."""
    made = scene.fill_wall()
    voting = voting_start(board=scene.board, user=scene.facilitator)
    for card in (made[0], made[0], made[2], made[3]):
        vote_cast(voting=voting, participant=card.author, card=card)
    voting_close(voting=voting, user=scene.facilitator)
    page = scene.beamer()
    page.goto(f"/p/{scene.workshop.projector_token}/{scene.board.pk}/")
    expect_live(page)
    expect(page.locator(f"#board-{scene.board.pk}-ranking")).to_be_visible()
    return page


# ---------------------------------------------------------------- breakouts


@page_type("phone-waiting")
def phone_waiting(scene: Scene) -> Page:
    """The facilitators assign the groups: a joined phone waits for its group."""
    Workshop.objects.filter(pk=scene.workshop.pk).update(assignment="facilitator")
    phone = scene.phone()
    phone.goto(f"/j/{scene.workshop.join_code}/")
    phone.locator("#id_display_name").fill("Kim")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#waiting-note")).to_be_visible()
    expect_live(phone)
    return phone


@page_type("phone-change-group")
def phone_change_group(scene: Scene) -> Page:
    """Participants choose their group: the dialog to change it, open."""
    phone = scene.join()
    phone.locator("[data-dialog-open=group-dialog]").click()
    expect(phone.locator("#group-dialog")).to_be_visible()
    return phone


@page_type("group-preview")
def group_preview(scene: Scene) -> Page:
    """What the phones of a group show now, read-only, on the facilitator's laptop."""
    scene.fill_wall()
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/groups/{scene.board.group_id}/preview/")
    expect_live(page)
    return page


# ---------------------------------------------------------------- the plenary


def _plenary(scene: Scene, spotlight: str = "") -> dict:
    from boards.services.plenary import spotlight_set
    from tests.e2e.plenary_scene import fill_plenary
    from workshop.permissions import Actor

    clusters = fill_plenary(scene.workshop, scene.facilitator)
    if spotlight:
        actor = Actor.facilitator(scene.facilitator)
        spotlight_set(actor, scene.workshop, "cluster", clusters[spotlight].pk)
    return clusters


@page_type("phone-plenary")
def phone_plenary(scene: Scene) -> Page:
    """Every group's results, one after the other, with a cluster in the spotlight."""
    _plenary(scene, spotlight="Lokale Aktionen")
    phone = scene.join()
    phone.goto(f"/b/{Board.objects.plenary().get(workshop=scene.workshop).pk}/")
    expect_live(phone)
    expect(phone.locator("#spotlight.spotlight--on")).to_be_visible()
    return phone


@page_type("projector-plenary")
def projector_plenary(scene: Scene) -> Page:
    _plenary(scene)
    page = scene.beamer()
    page.goto(f"/p/{scene.workshop.projector_token}/plenary/")
    expect_live(page)
    return page


@page_type("projector-spotlight")
def projector_spotlight(scene: Scene) -> Page:
    _plenary(scene, spotlight="ÖPNV modernisieren")
    page = scene.beamer()
    page.goto(f"/p/{scene.workshop.projector_token}/plenary/")
    expect_live(page)
    expect(page.locator("#spotlight.spotlight--on")).to_be_visible()
    return page


@page_type("console-plenary")
def console_plenary(scene: Scene) -> Page:
    _plenary(scene, spotlight="ÖPNV modernisieren")
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/plenary/")
    expect_live(page)
    return page


# ---------------------------------------------------------------- synergies and conclusions


@page_type("synergies")
def synergies(scene: Scene) -> Page:
    """The facilitator's "Synergies & conclusions" with a link and a conclusion, one edit open."""
    from boards.services import synergies as syn
    from workshop.permissions import Actor

    made = scene.fill_wall()
    retail = Board.objects.get(workshop=scene.workshop, group__name="Einzelhandel")
    shop = card_create(
        board=retail, text="Lieferzonen am Morgen", client_uuid=uuid.uuid4(), user=scene.facilitator
    )[0]
    me = Actor.facilitator(scene.facilitator)
    link = syn.link_create(
        me,
        scene.workshop,
        source=("card", made[0].pk),
        target=("card", shop.pk),
        kind="conflict",
        note="Busspuren und Lieferzonen teilen sich die Straße",
    )
    syn.conclusion_create(
        me, scene.workshop, from_link=link, actor_ids=[scene.workshop.actors.first().pk]
    )
    page = scene.facilitator_laptop()
    page.goto(f"/w/{scene.workshop.pk}/synergies/")
    page.locator(".synergy-conclusions--edit details > summary").first.click()
    return page


# ---------------------------------------------------------------- the results


def _results(scene: Scene) -> Workshop:
    """The workshop as it ran: people, clusters, dots, links, conclusions (boards/seed.py)."""
    from boards.seed import seed_results

    seed_results(scene.workshop, scene.facilitator)
    return scene.workshop


@page_type("results")
def results(scene: Scene) -> Page:
    """The export page: every export in one click."""
    workshop = _results(scene)
    page = scene.facilitator_laptop()
    page.goto(f"/w/{workshop.pk}/results/")
    return page


@page_type("summary-editor")
def summary_editor(scene: Scene) -> Page:
    """The summary editor with one section edited and then overtaken by the boards."""
    from boards.services.summary import section_include, section_save

    workshop = _results(scene)
    me = Actor.facilitator(scene.facilitator)
    group = workshop.groups.get(name="Mobilität")
    section_save(me, workshop, f"group-{group.pk}", title="Mobilität", body="Eigene Fassung.")
    section_include(me, workshop, "agenda", included=False)
    card_create(
        board=group.board, text="Nachtbus am Wochenende", client_uuid=uuid.uuid4(), user=me.user
    )
    page = scene.facilitator_laptop()
    page.goto(f"/w/{workshop.pk}/summary/")
    expect(page.locator(".summary-section .notice").first).to_be_visible()
    return page


@page_type("results-public")
def results_public(scene: Scene) -> Page:
    """What a participant's phone shows after the workshop, where the results are open."""
    from workshop.services import results_public_set

    workshop = _results(scene)
    phone = scene.join("Kim")
    workshop_close(workshop=workshop)
    results_public_set(workshop=workshop, public=True)
    phone.goto(f"/r/{workshop.pk}/")
    expect(phone.locator("#plenary")).to_be_visible()
    return phone


@page_type("import")
def import_page(scene: Scene) -> Page:
    page = scene.facilitator_laptop()
    page.goto("/w/import/")
    return page
