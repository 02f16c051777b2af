from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from boards.views import (
    agenda,
    breakouts,
    facilitator,
    moderation,
    participant,
    plenary,
    projector,
    timer,
)
from boards.views.results import (
    consent,
    results_for_participants,
    urlpatterns as results_patterns,
)
from boards.views.retention import urlpatterns as retention_patterns
from boards.views.synergies import urlpatterns as synergy_patterns
from boards.views.transfer import urlpatterns as transfer_patterns
from workshop import views
from workshop.forms import LoginForm
from workshop.legal import legal_page

facilitator_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", facilitator.workshop_new, name="new"),
    path("<id:workshop_id>/", facilitator.console, name="console"),
    path("<id:workshop_id>/settings/", facilitator.workshop_settings, name="settings"),
    path("<id:workshop_id>/edit/", views.workshop_edit, name="edit"),
    path("<id:workshop_id>/qr.svg", facilitator.qr_code, name="qr"),
    path("<id:workshop_id>/groups/add/", facilitator.group_add, name="group-add"),
    path("<id:workshop_id>/groups/<id:group_id>/", facilitator.group_edit, name="group-edit"),
    path(
        "<id:workshop_id>/groups/<id:group_id>/delete/",
        facilitator.group_delete,
        name="group-delete",
    ),
    path(
        "<id:workshop_id>/groups/<id:group_id>/preview/",
        breakouts.group_preview,
        name="group-preview",
    ),
    path("<id:workshop_id>/breakouts/", breakouts.breakouts_settings, name="breakouts"),
    path(
        "<id:workshop_id>/participants/<id:participant_id>/move/",
        breakouts.participant_move_view,
        name="participant-move",
    ),
    path("<id:workshop_id>/facilitators/", views.facilitator_add, name="facilitator-add"),
    path(
        "<id:workshop_id>/facilitators/<id:user_id>/remove/",
        views.facilitator_remove,
        name="facilitator-remove",
    ),
    path("<id:workshop_id>/organisers/", views.organiser_add, name="organiser-add"),
    path(
        "<id:workshop_id>/organisers/<id:user_id>/remove/",
        views.organiser_remove,
        name="organiser-remove",
    ),
    path("<id:workshop_id>/close/", views.workshop_close, name="close"),
    path("<id:workshop_id>/reopen/", views.workshop_reopen, name="reopen"),
    path("<id:workshop_id>/projector/revoke/", views.projector_revoke, name="projector-revoke"),
    path("<id:workshop_id>/projector/pages/", projector.projector_pages, name="projector-pages"),
    path("<id:workshop_id>/timer/", timer.timer, name="timer"),
    path("<id:workshop_id>/code/renew/", views.join_code_renew, name="code-renew"),
    path("<id:workshop_id>/joining/", views.joining_set, name="joining"),
    path(
        "<id:workshop_id>/participants/<id:participant_id>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
    path(
        "<id:workshop_id>/participants/<id:participant_id>/rename/",
        facilitator.participant_rename,
        name="participant-rename",
    ),
    # The agenda (boards/views/agenda.py).
    path("<id:workshop_id>/agenda/", agenda.agenda_page, name="agenda"),
    path("<id:workshop_id>/agenda/add/", agenda.phase_add, name="phase-add"),
    path("<id:workshop_id>/agenda/step/", agenda.phase_step, name="phase-step"),
    path("<id:workshop_id>/agenda/stop/", agenda.agenda_stop, name="agenda-stop"),
    path("<id:workshop_id>/agenda/<id:phase_id>/", agenda.phase_edit, name="phase-edit"),
    path("<id:workshop_id>/agenda/<id:phase_id>/move/", agenda.phase_move, name="phase-move"),
    path("<id:workshop_id>/agenda/<id:phase_id>/delete/", agenda.phase_delete, name="phase-delete"),
    path("<id:workshop_id>/agenda/<id:phase_id>/enter/", agenda.phase_enter, name="phase-enter"),
    # The plenary and its spotlight (boards/views/plenary.py).
    path("<id:workshop_id>/plenary/", plenary.console_plenary, name="plenary"),
    path("<id:workshop_id>/spotlight/", plenary.spotlight_set, name="spotlight"),
    path("<id:workshop_id>/spotlight/clear/", plenary.spotlight_clear, name="spotlight-clear"),
    # The moderation wall of one board (boards/views/moderation.py).
    path("<id:workshop_id>/boards/<id:board_id>/", moderation.board, name="board"),
    path(
        "<id:workshop_id>/boards/<id:board_id>/configure/",
        moderation.configure,
        name="board-configure",
    ),
    path("<id:workshop_id>/boards/<id:board_id>/reveal/", moderation.reveal, name="reveal"),
    path("<id:workshop_id>/boards/<id:board_id>/pin/", moderation.pin, name="pin"),
    path("<id:workshop_id>/boards/<id:board_id>/undo/", moderation.undo, name="undo"),
    path("<id:workshop_id>/boards/<id:board_id>/merge/", moderation.merge, name="merge"),
    path(
        "<id:workshop_id>/boards/<id:board_id>/cards/add/",
        moderation.card_add,
        name="card-add",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/cards/<id:card_id>/move/",
        moderation.card_move,
        name="card-move",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/cards/<id:card_id>/edit/",
        moderation.card_edit,
        name="card-edit",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/cards/<id:card_id>/delete/",
        moderation.card_delete,
        name="card-delete",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/cards/<id:card_id>/hide/",
        moderation.card_hide,
        name="card-hide",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/clusters/",
        moderation.cluster_create,
        name="cluster-create",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/clusters/<id:cluster_id>/rename/",
        moderation.cluster_rename,
        name="cluster-rename",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/clusters/<id:cluster_id>/dissolve/",
        moderation.cluster_dissolve,
        name="cluster-dissolve",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/voting/start/",
        moderation.voting_start,
        name="voting-start",
    ),
    path(
        "<id:workshop_id>/boards/<id:board_id>/voting/close/",
        moderation.voting_close,
        name="voting-close",
    ),
]

