# Outside-In: `make demo` runs the demo company; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo test lint browser bench lock

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# After upgrading a package on purpose and a green `make test`: record the versions.
lock: install
	{ echo "# Versions the test suite last passed with: make install installs exactly these."; \
	  echo "# Regenerate with make lock after an upgrade and a green make test."; \
	  $(BIN)/pip freeze --exclude-editable; } > constraints.txt

demo: install
	$(BIN)/outsidein demo

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser
	OUTSIDEIN_DATA_DIR=$$(mktemp -d) OUTSIDEIN_HTTPS=0 $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
