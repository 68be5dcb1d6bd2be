"""The defaults `finmodel calibrate` fitted to the reported history (the Actuals sheet).

Written here by hand from the calibration's output (README, "Where the figures come
from"): the openings of December 2023 and the growth rates of each Schedule row, for the
API, Azure OpenAI pay-as-you-go, each default stream and each default cost. Rows before
the last reported figure (March 2026) are fitted to it; the later ones follow the
published projections ($100B of revenue in 2028, $125B in 2029, $200B in 2030) and then
fade (illustrative).
"""

from __future__ import annotations

import datetime as dt

# The first month of each Schedule row: half years in 2024 and quarters in 2025, where
# the reported figures are dense (half-year revenue and ARRs of June and December that a
# single rate a year cannot all meet), then whole years.
ROW_MONTHS: tuple[dt.date, ...] = (
    dt.date(2024, 1, 1), dt.date(2024, 7, 1), *(dt.date(2025, m, 1) for m in (1, 4, 7, 10)),
    *(dt.date(y, 1, 1) for y in range(2026, 2035)))

# One value per row of ROW_MONTHS. The API's path is also each default stream's.
# scripts/calibrate_defaults.py's fit, rounded to 4 decimals; 5.5893 and 1.0354 are moved by
# 0.0001 to 5.5894 and 1.0355, where numpy's (1 + g) ** (1/12) equals Python's to the
# last bit, so a vectorised run reproduces the single run exactly (tests/test_simulate.py).
_API = (0.552, 1.9537, 5.5894, 0.6533, 11.6676, 0.2634,  # fitted to the history
        1.1688, 1.0355, 0.2524, 0.2481, 0.9187,  # 2026-2030: fitted to the projections
        0.2, 0.15, 0.12, 0.1)  # illustrative fade
GROWTH: dict[str, tuple[float, ...]] = {
    "api_growth": _API,
    "azure_payg_growth": (1.1027, 1.1588, 1.176, 1.1833, 1.189, 1.189,
                          0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1),
    "chatgpt_plus_growth": _API,
    "chatgpt_enterprise_growth": _API,
    "chatgpt_team_growth": _API,
    "training_compute_growth": (2.3937, 2.3937, 0.8785, 0.6509, 0.5, 0.5,
                                0.3, 0.2, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03),
    "staff_growth": (0.6757, 0.6757, 0.4145, 0.3765, 0.35, 0.35,
                     0.25, 0.15, 0.1, 0.08, 0.06, 0.05, 0.05, 0.05, 0.05),
}

# Openings (the month before start, December 2023): annualized revenue, or a cost a month.
# The streams keep FutureSearch's proportions (June 2024); the costs are The Information's
# projections for 2024 (July 2024) a month, not calibrated.
OPENING: dict[str, float] = {
    "api_arr_opening": 896e6,
    "azure_arr_opening": 845e6,
    "chatgpt_plus": 1096e6,
    "chatgpt_enterprise": 412e6,
    "chatgpt_team": 168e6,
    "training_compute": 3e9 / 12,
    "staff": 1.5e9 / 12,
}
