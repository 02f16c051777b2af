"""Every workshop gets its plenary board; those without an agenda get the template's."""

from django.db import migrations

# A frozen copy of workshop.agenda.TEMPLATE as it was when this migration was written.
PHASES = (
    ("Begrüßung und Impulsvortrag", "room", "read", "", False, 20),
    ("Dialog mit dem Referenten", "room", "read", "", False, 15),
    ("Gruppenarbeit: Brainstorming", "groups", "write", "hidden", False, 15),
    ("Gruppenarbeit: Clustern", "groups", "write", "open", True, 15),
    ("Gruppenarbeit: Punkte kleben", "groups", "vote", "", False, 10),
    ("Plenum: Ergebnisse der Gruppen", "plenary", "read", "", False, 20),
    ("Plenum: Parallelen und Synergien", "plenary", "write", "open", False, 20),
    ("Fazit und nächste Schritte", "plenary", "read", "", False, 10),
)
ACTORS = ("Wirtschaft", "Verwaltung", "Zivilgesellschaft")


def forward(apps, schema_editor):
    Workshop = apps.get_model("workshop", "Workshop")
    Phase = apps.get_model("workshop", "Phase")
    Board = apps.get_model("boards", "Board")
    Actor = apps.get_model("boards", "Actor")
    for workshop in Workshop.objects.all():
        if not Board.objects.filter(workshop=workshop, group=None).exists():
            Board.objects.create(workshop=workshop, group=None)
        if not Phase.objects.filter(workshop=workshop).exists():
            Phase.objects.bulk_create(
                Phase(
                    workshop=workshop,
                    position=position,
                    title=title,
                    view=view,
                    allows=allows,
                    board_mode=mode,
                    reveal=reveal,
                    planned_minutes=minutes,
                )
                for position, (title, view, allows, mode, reveal, minutes) in enumerate(
                    PHASES, start=1
                )
            )
        if not Actor.objects.filter(workshop=workshop).exists():
            Actor.objects.bulk_create(
                Actor(workshop=workshop, name=name, position=position)
                for position, name in enumerate(ACTORS, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("boards", "0003_agenda"), ("workshop", "0004_agenda")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
