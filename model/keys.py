"""Every key the model makes from a pattern, spelled once, and read back here too.

A line, a row of a sheet or a result whose key is built from another key (a party's,
a tier's number, a stream's, a cost's, a schedule column's) gets it from one small
function below; where such a key is read back (a schedule column's stream, a
breakpoint's kind), the inverse is beside it. Nothing else in ``model`` builds a key
with an f-string or ``+`` (``tests/test_keys.py`` reads the source to keep it so).

This module imports nothing of the model: inputs, the engine, the analyses and the
sheets all use it.
"""

from __future__ import annotations

# --- a party's lines -------------------------------------------------------------------


def cum(party: str) -> str:
    """Cumulative receipts of a party: a balance."""
    return f"cum_{party}"


def dist(party: str) -> str:
    """What a party receives in a month, over all tiers (or the equity split)."""
    return f"dist_{party}"


def cap(party: str) -> str:
    """A capped party's cap in force."""
    return f"cap_{party}"


def cap_used(party: str) -> str:
    return f"cap_used_{party}"


def overflow(party: str) -> str:
    return f"overflow_{party}"


def cap_binds(party: str) -> str:
    return f"cap_binds_{party}"


def check_cap(party: str) -> str:
    return f"check_cap_{party}"


# --- a tier's lines ----------------------------------------------------------------------


def tier(number: int) -> str:
    """The prefix of a tier's lines: ``tier<number>``."""
    return f"tier{number}"


def tier_available(number: int) -> str:
    return f"{tier(number)}_available"


def tier_absorbed(number: int) -> str:
    return f"{tier(number)}_absorbed"


def tier_prior(number: int, party: str) -> str:
    """What the party received before this tier, this month included."""
    return f"{tier(number)}_prior_{party}"


def tier_gross(number: int, party: str) -> str:
    """The party's share of the tier before caps."""
    return f"{tier(number)}_gross_{party}"


def tier_received(number: int, party: str) -> str:
    return f"{tier(number)}_{party}"


def hurdle_progress(number: int) -> str:
    return f"{tier(number)}_hurdle_progress"


def hurdle_met(number: int) -> str:
    return f"{tier(number)}_hurdle_met"


def check_tier_shares(number: int) -> str:
    return f"check_{tier(number)}_shares"


def check_tier_hurdle(number: int) -> str:
    return f"check_{tier(number)}_hurdle"


# --- streams, costs and the Schedule ---------------------------------------------------

GROWTH, MARGIN = "_growth", "_gross_margin"  # the Schedule columns of a stream or cost


def stream_revenue(stream: str) -> str:
    return f"{stream}_revenue"


def stream_gross_profit(stream: str) -> str:
    return f"{stream}_gross_profit"


def stream_compute_on_azure(stream: str) -> str:
    """The part of a stream's compute that runs on Azure (bears Microsoft's commission)."""
    return f"{stream}_compute_on_azure"


def cost(cost_key: str) -> str:
    return f"{cost_key}_cost"


def growth(item: str) -> str:
    """The Schedule column of a stream's (or cost's) growth."""
    return item + GROWTH


def gross_margin(stream: str) -> str:
    """The Schedule column of a stream's gross margin."""
    return stream + MARGIN


def schedule_column_of(key: str) -> tuple[str, str] | None:
    """(stream or cost key, GROWTH or MARGIN) of a stream's or cost's Schedule column;
    None for any other key. The inverse of ``growth`` and ``gross_margin``."""
    for suffix in (MARGIN, GROWTH):  # MARGIN first: it does not end in GROWTH
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], suffix
    return None


SCHEDULE_LINE = "sched_"
SCHEDULE_SOURCE = "sched:"


def schedule_line(field: str) -> str:
    """The line holding a Schedule column's rate in force each month."""
    return SCHEDULE_LINE + field


def is_schedule_line(key: str) -> bool:
    return key.startswith(SCHEDULE_LINE)


def schedule_source(field: str) -> str:
    """How an expression names a Schedule column's monthly values to the engine."""
    return SCHEDULE_SOURCE + field


def schedule_field_of(source: str) -> str | None:
    """The Schedule column a ``schedule_source`` name reads; None for another name."""
    return source[len(SCHEDULE_SOURCE):] if source.startswith(SCHEDULE_SOURCE) else None


