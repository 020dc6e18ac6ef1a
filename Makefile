# rustorch: `make demo` (the main job) and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed

.PHONY: demo test test-rust test-python test-numpy1 test-env build wheel bench bench-import lint clean wheel-for-device

$(STAMP):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "maturin>=1.16,<2" "numpy>=1.22" "safetensors>=0.4,<1" "pytest>=8" "hypothesis>=6.100" "mypy>=1.10"
	# the examples' own needs (the digits dataset ships with scikit-learn; tqdm draws the progress bar)
	$(PY) -m pip install --quiet "scikit-learn>=1.3" "tqdm>=4.60"
	touch $(STAMP)

# Release build of the extension, installed into .venv in editable mode.
build: $(STAMP)
	$(VENV)/bin/maturin develop --release --quiet

demo: build
	$(PY) examples/digits.py

test-rust:
	cargo test --quiet

# clippy with the crate's lints (no unwrap/expect/panic in src/), warnings as errors.
lint:
	cargo clippy --quiet --features python --all-targets -- -D warnings

# ---- The wheel ----------------------------------------------------------------------------------------
# The packaging tools, in a venv of their own: maturin, and on Linux zig as the linker (PyPI's ziglang,
# pinned to a release maturin's cargo-zigbuild supports): it links against glibc 2.17's symbols, so the
# wheel is manylinux2014 without a Docker image; auditwheel and abi3audit check the result.
WHEEL_VENV := .venv-wheel
WHEEL_STAMP := $(WHEEL_VENV)/.deps-installed
DIST := dist
WHEEL_MAX_MB := 20
ifeq ($(shell uname -s),Linux)
WHEEL_TOOLS := "ziglang==0.15.2" "auditwheel>=6.4,<7"
WHEEL_FLAGS ?= --zig --compatibility manylinux2014
# the glibc version in the tag auditwheel must report ('' accepts any, e.g. with WHEEL_FLAGS= for a native link)
WHEEL_MANYLINUX ?= $(if $(findstring manylinux2014,$(WHEEL_FLAGS)),2_17,)
endif
# maturin finds zig on PATH
WHEEL_ENV := PATH="$(CURDIR)/$(WHEEL_VENV)/bin:$$PATH"

$(WHEEL_STAMP): Makefile
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(WHEEL_VENV)/bin/python -m pip install --quiet "maturin>=1.16,<2" "abi3audit>=0.0.20" $(WHEEL_TOOLS)
	touch $@

# One abi3 wheel (cp39-abi3: CPython 3.9 and every later one) for this platform, and the sdist, into dist/;
# then .ci/check_dist.py: at most 20 MB, the version of Cargo.toml, auditwheel's manylinux_2_17 tag and no
# library to vendor (Linux), abi3audit clean, an sdist with everything a build needs.
wheel: $(WHEEL_STAMP)
	rm -f $(DIST)/rustorch-*.whl $(DIST)/rustorch-*.tar.gz
	$(WHEEL_ENV) maturin build --release --quiet $(WHEEL_FLAGS) --out $(DIST)
	$(WHEEL_ENV) maturin sdist --out $(DIST)
	$(WHEEL_VENV)/bin/python .ci/check_dist.py $(DIST) --max-mb $(WHEEL_MAX_MB) --manylinux "$(WHEEL_MANYLINUX)"

# ---- The Python suite, against the installed wheel -----------------------------------------------------
# dist/'s wheel is installed into venvs outside the checkout (one folder per checkout under ~/.cache;
# TEST_ROOT=... picks another, .ci/run a fresh temporary one) and pytest runs from there on this checkout's
# tests/, with PYTHONPATH unset: `import rustorch` can only find the installed package, and a guard says
# so before any test runs (tests/test_packaging.py checks it again from inside the suite).
CHECKOUT_ID := $(shell printf '%s' '$(CURDIR)' | cksum | cut -d' ' -f1)
TEST_ROOT ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/rustorch-test/$(CHECKOUT_ID)
TROOT := $(abspath $(TEST_ROOT))
TVENV := $(TROOT)/venv
TPY := $(TVENV)/bin/python
NP1 := $(TROOT)/venv-numpy1
T := $(CURDIR)/tests
# the test and example dependencies (mypy: the stubs' check)
TEST_DEPS := "numpy>=1.22" "safetensors>=0.4,<1" "pytest>=8" "hypothesis>=6.100" "scikit-learn>=1.3" "tqdm>=4.60" \
	"mypy>=1.10"

# $(call in-test-env,VENV) prefixes a command: from outside the checkout, PYTHONPATH unset, told which wheel
# is under test.
in-test-env = cd "$(TROOT)" && env -u PYTHONPATH RUSTORCH_TEST_INSTALLED=1 \
	RUSTORCH_WHEEL="$$(ls "$(CURDIR)/$(DIST)"/rustorch-*.whl)" PATH="$(1)/bin:$$PATH"
PYTEST := python -m pytest -p no:cacheprovider --rootdir="$(CURDIR)"

