#!/bin/bash
# The matrix-product run for a lent GPU machine (prepared like bench/gpu_run.sh: make wheel-for-device,
# carry .whl and .gl): the wgpu matmul at 1024/2048/4096 beside torch cuda (TF32 off), then the matmul
# tests against the GPU. Output: $OUT/matmul.txt, $OUT/matmul.json, $OUT/linalg-tests.txt.
source bench/gpu_setup.sh
timeout 150 python3 bench/bench_matmul.py --device wgpu --json "$OUT/matmul.json" 2>&1 | tee "$OUT/matmul.txt"
rm -rf /tmp/t && cp -r tests /tmp/t && cd /tmp/t && RUSTORCH_REQUIRE_WGPU=1 timeout "${TEST_SECONDS:-60}" \
    python3 -m pytest -q -p no:cacheprovider -n 8 test_linalg.py test_index_ops.py test_indexing.py test_shape.py \
    -k wgpu 2>&1 | tail -n 30 > "$OUT/linalg-tests.txt"
echo "tests exit: $?" >> "$OUT/linalg-tests.txt"; tail -n 8 "$OUT/linalg-tests.txt"
