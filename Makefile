# Adiuva Companion. `make run` starts the app, `make test` runs lint + the whole suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
ARGS   ?=

.PHONY: run test lint bench demo dist clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/adiuva-companion $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# System packages for the tests on a real X server (Xvfb) and for Qt's xcb plugin.
# Installed when running as root with apt (CI, a fresh dev box); otherwise those
# tests skip and say what to install.
X11_PACKAGES := xvfb xdotool libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0

system-deps:
	@if command -v Xvfb >/dev/null && command -v xdotool >/dev/null && \
	    ldconfig -p | grep -q libxcb-icccm.so.4 && ldconfig -p | grep -q libxcb-keysyms.so.1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(X11_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    $(X11_PACKAGES) >/dev/null; \
	else echo "note: install $(X11_PACKAGES) to run the X11 tests (they skip without them)"; fi

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --log-level WARN build.spec
	@du -sh dist/adiuva-companion

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis
