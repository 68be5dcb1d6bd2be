"""finmodel: the OpenAI-Microsoft partnership as a live-formula Excel model.

Python API::

    import model
    results = model.compute("templates/assumptions.xlsx")   # or an Assumptions
    results.values              # pandas DataFrame: lines x months
    results.headlines()         # dict of headline results
    model.build("templates/assumptions.xlsx", "output/model.xlsx")

The package imports nothing heavy at start-up; pandas and xlsxwriter load when
they are needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from model.errors import FinmodelError, InputError

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas as pd

    from model.core.results import Results
    from model.inputs.assumptions import Assumptions

__all__ = ["FinmodelError", "InputError", "build", "compute", "default_template", "load",
           "read_model"]


def default_template() -> Path:
    """The shipped assumptions workbook (inside the wheel, or templates/ in a checkout)."""
    packaged = Path(__file__).parent / "templates" / "assumptions.xlsx"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates" / "assumptions.xlsx"


def load(path: str | Path) -> Assumptions:
    """Read and validate an assumptions workbook (or a model built from one).

    Raises ``model.errors.InputError`` listing every problem, by sheet and cell.
    """
    from model.core.linekeys import check_line_keys
    from model.inputs.validate import load as _load
    a = _load(path)
    check_line_keys(a, str(path))  # a stream or cost key may make a line key twice
    return a


def compute(source: str | Path | Assumptions | None = None) -> Results:
    """Compute the model. ``source`` is a workbook path or parsed Assumptions;
    None means the shipped template. ``.values`` of the result is a DataFrame of
    lines x months; ``.headlines()`` the headline results."""
    from model.core.engine import run
    from model.inputs.assumptions import Assumptions
    if source is None:
        source = default_template()
    a = source if isinstance(source, Assumptions) else load(source)
    return run(a)


def build(source: str | Path | Assumptions | None, out: str | Path) -> Results:
    """Compute the model and write the workbook to ``out`` atomically.

    From a returned model, as ``finmodel build``: the recipient's sheets, notes, comments
    and input formulas are carried into the new model (a ``UserWarning`` names what could
    not be), and an input formula it cannot keep raises ``InputError``."""
    import warnings

    from model.workbook import carry, input_formulas
    from model.workbook.output import write_atomic
    extras = []
    carried = carry.Carried()
    if isinstance(source, str | Path):
        returned = carry.read_returned(Path(source), carried)
        input_formulas.check(returned, Path(source))
        extras.append(carry.extra(returned, carried))
    results = compute(source)
    write_atomic(results, Path(out), extras=extras)
    for message in carried.messages():
        if message.startswith("Warning: "):
            warnings.warn(message[len("Warning: "):], stacklevel=2)
    return results


def read_model(path: str | Path) -> pd.DataFrame:
    """The lines x months of a built model, from the values it stores: the same frame
    as ``compute(...).values`` (the opening column is in ``.attrs["opening"]``)."""
    from model.workbook.readback import read_model as _read
    return _read(path)
