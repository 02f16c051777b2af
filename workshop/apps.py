from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from workshop import logs
        from workshop.ids import register_converters

        register_converters()  # before either URLconf is imported
        import workshop.checks
        import workshop.legal  # noqa: F401 (its deploy check)
        from workshop.addresses import trusted_networks
        from workshop.ratelimit import SCOPES, rate_for

        # A mistyped limit or proxy stops the start, not every request that would use it.
        for scope in SCOPES:
            rate_for(scope)
        trusted_networks()
        logs.install()  # no projector token or join code in any log record
