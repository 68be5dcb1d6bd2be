# Everyday targets. CI runs .ci/run; these are for working on the code.

PYTHON ?= python3
FUZZ_EXAMPLES ?= 2000

.PHONY: test lint fuzz

test:
	$(PYTHON) -m pytest -q tests/

lint:
	ruff check model tests benchmarks
	mypy model

# Many more mutated workbooks and random cases than the normal run, with fresh
# randomness each time (the normal run is reproducible): FUZZ_EXAMPLES per fuzzer,
# as many ironcalc differential cases, ten times as many invariant cases.
fuzz:
	FINMODEL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTHON) -m pytest -q -p no:cacheprovider \
		tests/test_fuzz.py tests/test_differential.py tests/test_invariants.py
