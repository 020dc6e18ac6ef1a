#!/bin/bash
# The one prepared run for a lent GPU machine (the device tool; see bench/RESULTS.md). Prepare here:
#   make wheel-for-device   # builds the abi3 wheel into .whl/; the Vulkan loader and libglvnd (which
#                           # NVIDIA's Vulkan driver loads through) into .gl/
# then run on the device, carrying .whl and .gl:   bash bench/gpu_run.sh [PART ...]
# It installs the wheel outside the tree, checks that wgpu picks the GPU through Vulkan, then runs the
# parts named (default: matmul train tests), each bounded in time, beside the machine's PyTorch CUDA:
#   matmul  the wgpu matmul at 1024/2048/4096 (float32, torch with TF32 off), as chosen and each
#           kernel forced (issue 4; bench_matmul.py --variants)
#   train   the MLP, CNN and GPT training steps (issue 6; bench_train.py --device wgpu)
#   core    elementwise and reduction bandwidth: 16M elements with 20 ops per synchronize, 128M with
#           5, 16M with 1 for latency (bench_core.py; bench/gpu_sweep.sh tunes)
#   tests   the wgpu test files against the GPU (subgroup size 32, NVIDIA's compiler), index and
#           product tests included, with the subgroup matmul forced in a second pass
# Files back in $OUT (at most 8): gpu.txt, matmul.txt/.json, train.txt/.json, core.txt, tests.txt.
source bench/gpu_setup.sh
nvidia-smi --query-gpu=name,driver_version,clocks.max.mem,memory.total --format=csv | tee "$OUT/gpu.txt"
(cd /tmp && python3 -c "import rustorch; print(rustorch.__file__); print(rustorch.wgpu.get_device_properties() if rustorch.wgpu.is_available() else rustorch.wgpu.unavailable_reason())") | tee -a "$OUT/gpu.txt"
for part in ${*:-matmul train tests}; do
    echo "== $part"
    case $part in
    matmul)
        timeout "${MATMUL_SECONDS:-180}" python3 bench/bench_matmul.py --device wgpu --variants \
            --json "$OUT/matmul.json" 2>&1 | tee "$OUT/matmul.txt" ;;
    train)
        timeout "${TRAIN_SECONDS:-180}" python3 bench/bench_train.py --device wgpu --json "$OUT/train.json" \
            2>&1 | tee "$OUT/train.txt" ;;
    core)
        for args in "--ops-per-sync 20" "--n 134217728 --ops-per-sync 5 --quick" "--quick"; do
            echo "-- bench_core.py --device wgpu $args" | tee -a "$OUT/core.txt"
            # shellcheck disable=SC2086
            timeout 100 python3 bench/bench_core.py --device wgpu $args 2>&1 | tee -a "$OUT/core.txt"
        done ;;
    tests)
        rm -rf /tmp/t && cp -r tests /tmp/t || exit 1
        for forced in "" 1; do
            echo "-- RUSTORCH_WGPU_MATMUL_SUBGROUP=${forced:-chosen}" >> "$OUT/tests.txt"
            (cd /tmp/t && env ${forced:+RUSTORCH_WGPU_MATMUL_SUBGROUP=1} RUSTORCH_REQUIRE_WGPU=1 \
                timeout "${TEST_SECONDS:-80}" python3 -m pytest -q -p no:cacheprovider -n 8 --maxfail=20 \
                test_wgpu_device.py test_wgpu_reductions.py test_wgpu_tensors.py test_wgpu_elementwise.py \
                test_wgpu_checks.py test_linalg.py test_index_ops.py test_indexing.py -k wgpu 2>&1 \
                | tail -n 30 >> "$OUT/tests.txt"; echo "tests exit: ${PIPESTATUS[0]}" >> "$OUT/tests.txt")
        done
        tail -n 20 "$OUT/tests.txt" ;;
    *) echo "unknown part: $part (matmul, train, core, tests)" ;;
    esac
done
