"""Keys made from a pattern (``cum_<party>``, ``tier<k>_prior_<party>``, a stream's
``<stream>_revenue``...) are spelled in one module, ``model/keys.py``, and read back there.

The source of every other module is read with ``ast``: an f-string or a ``+`` whose
fixed text is a key fragment (lower case, digits, ``_`` and ``:`` only, such as
``f"cum_{p.key}"`` or ``"pv_" + key``) is a key built by hand, and fails the test.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from model import keys

ROOT = Path(__file__).resolve().parent.parent / "model"
KEYS_MODULE = ROOT / "keys.py"
FRAGMENT = re.compile(r"[a-z0-9_:]{2,}|_")  # the fixed text of a key (":" alone: a range)
EDGE = re.compile(r"[a-z][a-z0-9]*_|_[a-z0-9_]+|[a-z]+:")  # "const_", "_cost", "first:"


def hand_built_keys(source: str) -> list[tuple[int, str]]:
    """(line, code) of each expression in ``source`` that builds a key by hand."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            holes = [v for v in parts if isinstance(v, ast.FormattedValue)]
            text = "".join(v.value for v in parts
                           if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if holes and all(h.format_spec is None and h.conversion == -1 for h in holes) \
                    and FRAGMENT.fullmatch(text):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            for side in (node.left, node.right):
                if isinstance(side, ast.Constant) and isinstance(side.value, str) \
                        and EDGE.fullmatch(side.value):
                    found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_but_keys_builds_a_key() -> None:
    offenders = [f"{path.relative_to(ROOT.parent)}:{line}: {code}"
                 for path in sorted(ROOT.rglob("*.py")) if path != KEYS_MODULE
                 for line, code in hand_built_keys(path.read_text())]
    assert not offenders, "build these keys with model.keys:\n" + "\n".join(offenders)


@pytest.mark.parametrize("code", [
    'f"cum_{p.key}"', 'f"tier{t.number}_prior_{p}"', 'f"{s.key}_revenue"',
    '"const_" + name', 'key + "_growth"', 'f"first:{k}"', 'f"{a}_{b}"'])
def test_the_check_finds_a_key_built_by_hand(code: str) -> None:
    assert hand_built_keys(code) != []


@pytest.mark.parametrize("code", [
    'f"{value:,.0f}"', 'f"Tier {t.number} full"', 'f"{n} months"', 'f"v{i}[t]"',
    '"=" + formula', 'f"{sheet}!{cell}"', 'f"{x!r}"'])
def test_the_check_passes_text_that_is_not_a_key(code: str) -> None:
    assert hand_built_keys(code) == []


def test_the_schedule_columns_read_back() -> None:
    """Each key made by growth or gross_margin reads back as its stream and kind, even
    a stream whose own key ends like a suffix."""
    for item in ("chatgpt", "x_growth", "a_gross_margin", "g"):
        assert keys.schedule_column_of(keys.growth(item)) == (item, keys.GROWTH)
        assert keys.schedule_column_of(keys.gross_margin(item)) == (item, keys.MARGIN)
    for other in ("api_growth_rate", "_growth", "_gross_margin", "opex"):
        made = keys.schedule_column_of(other)
        assert made is None or made[0] + made[1] == other and made[0]


def test_a_schedule_source_reads_back() -> None:
    assert keys.schedule_field_of(keys.schedule_source("api_growth")) == "api_growth"
    assert keys.schedule_field_of("month") is None
    assert keys.is_schedule_line(keys.schedule_line("openai_opex_pct"))
    assert keys.is_breakpoint(keys.breakpoint_cap("microsoft"))
    assert keys.is_breakpoint(keys.breakpoint_tier(2))
    assert not keys.is_breakpoint(keys.tier_width(2))
