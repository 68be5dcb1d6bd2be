"""Questions asked of the model: goal seek, sensitivities, Monte Carlo, diff.

- ``solve``: goal seek (bisection on one input), the ``Metric`` a result is read
  by, how an input is moved (``varied``), and the Analysis sheet's settings;
  ``sensitivity``: the grid and the tornado, all their points one vectorised pass
  of ``model.core.draws``.
- ``montecarlo``: sampling the Distributions sheet and running the draws;
  ``simulation``: the results, percentiles and the terminal report;
  ``progress``: a progress bar.
- ``diff``: inputs and headline results that changed between two workbooks.
- ``report``: the headline results and how money is printed.

May import: ``model.errors``, ``model.inputs``, ``model.core``. Nothing of
workbook or cli: the sheets that show these results live in ``model.workbook``.
"""
