"""The timer's services, "I'm done", and the two-pushes-a-second budget."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import services as board_services
from boards.permissions import Refused
from boards.services import timer as timer_services
from boards.timing import TimerStatus, done_count, group_timer, room_timer
from tests.factories import ParticipantFactory
from workshop import live
from workshop.models import Phase, Timer
from workshop.permissions import Actor


@pytest.fixture
def andrea(facilitator) -> Actor:
    return Actor.facilitator(facilitator)


def done_text(done: int, total: int) -> str:
    """ "3 von 5 fertig" (its German comes with the catalogues merged from locale/pending)."""
    return _("%(done)s of %(total)s done") % {"done": done, "total": total}


def in_phase(workshop, allows: str) -> Phase:
    phase = workshop.phases.filter(allows=allows).first()
    workshop.current_phase = phase
    workshop.save(update_fields=["current_phase"])
    return phase


def test_a_room_timer_runs_pauses_resumes_extends_and_stops(workshop, andrea):
    timer_services.timer_start(actor=andrea, workshop=workshop, minutes=5)
    state = room_timer(workshop.pk)
    assert state.status == TimerStatus.RUNNING
    assert 298_000 < state.remaining_ms <= 300_000
    assert state.clock == "5:00"

    timer_services.timer_pause(actor=andrea, workshop=workshop)
    paused = room_timer(workshop.pk)
    assert paused.status == TimerStatus.PAUSED
    assert paused.remaining_ms == 300_000  # held where it was, rounded up to the second

    timer_services.timer_extend(actor=andrea, workshop=workshop, minutes=1)
    assert room_timer(workshop.pk).remaining_ms == 360_000  # paused, one minute more

    timer_services.timer_resume(actor=andrea, workshop=workshop)
    running = room_timer(workshop.pk)
    assert running.status == TimerStatus.RUNNING
    assert 358_000 < running.remaining_ms <= 360_000

    timer_services.timer_extend(actor=andrea, workshop=workshop, minutes=5)
    assert 658_000 < room_timer(workshop.pk).remaining_ms <= 660_000

    timer_services.timer_stop(actor=andrea, workshop=workshop)
    stopped = room_timer(workshop.pk)
    assert stopped.status == TimerStatus.STOPPED
    assert not stopped.shown
    assert Timer.objects.filter(workshop=workshop).count() == 1  # one room timer, reused


def test_a_timer_whose_time_is_up_says_so_and_extending_starts_it_again(workshop, andrea):
    timer_services.timer_start(actor=andrea, workshop=workshop, minutes=1)
    Timer.objects.filter(workshop=workshop).update(ends_at=timezone.now() - timedelta(seconds=3))
    over = room_timer(workshop.pk)
    assert over.status == TimerStatus.OVER
    assert over.remaining_ms == 0
    timer_services.timer_pause(actor=andrea, workshop=workshop)  # nothing to hold
    assert room_timer(workshop.pk).status == TimerStatus.OVER
    timer_services.timer_extend(actor=andrea, workshop=workshop, minutes=1)
    again = room_timer(workshop.pk)
    assert again.status == TimerStatus.RUNNING
    assert 58_000 < again.remaining_ms <= 60_000


def test_a_group_timer_is_its_own_and_leaves_the_room_alone(workshop, group_a, group_b, andrea):
    timer_services.timer_start(actor=andrea, workshop=workshop, minutes=3, group=group_a)
    assert group_timer(group_a).status == TimerStatus.RUNNING
    assert group_timer(group_b).status == TimerStatus.STOPPED
    assert room_timer(workshop.pk).status == TimerStatus.STOPPED
    timer_services.timer_start(actor=andrea, workshop=workshop, minutes=10)
    timer_services.timer_pause(actor=andrea, workshop=workshop, group=group_a)
    assert group_timer(group_a).status == TimerStatus.PAUSED
    assert room_timer(workshop.pk).status == TimerStatus.RUNNING


def test_another_workshops_group_is_refused(workshop, other_group, andrea):
    with pytest.raises(ValidationError):
        timer_services.timer_start(actor=andrea, workshop=workshop, minutes=3, group=other_group)
    assert not Timer.objects.filter(group=other_group).exists()


@pytest.mark.parametrize("minutes", [0, -1, 181])
def test_minutes_out_of_range_are_refused(workshop, andrea, minutes):
    message = _("Give the timer between 1 and %(max)d minutes.") % {"max": 180}
    with pytest.raises(ValidationError, match=message):
        timer_services.timer_start(actor=andrea, workshop=workshop, minutes=minutes)
    assert not Timer.objects.exists()


def test_participants_and_strangers_cannot_run_the_timer(workshop, group_a):
    kim = ParticipantFactory(group=group_a, display_name="Kim")
    for actor in (Actor.of(kim), Actor.of(None)):
        with pytest.raises(Refused):
            timer_services.timer_start(actor=actor, workshop=workshop, minutes=5)
        with pytest.raises(Refused):
            timer_services.timer_sound_set(actor=actor, workshop=workshop, on=True)
    assert not Timer.objects.exists()
    workshop.refresh_from_db()
    assert workshop.timer_sound is False


def test_done_counts_only_for_the_current_phase(workshop, group_a, group_b):
    kim, lou, _max = (ParticipantFactory(group=group_a) for _ in range(3))
    ParticipantFactory(group=group_b)
    write = in_phase(workshop, Phase.Allows.WRITE)
    assert timer_services.done_toggle(actor=Actor.of(kim)) is True
    assert timer_services.done_toggle(actor=Actor.of(lou), done=True) is True
    count = done_count(group_a)
    assert (count.done, count.total, count.open) == (2, 3, True)
    assert timer_services.done_toggle(actor=Actor.of(lou)) is False  # tapped again
    assert done_count(group_a).done == 1
    kim.refresh_from_db()
    assert kim.done_phase == write
    # The next phase: nobody is done with it yet.
    in_phase(workshop, Phase.Allows.VOTE)
    group_a.workshop.refresh_from_db()
    assert done_count(group_a).done == 0


def test_done_is_refused_where_the_phase_only_reads_or_none_runs(workshop, group_a):
    kim = ParticipantFactory(group=group_a)
    with pytest.raises(Refused):
        timer_services.done_toggle(actor=Actor.of(kim))  # the agenda has not started
    in_phase(workshop, Phase.Allows.READ)
    with pytest.raises(Refused, match=_("There is nothing to finish in this phase.")):
        timer_services.done_toggle(actor=Actor.of(kim))
    kim.refresh_from_db()
    assert kim.done_phase is None


# ---- views ----


def test_the_console_starts_a_group_timer(workshop, group_a, facilitator_client):
    url = reverse("workshop:timer", args=[workshop.pk])
    response = facilitator_client.post(
        url,
        {"action": "start", "minutes": "3", "group": group_a.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="timer-group-{group_a.pk}"' in html
    assert 'data-state="running"' in html
    assert _("%(time)s left") % {"time": ""} in html  # "Noch " / " left"
    assert group_timer(group_a).status == TimerStatus.RUNNING


def test_the_timer_view_refuses_odd_and_foreign_input(
    workshop, other_group, facilitator_client, joined_client, group_a
):
    url = reverse("workshop:timer", args=[workshop.pk])
    bad = [
        {"action": "start"},  # no minutes
        {"action": "start", "minutes": "999"},
        {"action": "explode", "minutes": "5"},
        {"action": "start", "minutes": "5", "group": other_group.pk},
    ]
    for data in bad:
        assert facilitator_client.post(url, data).status_code == 400, data
    assert not Timer.objects.exists()
    phone, _kim = joined_client(group_a)
    response = phone.post(url, {"action": "start", "minutes": "5"})
    assert response.status_code in {302, 404}  # not a facilitator: the login or nothing
    assert not Timer.objects.exists()


def test_sound_switch(workshop, facilitator_client):
    url = reverse("workshop:timer", args=[workshop.pk])
    response = facilitator_client.post(url, {"action": "sound-on"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.timer_sound is True


def test_the_phone_marks_itself_done_and_takes_it_back(workshop, group_a, joined_client):
    phone, kim = joined_client(group_a)
    url = reverse("done", args=[group_a.board.pk])
    assert phone.post(url, {"done": "on"}).status_code == 403  # no phase yet
    in_phase(workshop, Phase.Allows.WRITE)
    page = phone.get(reverse("board", args=[group_a.board.pk])).content.decode()
    assert _("I'm done") in page
    response = phone.post(url, {"done": "on"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    assert _("Done. Tap again to take it back") in response.content.decode()
    kim.refresh_from_db()
    assert kim.done_phase == workshop.current_phase
    phone.post(url, {"done": "on"})  # a retried tap stays done
    kim.refresh_from_db()
    assert kim.done_phase == workshop.current_phase
    phone.post(url, {"done": "off"})
    kim.refresh_from_db()
    assert kim.done_phase is None


def test_the_console_shows_how_many_are_done(workshop, group_a, facilitator_client):
    in_phase(workshop, Phase.Allows.WRITE)
    people = [ParticipantFactory(group=group_a) for _ in range(5)]
    for person in people[:3]:
        timer_services.done_toggle(actor=Actor.of(person))
    page = facilitator_client.get(reverse("workshop:console", args=[workshop.pk]))
    assert done_text(3, 5) in page.content.decode()


# ---- the budget ----


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_done_taps_costs_a_board_at_most_two_pushes_a_second(
    workshop, group_a, group_b, sent, django_capture_on_commit_callbacks, monkeypatch
):
    in_phase(workshop, Phase.Allows.WRITE)
    people = [ParticipantFactory(group=group_a) for _ in range(30)]
    clock = FakeClock()
    monkeypatch.setattr(live.coalescer, "clock", clock)
    board_id = group_a.board.pk
    console_group = live.board_group(board_id, live.Audience.FACILITATORS, "de")

    def console_pushes() -> list[str]:
        return [m["html"] for g, m in sent if g == console_group]

    # 30 taps within 1.5 s, a tap every 50 ms; whatever is pending goes out when its half
    # second is over (the timer thread's job, done here by flushing).
    last_flush = clock.now
    for person in people:
        with django_capture_on_commit_callbacks(execute=True):
            timer_services.done_toggle(actor=Actor.of(person))
        clock.now += 0.05
        if clock.now - last_flush >= 0.5:
            live.flush_coalesced()
            last_flush = clock.now
    live.flush_coalesced()
    pushes = console_pushes()
    assert 2 <= len(pushes) <= 5  # 1.5 s: at most two a second, plus the first at once
    assert done_text(30, 30) in pushes[-1]  # the last one says how it ended
    # Every phone of the participant got its own button, one per tap (their personal group).
    personal = [g for g, _m in sent if g.startswith(f"participant.{people[0].pk}.")]
    assert personal


def test_a_pending_send_renders_the_state_of_its_moment(workshop, group_a, sent, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(live.coalescer, "clock", clock)
    state = {"n": 0}

    def render() -> dict[str, str]:
        return {"g": f"n={state['n']}"}

    live.coalescer.request("k", "part", render)  # at once
    for n in range(1, 10):
        state["n"] = n
        live.coalescer.request("k", "part", render)  # pending: nothing more goes out
    assert [m["html"] for _g, m in sent] == ["n=0"]
    assert live.coalescer.pending() == ["k"]
    live.flush_coalesced()
    assert [m["html"] for _g, m in sent] == ["n=0", "n=9"]
    clock.now += 1
    live.coalescer.request("k", "part", render)  # the half second is over: at once again
    assert len(sent) == 3


def test_the_facilitators_follow_the_dots_within_the_budget(
    board_a, group_a, facilitator, sent, django_capture_on_commit_callbacks, monkeypatch
):
    clock = FakeClock()
    monkeypatch.setattr(live.coalescer, "clock", clock)
    voting = board_services.voting_start(board=board_a, user=facilitator, dots_per_participant=5)
    card = board_services.card_create(
        board=board_a, text="Mehr Busse", client_uuid=uuid.uuid4(), user=facilitator
    )[0]
    people = [ParticipantFactory(group=group_a) for _ in range(10)]
    sent.clear()
    for person in people:
        with django_capture_on_commit_callbacks(execute=True):
            board_services.vote_cast(voting=voting, participant=person, card=card)
    console = live.board_group(board_a.pk, live.Audience.FACILITATORS, "de")
    assert len([1 for g, _m in sent if g == console]) == 1  # the first dot at once
    live.flush_coalesced()
    walls = [m["html"] for g, m in sent if g == console]
    assert len(walls) == 2  # and the other nine in one push
    assert "Gepunktet: 10 von 10 Teilnehmenden" in walls[-1]
    # Each voter still hears about their own dots at once.
    assert all(any(g.startswith(f"participant.{p.pk}.") for g, _m in sent) for p in people)


def test_pending_sends_wait_on_daemon_threads(monkeypatch):
    started = []

    class Recorder:
        def __init__(self, wait, fn, args=()):
            self.wait, self.daemon = wait, False
            started.append(self)

        def start(self):
            pass

        def cancel(self):
            pass

    monkeypatch.setattr(live.threading, "Timer", Recorder)
    monkeypatch.setattr(live.coalescer, "threads", True)
    monkeypatch.setattr(live, "_push", lambda render: None)
    live.coalescer.request("k", "", dict)
    live.coalescer.request("k", "", dict)
    assert len(started) == 1
    assert started[0].daemon is True
    assert 0 < started[0].wait <= live.coalescer.interval


def test_a_new_phase_shows_every_phone_its_done_button_not_pressed(
    workshop, group_a, facilitator, sent, django_capture_on_commit_callbacks
):
    from boards.services.agenda import phase_enter

    kim = ParticipantFactory(group=group_a)
    write = in_phase(workshop, Phase.Allows.WRITE)
    timer_services.done_toggle(actor=Actor.of(kim))
    sent.clear()
    vote = workshop.phases.filter(allows=Phase.Allows.VOTE).first()
    with django_capture_on_commit_callbacks(execute=True):
        phase_enter(actor=Actor.facilitator(facilitator), workshop=workshop, phase=vote)
    buttons = [m["html"] for g, m in sent if g == live.personal_group(kim.pk, "de")]
    assert any('id="done-toggle"' in b and 'aria-pressed="false"' in b for b in buttons)
    assert all(" hidden" not in b.split(">")[0] for b in buttons if 'id="done-toggle"' in b)
    # Into a phase that only reads: the button goes away.
    read = workshop.phases.filter(allows=Phase.Allows.READ).first()
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        phase_enter(actor=Actor.facilitator(facilitator), workshop=workshop, phase=read)
    buttons = [m["html"] for g, m in sent if g == live.personal_group(kim.pk, "de")]
    assert any('id="done-toggle"' in b and " hidden" in b.split(">")[0] for b in buttons)
    assert write != vote
