"""Every bad input of the corpus gets a clear answer from the command line.

For each case of ``tests/badinputs.py`` and ``tests/badzips.py``: exit code 2; a message
that names the file, the sheet and the cell (where there is one) and says what was
expected; no traceback; the earlier output at the target path byte-for-byte intact and
nothing else written beside it. Refusing a hostile file, and reading a file at every
parsing limit at once, is measured: CPU time and peak memory.

The everyday run takes the whole corpus through the command line's ``main()`` in this
process (a whole process costs about 0.1 s of interpreter and imports a case), and one
case of each class of failure through the real command line in a whole process; the
whole corpus as whole processes, and most of the hostile files' measurements (two
processes each), are marked slow.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import traceback
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from model.cli import main
from model.errors import InputError
from model.inputs.reader import MAX_FILE_BYTES, MAX_ROWS, read_workbook
from model.inputs.validate import validate
from tests.badinputs import (
    CASES,
    EARLIER_OUTPUT,
    OUT_NAME,
    BadInput,
    counting,
    edited_bytes,
    numbers_keys_and_size_cases,
    schedule_rows,
    template_bytes,
    with_macros,
    zip_bomb,
)
from tests.badzips import CRAFTED, at_the_limits, junk_in_another_sheet, zip64_end

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ALL = [*CASES, *CRAFTED]
assert len({c.id for c in ALL}) == len(ALL), "case ids must be unique"
_tally, _report = counting("bad inputs")


@dataclass
class Run:
    bad: Path
    code: int
    stdout: str
    stderr: str
    out_bytes: bytes
    folder_before: set[str]
    folder_after: set[str]
    input_before: bytes | None
    input_after: bytes | None


def _snapshot(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _run(case: BadInput, folder: Path, whole_process: bool) -> Run:
    folder.mkdir()
    bad = case.make(folder)
    out = folder / OUT_NAME
    out.write_bytes(EARLIER_OUTPUT)
    before = {p.name for p in folder.iterdir()}
    input_before = _snapshot(bad)
    args = ["build", str(bad), "-o", str(out)]
    if whole_process:
        r = subprocess.run([sys.executable, "-m", "model", *args],
                           capture_output=True, text=True, env=ENV, cwd=folder, timeout=120)
        code, stdout, stderr = r.returncode, r.stdout, r.stderr
    else:
        stdout_buf, stderr_buf = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout_buf), contextlib.redirect_stderr(stderr_buf):
            try:
                code = main(args)
            except BaseException:  # noqa: BLE001 - an escaping exception is a failure to show
                code, _ = -1, stderr_buf.write(traceback.format_exc())
        stdout, stderr = stdout_buf.getvalue(), stderr_buf.getvalue()
    return Run(bad, code, stdout, stderr, out.read_bytes(), before,
               {p.name for p in folder.iterdir()}, input_before, _snapshot(bad))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """``main()`` run in this process on every case of the corpus, one after another."""
    base = tmp_path_factory.mktemp("bad")
    return {c.id: _run(c, base / c.id, whole_process=False) for c in ALL}


# One case of each class of failure, through a whole process in the everyday run: what
# happens between the interpreter and main() (the exit code, stderr, no traceback, no file
# left) is the same within a class. The whole corpus as whole processes is marked slow.
ONE_PER_CLASS = {
    "not_a_zip": "not a workbook at all",
    "input_missing": "no file at the path",
    "zip_bomb": "a hostile container, refused before any XML is parsed",
    "zip_overlapping_parts": "a zip whose directory lies",
    "entity_bomb_in_sheet": "an XML attack",
    "million_shared_strings": "a part over its parsing limit",
    "missing_sheet": "a missing sheet, key or column",
    "text_in_number": "a wrong type in a cell",
    "negative": "a number out of range",
    "tier_shares_not_summing_to_one": "a rule between cells",
    "stream_key_is_a_party": "streams and costs",
    "growth_compounding_past_1e300": "found only by running the model",
    "growth_compounding_in_a_scenario": "found only by running a scenario",
}
assert set(ONE_PER_CLASS) <= {c.id for c in ALL}, "every class names a case of the corpus"


@pytest.fixture(scope="module")
def process_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, Run]:
    """The real command line, in a whole process, on every selected case, a few at a time."""
    selected = {item.callspec.params["case"].id: item.callspec.params["case"]
                for item in request.session.items
                if getattr(item, "originalname", "") == "test_a_whole_process_gives_it_too"
                } or {c.id: c for c in ALL if c.id in ONE_PER_CLASS}
    base = tmp_path_factory.mktemp("bad_processes")
    with ThreadPoolExecutor(4) as pool:
        done = pool.map(lambda c: (c.id, _run(c, base / c.id, whole_process=True)),
                        selected.values())
        return dict(done)


def _where(case: BadInput) -> str:
    parts = [f"sheet {case.sheet}"] if case.sheet else []
    if case.cell:
        parts.append(case.cell if case.cell.startswith(("row", "column"))
                     else f"cell {case.cell}")
    return ", ".join(parts)


def _expected(line: str) -> str:
    """What a message line says was expected: the text between 'expected' and 'found'."""
    _, sep, rest = line.partition(": expected ")
    return rest.split(", found ")[0] if sep else ""


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_bad_input_gets_a_clear_answer(case: BadInput, runs: dict[str, Run]) -> None:
    _tally["cases run in-process"] += 1
    _tally[f"exit {runs[case.id].code}"] += 1
    _assert_clear_answer(case, runs[case.id])


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=() if c.id in ONE_PER_CLASS else pytest.mark.slow)
    for c in ALL])
def test_a_whole_process_gives_it_too(case: BadInput, process_runs: dict[str, Run]) -> None:
    _tally["cases run as whole processes"] += 1
    _assert_clear_answer(case, process_runs[case.id])


def _assert_clear_answer(case: BadInput, r: Run) -> None:
    assert r.code == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    prefix = f"{r.bad}: {_where(case)}"
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(prefix)]
    assert any(case.expected in _expected(ln) for ln in lines), \
        f"no line starts with {prefix!r} and expects {case.expected!r}:\n{r.stderr}"
    assert "Wrote" not in r.stdout
    assert r.out_bytes == EARLIER_OUTPUT
    assert r.folder_after == r.folder_before, "a temporary or output file was left behind"
    assert r.input_after == r.input_before, "the input was changed"


@pytest.mark.slow
def test_no_output_file_appears_and_no_exception_escapes(runs: dict[str, Run], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """The same files through ``main()`` in-process, with no earlier output at the target:
    exit 2 for every one, and no file appears."""
    for case_id, r in runs.items():
        out = tmp_path / case_id / OUT_NAME
        out.parent.mkdir()
        assert main(["build", str(r.bad), "-o", str(out)]) == 2, case_id
        assert list(out.parent.iterdir()) == [], case_id
    capsys.readouterr()


# ---------------------------------------------------------------- refusing is cheap

_MEASURE = """
import json, resource, sys, time, tracemalloc
import openpyxl, model.inputs.validate, model.core.engine, model.workbook.output
from model.cli import main
traced = sys.argv[1] == "traced"  # tracing allocations makes Python code 3-4 times slower
if traced:
    tracemalloc.start()
