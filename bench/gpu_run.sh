#!/bin/bash
# The one prepared run for a lent GPU machine (the device tool; see bench/RESULTS.md). Prepare here:
#   make wheel-for-device   # builds the abi3 wheel into .whl/ and downloads the Vulkan loader into .gl/
# then run on the device, carrying .whl and .gl:   bash bench/gpu_run.sh
# It installs the wheel outside the tree, checks that wgpu picks the GPU through Vulkan, and runs the
# wgpu benchmark beside the machine's PyTorch CUDA; the tables and JSON come back in $OUT.
set -o pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1
cd /tmp && python3 -c "import rustorch, sys; print(rustorch.__file__); print(rustorch.wgpu.get_device_properties() if rustorch.wgpu.is_available() else rustorch.wgpu.unavailable_reason())" | tee "$OUT/adapter.txt"
cd - >/dev/null
python3 bench/bench_core.py --device wgpu --json "$OUT/wgpu-gpu.json" 2>&1 | tee "$OUT/wgpu-gpu.txt"
