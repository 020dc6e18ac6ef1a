#!/bin/bash
# The matrix-product run for a lent GPU machine (prepared like bench/gpu_run.sh: make wheel-for-device,
# carry .whl and .gl): the wgpu matmul at 1024/2048/4096 beside torch cuda (TF32 off), the automatic
# choice and each kernel forced (subgroup, tiled: bench_matmul.py --variants), then the matmul tests
# against the GPU, once as chosen and once with the subgroup kernel forced.
# Output: $OUT/matmul.txt, $OUT/matmul.json, $OUT/linalg-tests.txt, $OUT/linalg-tests-subgroup.txt.
source bench/gpu_setup.sh
(cd /tmp && python3 -c "import rustorch; print(rustorch.wgpu.get_device_properties())") | tee "$OUT/matmul.txt"
timeout 240 python3 bench/bench_matmul.py --device wgpu --variants --json "$OUT/matmul.json" 2>&1 | tee -a "$OUT/matmul.txt"
rm -rf /tmp/t && cp -r tests /tmp/t && cd /tmp/t || exit 1
tests() {  # log name, then environment assignments
    local log=$1; shift
    env "$@" RUSTORCH_REQUIRE_WGPU=1 timeout "${TEST_SECONDS:-60}" python3 -m pytest -q -p no:cacheprovider -n 8 \
        test_linalg.py test_index_ops.py test_indexing.py test_shape.py -k wgpu 2>&1 | tail -n 30 > "$OUT/$log"
    echo "tests exit: $?" >> "$OUT/$log"; tail -n 8 "$OUT/$log"
}
tests linalg-tests.txt
tests linalg-tests-subgroup.txt RUSTORCH_WGPU_MATMUL_SUBGROUP=1