start, cpu = time.perf_counter(), time.process_time()
code = main(sys.argv[2:])
# VmHWM is this process's own peak: ru_maxrss keeps the forking parent's peak across
# exec, so it would measure pytest's memory, not ours.
hwm = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")]
rss = (hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "cpu": time.process_time() - cpu,
                  "traced": tracemalloc.get_traced_memory()[1] if traced else 0, "rss": rss}))
"""
HOSTILE = ["zip_bomb", "zip_bomb_spread", "zip_lying_sizes", "zip_many_parts", "too_large_file",
           "entity_bomb_in_sheet", "huge_declared_dimension", *(c.id for c in CRAFTED)]


def _measure(args: list[str], what: str, repeat: int = 1) -> dict[str, float]:
    """Run the command line in a child process: its exit code, wall and CPU seconds and
    peak memory (the run of least CPU of ``repeat``), then its peak Python allocations
    (traced: slower, so not timed). Limits are checked on CPU time: the tests share two
    cores with other work, which stretches wall time (shown too) several times, and CPU
    time too, less and unevenly (hence the least of a few runs)."""
    def run(mode: str) -> dict[str, float]:
        r = subprocess.run([sys.executable, "-c", _MEASURE, mode, *args], capture_output=True,
                           text=True, env=ENV, timeout=120)
        out: dict[str, float] = json.loads(r.stdout.strip().splitlines()[-1])
        return out
    m = min((run("timed") for _ in range(repeat)), key=lambda t: t["cpu"])
    m["traced"] = run("traced")["traced"]
    print(f"{what}: exit {m['code']:.0f} in {m['cpu']:.2f} s CPU ({m['seconds']:.2f} s wall), "
          f"peak traced {m['traced'] / 2**20:.1f} MB, max RSS {m['rss'] / 2**20:.0f} MB")
    _tally["measured"] += 1
    _tally["slowest CPU ms"] = max(_tally["slowest CPU ms"], round(m["cpu"] * 1000))
    _tally["largest RSS MB"] = max(_tally["largest RSS MB"], round(m["rss"] / 2**20))
    return m


# Everyday, one of each kind of hostile file: a zip bomb, an XML attack, a part over its
# limit, a sheet of junk; all of them in the full run (two whole processes each).
MEASURED_EVERY_DAY = {"zip_bomb", "entity_bomb_in_sheet", "million_shared_strings",
                      "sheet_of_junk_without_dimension"}
assert set(HOSTILE) >= MEASURED_EVERY_DAY


@pytest.mark.parametrize("case_id", [
    pytest.param(c, marks=() if c in MEASURED_EVERY_DAY else pytest.mark.slow)
    for c in HOSTILE])
def test_refusing_a_hostile_file_is_fast_and_small(case_id: str, runs: dict[str, Run],
                                                  tmp_path: Path) -> None:
    """Under 2 s of CPU and 200 MB of Python allocations once the modules are imported,
    and a whole process (interpreter and libraries included) under 200 MB."""
    bad = runs[case_id].bad
    m = _measure(["build", str(bad), "-o", str(tmp_path / "out.xlsx")],
                 f"{case_id} ({bad.stat().st_size:,} bytes)")
    assert m["code"] == 2
    assert m["cpu"] < 2
    assert m["traced"] < 200 * 2**20 and m["rss"] < 200 * 2**20


@pytest.mark.parametrize("make", [at_the_limits, lambda: junk_in_another_sheet(1_000_000)],
    ids=["every limit at once", "junk in another sheet"])
@pytest.mark.slow
def test_reading_a_file_within_the_limits_is_fast_and_small(make: Any, tmp_path: Path
                                                           ) -> None:
    """A workbook just under every parsing limit at once (shared strings, styles, defined
    names, content types, a sheet of formula cells with no dimension, data validations),
    and one whose junk is in a sheet the model does not read: `check` reads and validates
    it in under 2 s of CPU and 200 MB."""
    src = tmp_path / "limits.xlsx"
    src.write_bytes(make())
    m = _measure(["check", str(src)], f"{src.name} ({src.stat().st_size:,} bytes)", repeat=3)
    assert m["code"] == 0
    assert m["cpu"] < 2
    assert m["traced"] < 200 * 2**20 and m["rss"] < 200 * 2**20


def test_the_zip_bomb_is_real() -> None:
    """The bomb is a valid zip whose Inputs sheet really inflates to zeros: the check
    that refuses it is not fooled by a broken file."""
    with zipfile.ZipFile(io.BytesIO(zip_bomb())) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size == 2**31 and info.compress_size < 3 * 2**20
        with z.open(info) as member:
            assert member.read(2**20) == bytes(2**20)


# ---------------------------------------------------------------- XML and macros


def test_openpyxl_parses_through_defusedxml() -> None:
    import defusedxml.ElementTree
    import openpyxl.worksheet._reader
    import openpyxl.xml.functions
    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert openpyxl.worksheet._reader.iterparse is defusedxml.ElementTree.iterparse
    if not openpyxl.LXML:  # with lxml, openpyxl's fromstring never resolves entities
        assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


def test_reader_refuses_to_parse_without_defusedxml(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(template_bytes())
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError, match="defusedxml"):
        read_workbook(src)


def test_macros_are_read_past_and_never_carried_over(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "with macros.xlsm"
    src.write_bytes(with_macros(template_bytes()))
    assert read_workbook(src).had_macros
    out = tmp_path / "model.xlsx"
    assert main(["build", str(src), "-o", str(out)]) == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        everything = b"".join(z.read(n) for n in names if not n.endswith((".png", ".bin")))
    assert not [n for n in names if "vba" in n.lower() or n.endswith(".bin")]
    assert b"vbaProject" not in everything and b"macroEnabled" not in everything


# ---------------------------------------------------------------- limits


def test_a_file_at_the_size_limit_is_not_refused_for_its_size(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    at_limit = tmp_path / "at-limit.xlsx"
    with at_limit.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES)
    assert main(["check", str(at_limit)]) == 2
    err = capsys.readouterr().err
    assert "MB" not in err and "expected an .xlsx workbook" in err


def test_a_schedule_of_exactly_max_rows_is_accepted(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long.xlsx"
    path.write_bytes(edited_bytes(schedule_rows(MAX_ROWS)))
    assert main(["check", str(path)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_number_no_spreadsheet_holds_is_named(value: float, tmp_path: Path) -> None:
    """openpyxl cannot read NaN from a cell (the reader reports the sheet and row), but
    another reader could hand one over: the validator names the cell."""
    src = tmp_path / "a.xlsx"
    src.write_bytes(template_bytes())
    raw = read_workbook(src)
    table = raw.tables["Inputs"]
    row, values = next((r, v) for r, v in table.rows if v[0] == "api_arr_opening")
    values[table.header["value"]] = value
    with pytest.raises(InputError) as e:
        validate(raw)
    assert f"sheet Inputs, cell B{row} (api_arr_opening): expected an amount in USD" \
        in e.value.message()
    assert f"found the number {value}" in e.value.message()


# ---------------------------------------------------------------- check says what build says

_ISSUE_9 = [c for c in CASES if c.id in {c.id for c in numbers_keys_and_size_cases()}]


@pytest.mark.parametrize("case", _ISSUE_9, ids=[c.id for c in _ISSUE_9])
def test_check_reports_what_build_refuses(case: BadInput, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Overflow and key clashes are found by running the model: `check` runs it for
    every scenario, so it never says OK to a workbook `build` refuses. (In-process: the
    whole processes of `build` above stand for the process boundary.)"""
    bad = case.make(tmp_path)
    code = main(["check", str(bad)])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in err and "OK" not in out
    prefix = f"{bad}: {_where(case)}"
    assert any(ln.startswith(prefix) and case.expected in _expected(ln)
               for ln in err.splitlines()), err


def test_a_well_formed_zip64_end_record_is_accepted(tmp_path: Path) -> None:
    """The checks of the end record and the zip64 locator refuse only what disagrees."""
    src = tmp_path / "zip64.xlsx"
    src.write_bytes(zip64_end())
    with zipfile.ZipFile(src) as z:  # Python's zipfile takes it as a zip64 archive
        assert len(z.namelist()) == len(zipfile.ZipFile(io.BytesIO(template_bytes())).namelist())
    assert read_workbook(src).tables["Inputs"].rows
