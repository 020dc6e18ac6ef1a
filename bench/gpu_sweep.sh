#!/bin/bash
# Tuning sweep for a lent GPU machine (prepared like bench/gpu_run.sh: make wheel-for-device, carry
# .whl and .gl): the wgpu benchmark at 128M elements (5 ops per synchronize) and 16M (20), for each
# pair of elements per invocation (RUSTORCH_WGPU_UNROLL) and reduction workgroups
# (RUSTORCH_WGPU_REDUCE_GROUPS) below, each line beside torch cuda in the same process (which
# also keeps the GPU's clocks comparable between lines). Output: $OUT/sweep.txt.
source bench/gpu_setup.sh
for cfg in ${SWEEP:-4:4096 8:4096 4:1024 8:1024 8:2048}; do
    for size in "134217728 5" "16777216 20"; do
        set -- $size
        RUSTORCH_WGPU_UNROLL=${cfg%:*} RUSTORCH_WGPU_REDUCE_GROUPS=${cfg#*:} timeout 60 python3 bench/bench_core.py \
            --device wgpu --n "$1" --ops-per-sync "$2" --quick --no-numpy 2>&1 | grep "GB/s" \
            | sed "s/^/unroll ${cfg%:*} groups ${cfg#*:}: /" | tee -a "$OUT/sweep.txt"
    done
done
