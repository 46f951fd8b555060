from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_role_groups(sender, using: str = "default", **kwargs) -> None:
    """The role groups exist after every migrate (and after a test flush, which
    replays post_migrate); migration 0001 creates them the first time."""
    from django.contrib.auth.models import Group

    from .roles import ROLE_GROUPS

    for name in ROLE_GROUPS:
        Group.objects.using(using).get_or_create(name=name)


class CommonConfig(AppConfig):
    name = "claims_tracker.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        post_migrate.connect(
            ensure_role_groups, sender=self, dispatch_uid="common.ensure_role_groups"
        )
