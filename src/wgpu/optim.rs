//! The optimizers' fused steps on wgpu (`shaders/optim.wgsl`): one dispatch per parameter, one
//! invocation per element, updating the parameter and its state in place. One module per
//! (algorithm, dtype, option bits): the options are WGSL constants. Every float dtype the
//! adapter stores is served (half types packed and computed in f32, f64 with SHADER_F64).

use super::dtypes::{self, val, Caps};
use super::launch::{buffer, dispatch_groups, pipeline, u32s, Bind};
use super::template::{expand, with_helpers, WORKGROUP};
use crate::cpu::optim::{flag, Algo, NC};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const OPTIM: &str = include_str!("../../shaders/optim.wgsl");

/// Where the per-algorithm update functions start in the template.
const UPDATES: &str = "// ---- updates";

/// The template's `update_<algo>` function, renamed `update`.
fn update_fn(algo: Algo) -> Option<String> {
    let head = format!("fn update_{}(i: u32) {{", algo.name());
    let start = OPTIM.find(&head)?;
    let body = &OPTIM[start + head.len()..];
    let end = body.find("\n}\n")?;
    Some(format!("fn update(i: u32) {{{}\n}}\n", &body[..end]))
}

/// The WGSL module of `algo` on `dtype` (parameter, gradient and states) with option bits `flags`.
fn source(algo: Algo, dtype: DType, flags: u32, caps: Caps) -> Option<String> {
    let v = val(dtype, caps);
    let frame = OPTIM.split(UPDATES).next()?;
    let update = update_fn(algo)?;
    let pos = algo.positions(flags);
    let mut bindings = dtypes::output_decl("p", 0, dtype, caps) + &dtypes::input_decl("g", 1, dtype, caps);
    let mut functions = dtypes::load_fn("ld_p_raw", "p", dtype, caps, true)
        + &dtypes::store_fn("st_p_raw", "p", dtype, caps)
        + &dtypes::load_fn("ld_g_raw", "g", dtype, caps, false);
    let t = v.wgsl();
    let access = |name: &str, buf: &str| {
        format!(
            "fn ld_{name}(i: u32) -> {t} {{\n    return ld_{name}_raw(prm.off_{buf} + i);\n}}\n\
             fn st_{name}(i: u32, v: {t}) {{\n    st_{name}_raw(prm.off_{buf} + i, v);\n}}\n"
        )
    };
    functions.push_str(&access("p", "p"));
    functions.push_str(&format!("fn ld_g(i: u32) -> {t} {{\n    return ld_g_raw(prm.off_g + i);\n}}\n"));
    let mut k = 2;
    for (j, &present) in pos.iter().enumerate() {
        let name = format!("s{j}");
        if present {
            bindings.push_str(&dtypes::output_decl(&name, k, dtype, caps));
            functions.push_str(&dtypes::load_fn(&format!("ld_{name}_raw"), &name, dtype, caps, true));
            functions.push_str(&dtypes::store_fn(&format!("st_{name}_raw"), &name, dtype, caps));
            functions.push_str(&access(&name, &name));
            k += 1;
        } else {
            functions.push_str(&format!(
                "fn ld_{name}(i: u32) -> {t} {{\n    return {t}(0);\n}}\nfn st_{name}(i: u32, v: {t}) {{\n}}\n"
            ));
        }
    }
    let on = |f: u32| if flags & f != 0 { "true" } else { "false" };
    let helpers = with_helpers(&(functions.clone() + frame + &update), v);
    functions.push_str(&helpers);
    Some(expand(frame, &[
        ("BINDINGS", &bindings),
        ("PBIND", &k.to_string()),
        ("FUNCTIONS", &functions),
        ("UPDATE", &update),
        ("T", t),
        ("WG", &WORKGROUP.to_string()),
        ("MAXIMIZE", on(flag::MAXIMIZE)),
        ("WEIGHT_DECAY", on(flag::WEIGHT_DECAY)),
        ("DECOUPLED", on(flag::DECOUPLED)),
        ("AMSGRAD", on(flag::AMSGRAD)),
        ("NESTEROV", on(flag::NESTEROV)),
        ("MOMENTUM", on(flag::MOMENTUM)),
        ("CENTERED", on(flag::CENTERED)),
        ("FIRST", on(flag::FIRST)),
    ]))
}

/// One parameter's update: `param` and the present `states` (contiguous, `param`'s dtype and
/// shape, each in its own buffer), `grad` (contiguous, same dtype, not sharing their buffers),
/// option bits and the host coefficients.
pub fn update(algo: Algo, flags: u32, c: &[f64; NC], param: &Tensor, grad: &Tensor, states: [Option<&Tensor>; 3]) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    let dtype = param.dtype;
    super::map::check_dtype(&ctx, dtype, caps)?;
    let n = param.numel();
    if n == 0 {
        return Ok(());
    }
    let present: Vec<&Tensor> = states.iter().flatten().copied().collect();
    let bound: Vec<&Tensor> = [param, grad].into_iter().chain(present.iter().copied()).collect();
    for (a, x) in bound.iter().enumerate() {
        if bound[..a].iter().any(|y| y.same_storage(x)) {
            return Err(Error::NotImplemented(format!(
                "{} on wgpu: a parameter, its gradient and its state tensors must each have their own storage",
                algo.name()
            )));
        }
    }
    let key = format!("optim/{}/{}/{flags}", algo.name(), dtype.name());
    let p = pipeline(&ctx, &key, || source(algo, dtype, flags, caps))?;
    let mut offsets = [0usize; 3];
    for (o, s) in offsets.iter_mut().zip(&states) {
        *o = s.map(|t| t.layout.offset).unwrap_or(0);
    }
    let mut params = u32s([n, param.layout.offset, grad.layout.offset, offsets[0], offsets[1], offsets[2]])?;
    for &x in c {
        if val(dtype, caps) == dtypes::Val::F64 {
            let bits = x.to_bits();
            params.extend([bits as u32, (bits >> 32) as u32]);
        } else {
            params.push((x as f32).to_bits());
        }
    }
    let bufs: Vec<Bind> = bound.iter().map(|t| buffer(&ctx, t).map(Bind::from)).collect::<Result<_>>()?;
    dispatch_groups(&ctx, &p, &bufs, &params, n.div_ceil(WORKGROUP as usize))
}

/// Every module of the family (each algorithm, float dtype and option set), for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    let all = [flag::MAXIMIZE, flag::WEIGHT_DECAY, flag::DECOUPLED, flag::AMSGRAD, flag::NESTEROV, flag::MOMENTUM, flag::CENTERED];
    let mut out = vec![];
    for algo in Algo::ALL {
        for dtype in [DType::F32, DType::F64, DType::F16, DType::BF16] {
            let every = all.iter().fold(0, |a, b| a | b);
            for flags in [0, every, flag::MOMENTUM | flag::FIRST, flag::CENTERED, flag::MOMENTUM | flag::WEIGHT_DECAY] {
                if let Some(src) = source(algo, dtype, flags, caps) {
                    out.push((format!("{} {} flags {flags}", algo.name(), dtype.name()), src));
                }
            }
        }
    }
    out
}
