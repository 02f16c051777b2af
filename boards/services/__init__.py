"""Operations on the walls. One transaction each; the push is registered after commit.

Views and commands import from here; the modules below hold one subject each.
"""

from boards.services._common import Conflict
from boards.services.cards import (
    CardGone,
    ClientIdTaken,
    board_configure,
    card_create,
    card_delete,
    card_edit,
    card_hide,
    card_merge,
    card_move,
    cards_pin,
    cards_reveal,
)
from boards.services.clusters import cluster_create, cluster_dissolve, cluster_rename
from boards.services.groups import (
    GroupSpec,
    group_create,
    group_delete,
    group_update,
    workshop_create_with_groups,
)
from boards.services.moderation import moderation_undo
from boards.services.people import participant_rename
from boards.services.voting import (
    Ranking,
    card_totals,
    cluster_totals,
    ranking,
    vote_cast,
    vote_retract,
    voting_close,
    voting_start,
)

__all__ = [
    "CardGone",
    "ClientIdTaken",
    "Conflict",
    "GroupSpec",
    "Ranking",
    "board_configure",
    "card_create",
    "card_delete",
    "card_edit",
    "card_hide",
    "card_merge",
    "card_move",
    "card_totals",
    "cards_pin",
    "cards_reveal",
    "cluster_create",
    "cluster_dissolve",
    "cluster_rename",
    "cluster_totals",
    "group_create",
    "group_delete",
    "group_update",
    "moderation_undo",
    "participant_rename",
    "ranking",
    "vote_cast",
    "vote_retract",
    "voting_close",
    "voting_start",
    "workshop_create_with_groups",
]