# --- present values, constants and checks ----------------------------------------------


def present_value(line: str) -> str:
    """A flow discounted to the first day of start_month."""
    return f"pv_{line}"


def constant(name: str) -> str:
    """The Checks sheet's row of a constant (tolerances, the structure as built)."""
    return f"const_{name}"


def reconcile(rollup: str, block: int | None = None) -> str:
    """The check that a rollup sheet's totals equal the months' (of one block of its flow
    lines, numbered from 1)."""
    return f"reconcile_{rollup.lower()}" + (f"_{block}" if block is not None else "")


def scenario_selected(position: int) -> str:
    """The Scenario sheet's flag: 1 if the scenario at ``position`` (from 1) is selected."""
    return f"scenario_{position}_selected"


def corkscrew(balance: str) -> str:
    """The check that a balance = its opening + its movement summed."""
    return f"corkscrew_{balance}"


# --- the Valuation and Analysis sheets -------------------------------------------------


def npv(party: str) -> str:
    return f"npv_{party}"


def received(party: str) -> str:
    return f"received_{party}"


def invested(party: str) -> str:
    return f"invested_{party}"


def moic(party: str) -> str:
    return f"moic_{party}"


def irr(party: str) -> str:
    return f"irr_{party}"


def irr_flows(party: str) -> str:
    return f"irr_flows_{party}"


def tier_width(number: int) -> str:
    return f"width_{tier(number)}"


BREAKPOINT = "breakpoint_"


def breakpoint_tier(number: int) -> str:
    return BREAKPOINT + tier(number)


def breakpoint_cap(party: str) -> str:
    return f"{BREAKPOINT}cap_{party}"


def is_breakpoint(key: str) -> bool:
    return key.startswith(BREAKPOINT)


def valuation_row(figure: str, party: str) -> str:
    """The Valuation sheet's row of a party's figure (``stake_value``, ``moic_tv``, ...)."""
    return f"{figure}_{party}"


# --- the terminal value: the waterfall's tiers once more, as one lump -----------------


def terminal_share(party: str) -> str:
    """A party's share of the terminal value (at the horizon's end)."""
    return f"tv_share_{party}"


def terminal_tier(number: int) -> str:
    """The prefix of a tier's terminal-value items: ``tv_tier<number>``."""
    return f"tv_{tier(number)}"


def terminal_tier_available(number: int) -> str:
    return f"{terminal_tier(number)}_available"


def terminal_tier_absorbed(number: int) -> str:
    return f"{terminal_tier(number)}_absorbed"


def terminal_tier_prior(number: int, party: str) -> str:
    """What the party received before this tier of the terminal value."""
    return f"{terminal_tier(number)}_prior_{party}"


def terminal_tier_received(number: int, party: str) -> str:
    return f"{terminal_tier(number)}_{party}"


# --- results of many draws (Monte Carlo) and of results.headlines() --------------------


def hurdle_met_month(number: int) -> str:
    """The headline: the month a tier's hurdle is met."""
    return f"{hurdle_met(number)}_month"


def cap_binds_month(party: str) -> str:
    """The headline: the month a party's cap binds."""
    return f"cap_binds_month_{party}"


def at_horizon(line: str) -> str:
    """The headline: a balance at the horizon."""
    return f"{line}_at_horizon"


def first_month(flag: str) -> str:
    """A simulation's metric: the month index in which a 0/1 line first is 1."""
    return f"first:{flag}"


def drawn(key: str) -> str:
    """A simulation's metric: the number drawn for an uncertain input."""
    return f"draw:{key}"


def held(key: str) -> str:
    """A simulation's metric: 1 where the draw was held at a schema bound."""
    return f"held:{key}"


# --- names of an input, as a scenario, --vary or solve target gives them -------------


def target(sheet: str, row: str | int | None, column: str) -> str:
    """``<sheet>:<column>`` (a Schedule column) or ``<sheet>:<row>:<column>`` (a party's
    or tier's cell): how the Scenarios sheet and the command line name an input."""
    return f"{sheet}:{column}" if row is None else f"{sheet}:{row}:{column}"
