"""factory_boy factories: users, workshops, groups (with their boards), participants, cards."""

from __future__ import annotations

import uuid

import factory
from django.contrib.auth import get_user_model

from boards import services as board_services
from boards.models import Card
from workshop.agenda import furnish
from workshop.models import BreakoutGroup, Participant, Workshop

PASSWORD = "correct-horse-battery-staple"
# In every card text and name the factories make: a log record that holds it fails the run
# (tests/conftest.py, RELIABILITY.md 26). One word of letters and a digit, which no escaping
# changes and no log line holds by chance.
LOG_MARKER = "Logspur7x"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"moderator{n}")
    first_name = "Andrea"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    password = factory.django.Password(PASSWORD)


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A workshop with one facilitator (`facilitator=` to choose who)."""

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Werkstatt {n}: Digitale Kommune")
    subtitle = "Co-Creation"
    place = "Rathaus, Saal 2"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def facilitator(obj, create, extracted, **kwargs):
        if create:
            obj.facilitators.add(extracted or obj.created_by)
            furnish(obj)


class BreakoutGroupFactory(factory.django.DjangoModelFactory):
    """A breakout group created through the service, so it has its board."""

    class Meta:
        model = BreakoutGroup

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Gruppe {n}")
    question = "Wie wird der ÖPNV attraktiver?"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return board_services.group_create(**kwargs)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    group = factory.SubFactory(BreakoutGroupFactory)
    workshop = factory.SelfAttribute("group.workshop")
    display_name = factory.Sequence(lambda n: f"Teilnehmende {n} {LOG_MARKER}")


class CardFactory(factory.django.DjangoModelFactory):
    """A card pinned through the service: the board's revision moves like in real use."""

    class Meta:
        model = Card

    board = factory.LazyFunction(lambda: BreakoutGroupFactory().board)
    text = factory.Sequence(lambda n: f"Idee Nummer {n} {LOG_MARKER}")
    client_uuid = factory.LazyFunction(uuid.uuid4)
    author = None
    author_user = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        card, _created = board_services.card_create(
            board=kwargs["board"],
            text=kwargs["text"],
            client_uuid=kwargs["client_uuid"],
            participant=kwargs["author"],
            # Somebody acts: without an author, one of the workshop's facilitators.
            user=kwargs["author_user"]
            or (None if kwargs["author"] else kwargs["board"].workshop.facilitators.first()),
        )
        return card
