from django.db import models


class TimeStampedModel(models.Model):
    """Creation and last-change times, indexed for ``updated_since`` syncs."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """A named API token of a user; the key is shown once and stored hashed.

    Clients send ``Authorization: Token <key>``. A token carries its user's
    role, narrowed to reading when ``read_only``; after ``expires_at`` (if set)
    it no longer authenticates.
    """

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(
        max_length=8, help_text="First characters of the key, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this moment the token no longer works."
    )
    read_only = models.BooleanField(
        default=False, help_text="Only reads (GET, HEAD, OPTIONS); any write gets 403."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
