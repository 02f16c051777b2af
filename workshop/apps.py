from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from workshop import logs
        from workshop.ids import register_converters

        register_converters()  # before either URLconf is imported
        logs.install()  # no projector token or join code in any log record
