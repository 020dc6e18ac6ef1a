#!/bin/bash
# The one prepared run for a lent GPU machine (the device tool; see bench/RESULTS.md). Prepare here:
#   make wheel-for-device   # builds the abi3 wheel into .whl/; the Vulkan loader and libglvnd (which
#                           # NVIDIA's Vulkan driver loads through) into .gl/
# then run on the device, carrying .whl and .gl:   bash bench/gpu_run.sh
# It installs the wheel outside the tree, checks that wgpu picks the GPU through Vulkan, runs the wgpu
# benchmark beside the machine's PyTorch CUDA (16M elements with 20 ops per synchronize for throughput,
# the same with 1 for latency, 128M for a size far beyond the L2; bench/gpu_sweep.sh tunes), then
# the wgpu test files against the GPU for a bounded time. Tables, JSON and the test log come back in $OUT.
source bench/gpu_setup.sh
nvidia-smi --query-gpu=name,driver_version,clocks.max.mem,memory.total --format=csv | tee "$OUT/gpu.txt"
(cd /tmp && python3 -c "import rustorch; print(rustorch.__file__); print(rustorch.wgpu.get_device_properties() if rustorch.wgpu.is_available() else rustorch.wgpu.unavailable_reason())") | tee -a "$OUT/gpu.txt"
bench() {  # name, then bench_core arguments
    local name=$1; shift
    timeout 100 python3 bench/bench_core.py --device wgpu "$@" --json "$OUT/$name.json" 2>&1 | tee "$OUT/$name.txt"
}
bench wgpu-16M-sync20 --ops-per-sync 20
bench wgpu-128M-sync5 --n 134217728 --ops-per-sync 5 --quick
bench wgpu-16M-sync1 --quick
# Correctness on a real GPU (subgroup size 32, NVIDIA's compiler): the wgpu suites, bounded in time.
rm -rf /tmp/t && cp -r tests /tmp/t && cd /tmp/t && RUSTORCH_REQUIRE_WGPU=1 timeout "${TEST_SECONDS:-100}" \
    python3 -m pytest -q -p no:cacheprovider -n 8 --maxfail=20 test_wgpu_device.py test_wgpu_reductions.py \
    test_wgpu_tensors.py test_wgpu_elementwise.py 2>&1 | tail -n 60 > "$OUT/tests.txt"
echo "tests exit: $?" >> "$OUT/tests.txt"; tail -n 25 "$OUT/tests.txt"