# Synergies and conclusions of the plenary (issue 7): boards/views/synergies.py.
facilitator_patterns += synergy_patterns
# The results: export page, summary editor, downloads (issue 8): boards/views/results.py.
facilitator_patterns += results_patterns
facilitator_patterns += retention_patterns  # deleting a workshop: boards/views/retention.py
facilitator_patterns += transfer_patterns  # template and import: boards/views/transfer.py

urlpatterns = [
    path("", views.home, name="home"),
    path("impressum/", legal_page, {"page": "imprint"}, name="imprint"),
    path("datenschutz/", legal_page, {"page": "privacy"}, name="privacy"),
    path("barrierefreiheit/", legal_page, {"page": "accessibility"}, name="accessibility"),
    path("leichte-sprache/", legal_page, {"page": "easy-language"}, name="easy-language"),
    path("j/<code:code>/", participant.join, name="join"),
    path("j/<code:code>/wait/", breakouts.join_wait, name="join-wait"),
    path("b/<id:board_id>/", participant.board_page, name="board"),
    path("b/<id:board_id>/cards/", participant.card_post, name="card-post"),
    path("b/<id:board_id>/snapshot/", participant.board_snapshot, name="board-snapshot"),
    path("b/<id:board_id>/cards/<id:card_id>/edit/", participant.card_edit, name="own-card-edit"),
    path(
        "b/<id:board_id>/cards/<id:card_id>/delete/",
        participant.card_delete,
        name="own-card-delete",
    ),
    path("b/<id:board_id>/done/", timer.done, name="done"),
    path("b/<id:board_id>/me/", participant.me_update, name="me-update"),
    path("b/<id:board_id>/group/", breakouts.group_change_view, name="group-change"),
    path("b/<id:board_id>/votes/", participant.vote_cast, name="vote-cast"),
    path("b/<id:board_id>/votes/retract/", participant.vote_retract, name="vote-retract"),
    path("r/<id:workshop_id>/", results_for_participants, name="results"),
    path("r/<id:workshop_id>/consent/", consent, name="consent"),
    path("p/<token:token>/", projector.projector, name="projector"),
    path("p/<token:token>/<id:board_id>/", projector.projector, name="projector-board"),
    path("p/<token:token>/qr.svg", projector.projector_qr, name="projector-qr"),
    path("p/<token:token>/plenary/", projector.projector_plenary, name="projector-plenary"),
    path(
        "p/<token:token>/<id:board_id>/snapshot/",
        projector.projector_snapshot,
        name="projector-snapshot",
    ),
    path("w/", include((facilitator_patterns, "workshop"))),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "workshop.views.bad_request"
