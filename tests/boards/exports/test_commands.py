"""`export_workshop` and `import_workshop`: by join code or id, to a file or stdout."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from boards.models import Card
from workshop.models import Workshop


def run_export(*args: str) -> bytes:
    out = io.BytesIO()
    call_command("export_workshop", *args, stdout=out)
    return out.getvalue()


def test_markdown_to_stdout_by_join_code_in_any_case(seed_workshop):
    data = run_export("werk-8k", "--format", "md")
    assert data.decode().startswith("# In Silos oder innovativ?")
    assert "Erreichbare Innenstadt" in data.decode()


def test_csv_to_a_file_by_id_in_the_chosen_language(seed_workshop, tmp_path):
    target = tmp_path / "karten.csv"
    out = io.BytesIO()
    call_command(
        "export_workshop",
        str(seed_workshop.pk),
        "--format",
        "csv",
        "--language",
        "en",
        "--output",
        str(target),
        stdout=out,
    )
    data = target.read_bytes()
    assert out.getvalue() == b""
    assert data.startswith("\ufeffGroup;Cluster;Kind;Colour;Text;Dots;Time;Author\r\n".encode())
    assert "Modernisierter ÖPNV".encode() in data


def test_one_wall_and_an_unknown_wall_is_a_command_error(seed_workshop):
    board = seed_workshop.boards.get(group__name="Mobilität")
    data = run_export(seed_workshop.join_code, "--format", "csv", "--board", str(board.pk))
    assert "Mobilität".encode() in data
    assert b"Einzelhandel" not in data
    with pytest.raises(CommandError, match="not part of the workshop"):
        run_export(
            seed_workshop.join_code, "--format", "csv", "--board", "999999", "--language", "en"
        )


def test_an_unknown_format_lists_the_registered_ones(seed_workshop):
    with pytest.raises(CommandError) as caught:
        run_export(seed_workshop.join_code, "--format", "xls")
    message = str(caught.value)
    assert "'xls'" in message
    for key in ("csv", "json", "md"):
        assert key in message


def test_an_unknown_workshop_is_a_command_error(db):
    with pytest.raises(CommandError, match="No workshop"):
        run_export("QQQQQQ", "--format", "md")


def test_json_exported_and_imported_again_by_command(seed_workshop, seed_user, tmp_path):
    target = tmp_path / "werkstatt.json"
    call_command(
        "export_workshop", seed_workshop.join_code, "--format", "json", "--output", str(target)
    )
    assert json.loads(target.read_bytes())["schema"] == "stellwand-workshop"
    out = io.StringIO()
    call_command("import_workshop", str(target), "--user", seed_user.username, stdout=out)
    new = Workshop.objects.latest("pk")  # the imported one
    assert f"workshop {new.pk}, join code {new.join_code}" in out.getvalue()
    assert new.facilitators.get() == seed_user
    assert Card.objects.filter(board__workshop=new).count() == (
        Card.objects.filter(board__workshop=seed_workshop).on_wall().count()
    )


def test_a_broken_file_or_an_unknown_user_is_a_command_error_and_stores_nothing(
    seed_workshop, seed_user, tmp_path
):
    broken = tmp_path / "kaputt.json"
    broken.write_bytes(b'{"schema": "stellwand-workshop", "version": 1')
    before = Workshop.objects.count()
    with pytest.raises(CommandError, match="JSON"):
        call_command("import_workshop", str(broken), "--user", seed_user.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("import_workshop", str(broken), "--user", "niemand")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_workshop", str(tmp_path / "fehlt.json"), "--user", seed_user.username)
    assert Workshop.objects.count() == before
