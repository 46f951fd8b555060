"""The sources app's pages, one module per page: the source list and ingestion
(``ingest``), the extraction rules (``rules``)."""
