"""The model itself: line items defined once, and the engine that computes them.

- ``expr``: the expression nodes; each gives a Python value and an Excel formula.
- ``lines``: every line item of the model, each defined once as an expression.
- ``engine``: compiles the lines into one step function and runs it month by
  month (one run: ``run``), with the results as a pandas DataFrame.
- ``draws``: the same step function over many draws at once, vectorised with numpy.

May import: ``model.errors``, ``model.inputs``, numpy, pandas. Nothing of
analysis, workbook or cli; nothing about cells or xlsxwriter beyond the formula
text each expression renders.
"""
