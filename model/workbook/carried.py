"""What a rebuild carried from a returned model, and what it could not (``carry``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Carried:
    """What a rebuild carried from the returned model, and what it could not."""

    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Sheet!A1 of each note and comment
    formulas: list[str] = field(default_factory=list)  # input cells kept as formulas
    names: list[str] = field(default_factory=list)  # the recipient's defined names
    repointed: int = 0  # references moved to the same line and month
    as_text: list[tuple[str, str]] = field(default_factory=list)  # (Sheet!A1, why)
    lost: list[str] = field(default_factory=list)  # named things not carried

    @property
    def anything(self) -> bool:
        return bool(self.sheets or self.notes or self.formulas or self.names or self.as_text
                    or self.lost)

    def messages(self) -> list[str]:
        """One line for the user per finding, for stderr."""
        out = []
        if self.sheets:
            out.append(f"Carried your sheets: {', '.join(self.sheets)} ({self.repointed} "
                       "references to the model re-pointed to the same line and month)")
        if self.notes:
            out.append(f"Carried notes and comments on the input sheets: "
                       f"{', '.join(self.notes)}")
        if self.names:
            out.append(f"Carried your defined names: {', '.join(self.names)}")
        if self.formulas:
            out.append(f"Kept the formulas typed into inputs: {', '.join(self.formulas)}")
        for where, why in self.as_text:
            out.append(f"Warning: {where}: kept as text, not a formula: {why}")
        for what in self.lost:
            out.append(f"Warning: not carried into the rebuilt model: {what}")
        return out
