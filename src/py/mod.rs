//! PyO3 bindings: the only Rust code that knows about Python.

mod convert;
mod dlpack;
mod errors;
mod index;
mod linalg;
mod ops;
mod optim;
mod random;
mod scan;
mod sort;
mod tensor;

use pyo3::prelude::*;

#[pymodule]
#[pyo3(name = "_C")]
fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tensor::PyTensor>()?;
    m.add_class::<random::PyGenerator>()?;
    m.add("default_generator", random::default_handle())?;
    m.add("has_avx2", crate::cpu::simd::has_avx2())?;
    m.add("has_avx512", crate::cpu::simd::has_avx512())?;
    m.add("DLPACK_DEVICE_CPU", dlpack::DEVICE_CPU)?;
    m.add("DLPACK_DEVICE_WEBGPU", dlpack::DEVICE_WEBGPU)?;
    macro_rules! add {
        ($($f:path),* $(,)?) => { $( m.add_function(wrap_pyfunction!($f, m)?)?; )* };
    }
    add!(
        ops::unary, ops::unary_out, ops::binary, ops::binary_out, ops::where_, ops::ternary, ops::clamp,
        ops::nan_to_num, ops::reduce, ops::extremum, ops::to_dtype, ops::copy_, ops::fill_, ops::empty,
        ops::full, ops::arange, ops::linspace, ops::eye, ops::from_buffer, ops::result_type, ops::promote_types,
        ops::can_cast, ops::set_default_dtype, ops::get_default_dtype, ops::cpu_memory_stats, ops::cpu_empty_cache,
        ops::op_names, ops::to_device, ops::empty_like, ops::wgpu_status, ops::wgpu_synchronize, ops::wgpu_memory_stats, ops::wgpu_counters, ops::wgpu_has_context,
        ops::wgpu_reset_peak_memory_stats, ops::wgpu_empty_cache, ops::wgpu_info, ops::wgpu_ops, random::uniform_, random::normal_, random::randint_, random::randperm, random::manual_seed,
        linalg::bmm, linalg::conv_forward, linalg::conv_backward_input, linalg::conv_backward_weight,
        index::gather, index::scatter_, index::nonzero, index::check_range, scan::cumulative,
        sort::sort, sort::topk, sort::kthvalue, sort::searchsorted, optim::optimizer_step,
        dlpack::to_dlpack, dlpack::from_dlpack,
    );
    Ok(())
}
