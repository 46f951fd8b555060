"""The claims app's pages, one module per page: the reader (``reader``), the
claim list and claim page (``claims``), evidence edits (``evidence``), the
quotes to check (``quotes``), the editors' review queue (``review``) and the
dashboard (``dashboard``). Each view validates its input, calls one service
or selector and renders."""