# $(call install-wheel,VENV): dist/'s wheel replaces any earlier install; pip check: its declared
# dependencies are met; then the guard.
define install-wheel
$(1)/bin/python -m pip install --quiet --force-reinstall --no-deps "$(CURDIR)/$(DIST)"/rustorch-*.whl
$(1)/bin/python -m pip check
$(call in-test-env,$(1)) python -c 'import os, sys, rustorch; f = os.path.realpath(rustorch.__file__); \
	assert not f.startswith(os.path.realpath(sys.argv[1]) + os.sep), "rustorch imported from the checkout: " + f; \
	print("rustorch", rustorch.__version__, "from", f)' "$(CURDIR)"
endef

$(TVENV)/.deps-installed: Makefile
	$(PYTHON) -m venv "$(TVENV)"
	$(TPY) -m pip install --quiet --upgrade pip
	$(TPY) -m pip install --quiet $(TEST_DEPS)
	# the GitHub Actions workflow linter tests/test_packaging.py runs on .github/workflows/wheels.yml
	$(TPY) -m pip install --quiet "check-jsonschema>=0.33"
	touch "$@"

# dist/'s wheel, installed in the test venv
test-env: wheel $(TVENV)/.deps-installed
	$(call install-wheel,$(TVENV))

test-python: test-env
	$(call in-test-env,$(TVENV)) $(PYTEST) "$(T)"
	# The portable (non-AVX2) kernels, forced: elementwise ops, reductions and products again.
	$(call in-test-env,$(TVENV)) RUSTORCH_NO_AVX2=1 $(PYTEST) "$(T)/test_elementwise.py" \
		"$(T)/test_reductions.py" "$(T)/test_linalg.py"
	# The AVX2 copies of the loops, forced where the CPU has AVX-512 (which the first run takes).
	$(call in-test-env,$(TVENV)) RUSTORCH_NO_AVX512=1 $(PYTEST) -q "$(T)/test_elementwise.py" \
		"$(T)/test_elementwise_special.py" "$(T)/test_math_accuracy.py"
	# The GPUs' kernel shapes on lavapipe (a CPU adapter defaults to 1 element per invocation):
	# 8 elements per invocation, reductions split over few workgroups.
	$(call in-test-env,$(TVENV)) RUSTORCH_WGPU_UNROLL=8 RUSTORCH_WGPU_REDUCE_GROUPS=64 $(PYTEST) -q \
		"$(T)/test_wgpu_device.py" "$(T)/test_wgpu_tensors.py" "$(T)/test_wgpu_reductions.py"

# The same wheel under numpy 1.x (the array protocols must work with both majors).
$(NP1)/.deps-installed: Makefile
	$(PYTHON) -m venv "$(NP1)"
	$(NP1)/bin/python -m pip install --quiet --upgrade pip
	$(NP1)/bin/python -m pip install --quiet "numpy>=1.22,<2" "safetensors>=0.4,<1" "pytest>=8" "hypothesis>=6.100"
	touch "$@"

# (the wgpu suites, the examples, the gradcheck tables, the packaging checks and the stubs' check do not
# touch numpy's array protocols beyond what the other suites cover: they run once, in test-python)
test-numpy1: wheel $(NP1)/.deps-installed
	$(call install-wheel,$(NP1))
	$(call in-test-env,$(NP1)) $(PYTEST) "$(T)" --ignore-glob="$(T)/test_wgpu_*" \
		--ignore="$(T)/test_examples.py" --ignore="$(T)/test_autograd_structured.py" \
		--ignore="$(T)/test_autograd_op_db.py" --ignore="$(T)/test_packaging.py" --ignore="$(T)/test_typing.py"

test: test-rust test-python test-numpy1

# Side-by-side figures; set BENCH_PY to an interpreter that also has PyTorch to compare with it.
BENCH_PY ?= $(PY)
bench: build
	PYTHONPATH=$(CURDIR) $(BENCH_PY) bench/bench_core.py

# `import rustorch` in fresh processes (the installed wheel of `make test`), beside numpy, and beside PyTorch
# with BENCH_PY=/path/to/python-with-torch.
bench-import: test-env
	$(call in-test-env,$(TVENV)) python "$(CURDIR)/bench/bench_import.py" \
		$(if $(filter-out file,$(origin BENCH_PY)),--torch-python "$(BENCH_PY)")

# What bench/gpu_run.sh needs on a lent GPU machine (no network there): the abi3 wheel in .whl/ and the
# Vulkan loader packages in .gl/ (both ignored by git, carried by the device tool).
wheel-for-device: $(STAMP)
	$(VENV)/bin/maturin build --release --quiet --out .whl
	mkdir -p .gl /tmp/amd64/partial
	apt-get -oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64 update -qq
	cd .gl && apt-get -oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64 download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2

clean:
	rm -rf $(VENV) $(WHEEL_VENV) .venv-numpy1 $(DIST) target "$(TROOT)"
