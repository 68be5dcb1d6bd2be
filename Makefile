# Everyday targets. CI runs .ci/run; these are for working on the code.

PYTHON ?= python3
FUZZ_EXAMPLES ?= 2000

.PHONY: test test-all lint fuzz

# The everyday run (the tests not marked slow), and everything, as CI runs it.
test:
	$(PYTHON) -m pytest -q tests/

test-all:
	$(PYTHON) -m pytest -q -m "slow or not slow" tests/

lint:
	ruff check model tests benchmarks
	mypy model

# Many more mutated workbooks and random cases than the normal run, with fresh
# randomness each time (the normal run is reproducible): FUZZ_EXAMPLES per fuzzer,
# as many ironcalc differential cases, ten times as many invariant cases.
fuzz:
	FINMODEL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTHON) -m pytest -q -p no:cacheprovider -m "slow or not slow" \
		tests/test_fuzz.py tests/test_differential.py tests/test_invariants.py
