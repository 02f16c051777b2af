import pytest

from tests.factories import ParticipantFactory


@pytest.fixture
def kim(group_a):
    return ParticipantFactory(group=group_a, display_name="Kim")


@pytest.fixture
def lou(group_a):
    return ParticipantFactory(group=group_a, display_name="Lou")
