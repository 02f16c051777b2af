"""The admin: an action on rows whose ids cannot be ids does nothing, and says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workshop.models import Workshop


def test_an_admin_action_on_odd_ids_changes_nothing(admin_client, workshop):
    # Django's admin put the checkboxes as sent into `pk__in`: a ValueError or, on SQLite,
    # an OverflowError (a 500).
    odd = ["", str(10**30), "²"]
    response = admin_client.post(
        "/admin/workshop/workshop/",
        {"action": "delete_selected", "_selected_action": odd},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Es müssen Objekte aus der Liste ausgewählt werden, um Aktionen durchzuführen. "
        "Es wurden keine Objekte geändert."
    ]
    assert Workshop.objects.filter(pk=workshop.pk).exists()


def test_an_admin_action_keeps_the_real_ids_among_odd_ones(admin_client, workshop, other_workshop):
    response = admin_client.post(
        "/admin/workshop/workshop/",
        {"action": "delete_selected", "_selected_action": [str(workshop.pk), "²"]},
    )
    assert response.status_code == 200  # the confirmation page, for this one workshop
    assert [w.pk for w in response.context["queryset"]] == [workshop.pk]


@pytest.mark.parametrize("page", ["change", "delete", "history"])
def test_an_empty_to_field_is_no_server_error(admin_client, workshop, page):
    # Found by the odd-input search: Django looked up a field named "" (a 500).
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Moderation")
    for name, pk in (("auth_group", group.pk), ("workshop_workshop", workshop.pk)):
        response = admin_client.get(reverse(f"admin:{name}_{page}", args=[pk]), {"_to_field": ""})
        assert response.status_code == 200, (name, page)


def test_every_admin_checks_its_ids_even_the_ones_other_apps_register():
    # django-axes registers its own: an odd id in an action was a 500 there (odd-input search).
    from django.contrib import admin

    from workshop.admin import ModelAdmin

    unchecked = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, ModelAdmin)
    ]
    assert unchecked == []


def test_an_odd_id_in_an_axes_action_is_no_server_error(admin_client):
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ["1" + "0" * 30]},
    )
    assert response.status_code in (200, 302)
