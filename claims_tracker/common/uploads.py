"""Uploads stop at ``INGEST_MAX_BYTES``: while they stream in, not after
Django has spooled the whole body to disk."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """A request body or an uploaded file over the limit (answered with 413)."""


class LimitedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: refuses a multipart body whose
    declared length exceeds ``INGEST_MAX_UPLOAD_BYTES`` before reading any of
    it, and any single file as soon as it passes ``INGEST_MAX_BYTES``. It
    stores nothing itself; the next handlers (memory, temporary file) do."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.INGEST_MAX_UPLOAD_BYTES
        if content_length and content_length > limit:
            raise UploadTooLarge(
                f"The upload is {content_length:,} bytes; at most {limit:,} bytes can be sent at once."
            )
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        limit = settings.INGEST_MAX_BYTES
        if start + len(raw_data) > limit:
            raise UploadTooLarge(
                f"The file “{self.file_name}” is larger than the limit of {limit:,} bytes."
            )
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
