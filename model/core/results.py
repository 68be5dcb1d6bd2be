"""The computed model: every line in every month, and the headline results."""

from __future__ import annotations

from dataclasses import dataclass

from model.core.computed import Computed
from model.core.headlines import API, headline_values


@dataclass
class Results(Computed):
    """The computed model (see ``Computed``) and its headline results."""

    def headlines(self) -> dict[str, object]:
        """Every headline result (``model.core.headlines``) by its key: a month (a date,
        or None when not within the horizon), an amount in USD, a multiple or a rate (or
        the text saying why there is none), and ``checks_failed``, the count of failing
        check-months (0 when fine)."""
        return {h.key: v for h, v in headline_values(self, API)}
