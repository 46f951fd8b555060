"""Signals ``sources`` sends so that apps built on it (``claims``) can react
without ``sources`` knowing them.

``excerpts_need_check``: sent inside the transaction that re-anchored
excerpts, with ``excerpt_ids``, the excerpts whose quote stopped showing the
analyst's words (now ``changed`` or ``orphaned``, or pointing at other changed
words), or showed them again, or that a person confirmed. Receivers must stay
in that transaction and do their work in a fixed number of queries.

``copies_changed``: sent once a batch of sources had its copies recomputed
(``sources.copies``), in a transaction of its own, with ``source_ids``: the
sources of every pair that appeared or went (not sent when none did).
Whatever counts copies as one voice must count again.
"""

from django.dispatch import Signal

excerpts_need_check = Signal()
copies_changed = Signal()
