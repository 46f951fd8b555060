from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # ``sources`` announces re-anchored quotes without knowing claims.
        from sources.signals import copies_changed, excerpts_need_check

        from .receivers import on_copies_changed, on_excerpts_need_check

        excerpts_need_check.connect(on_excerpts_need_check, dispatch_uid="claims-excerpts-check")
        copies_changed.connect(on_copies_changed, dispatch_uid="claims-copies-voices")
