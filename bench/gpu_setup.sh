# Sourced by bench/gpu_run.sh and bench/gpu_sweep.sh on a lent GPU machine (run from the repository root,
# carrying .whl and .gl from `make wheel-for-device`): unpacks the Vulkan loader and libglvnd, points
# the loader at NVIDIA's driver where it is, and installs the rustorch wheel outside the tree.
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
