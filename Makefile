# rustorch: `make demo` (the main job) and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-installed

.PHONY: demo test test-rust test-python test-numpy1 build bench lint clean wheel-for-device

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

test-python: build
	$(PY) -m pytest -p no:cacheprovider tests
	# The portable (non-AVX2) kernels, forced: elementwise ops, reductions and products again.
	RUSTORCH_NO_AVX2=1 $(PY) -m pytest -p no:cacheprovider tests/test_elementwise.py tests/test_reductions.py tests/test_linalg.py
	# The GPUs' kernel shapes on lavapipe (a CPU adapter defaults to 1 element per invocation):
	# 8 elements per invocation, reductions split over few workgroups.
	RUSTORCH_WGPU_UNROLL=8 RUSTORCH_WGPU_REDUCE_GROUPS=64 $(PY) -m pytest -p no:cacheprovider -q \
		tests/test_wgpu_device.py tests/test_wgpu_tensors.py tests/test_wgpu_reductions.py

# clippy with the crate's lints (no unwrap/expect/panic in src/), warnings as errors.
lint:
	cargo clippy --quiet --features python --all-targets -- -D warnings

# The same build under numpy 1.x (the array protocols must work with both majors).
NP1 := .venv-numpy1
$(NP1)/.deps-installed:
	$(PYTHON) -m venv $(NP1)
	$(NP1)/bin/python -m pip install --quiet "numpy>=1.22,<2" "safetensors>=0.4,<1" "pytest>=8" "hypothesis>=6.100" "mypy>=1.10"
	touch $@

# (the wgpu suites, the examples and the gradcheck tables do not touch numpy's array protocols beyond what
# the other suites cover: they run once, in test-python)
test-numpy1: build $(NP1)/.deps-installed
	PYTHONPATH=$(CURDIR) $(NP1)/bin/python -m pytest -p no:cacheprovider tests --ignore-glob='tests/test_wgpu_*' \
		--ignore=tests/test_examples.py --ignore=tests/test_autograd_structured.py --ignore=tests/test_autograd_op_db.py

test: test-rust test-python test-numpy1

# Side-by-side figures; set BENCH_PY to an interpreter that also has PyTorch to compare with it.
BENCH_PY ?= $(PY)
bench: build
	PYTHONPATH=$(CURDIR) $(BENCH_PY) bench/bench_core.py

# What bench/gpu_run.sh needs on a lent GPU machine (no network there): the abi3 wheel in .whl/ and the
# Vulkan loader packages in .gl/ (both ignored by git, carried by the device tool).
wheel-for-device: $(STAMP)
	$(VENV)/bin/maturin build --release --quiet --out .whl
	mkdir -p .gl /tmp/amd64/partial
	apt-get -oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64 update -qq
	cd .gl && apt-get -oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64 download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2

clean:
	rm -rf $(VENV) $(NP1) target
