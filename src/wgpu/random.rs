//! Random fills on wgpu (`shaders/random.wgsl`): the CPU generator's streams, drawn on
//! the device. Uniform floats and integers are bit-identical to the CPU's; normal
//! samples compute Box-Muller in f32 (float64 ones in f64, with shaders/math_f64.wgsl),
//! within about 1e-6 (1e-15 in float64) of the CPU's result.

use super::dtypes::{self, convert, val, Caps, Val};
use super::launch::{buffer, Bind, dispatch, pipeline, u32s};
use super::template::{expand, with_helpers, WORKGROUP};
use crate::cpu::random::Stream;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::tensor::Tensor;

pub const RANDOM: &str = include_str!("../../shaders/random.wgsl");

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Draw {
    Uniform { lo: f64, hi: f64 },
    Normal { mean: f64, std: f64 },
    Int { lo: i64, hi: i64 },
}

fn source(kind: &str, d: DType, caps: Caps) -> String {
    let mut b = dtypes::output_decl("out", 0, d, caps);
    let mut k = 1;
    let mut f = dtypes::store_fn("store", "out", d, caps);
    let body = match kind {
        // 24 random bits for every float type but f64, as on the CPU.
        "uniform" => format!(
            "    let u = f32(draw(i).y >> 8u) * 5.9604644775390625e-8;\n    store(p[1] + i, {});",
            convert("bitcast<f32>(p[10]) + bitcast<f32>(p[11]) * u", Val::F32, d, caps)
        ),
        // 53 random bits, exact in f64; low and span in f64 (buffer `sc`).
        "uniform64" => {
            b.push_str(&format!("@group(0) @binding({k}) var<storage, read> sc: array<f64>;\n"));
            k += 1;
            "    let z = draw(i);\n    let m = f64(z.y >> 11u) * 4294967296.0 + f64((z.y << 21u) | (z.x >> 11u));\n    \
             store(p[1] + i, sc[0] + sc[1] * (m * 1.1102230246251565e-16));"
                .to_string()
        }
        // Box-Muller on draws 2i and 2i+1; 1 - u1 formed exactly in integers first.
        "normal" => format!(
            "    let m1 = e64_shr_u(draw(2u * i), 11u);\n    \
             let u1 = e64_to_f32_u(e64_sub(vec2<u32>(0u, 0x200000u), m1)) * 1.1102230246251565e-16;\n    \
             let u2 = e64_to_f32_u(e64_shr_u(draw(2u * i + 1u), 11u)) * 1.1102230246251565e-16;\n    \
             let z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);\n    store(p[1] + i, {});",
            convert("bitcast<f32>(p[10]) + bitcast<f32>(p[11]) * z", Val::F32, d, caps)
        ),
        // The CPU's f64 Box-Muller, with the f64 log and cos of shaders/math_f64.wgsl.
        "normal64" => {
            b.push_str(&format!("@group(0) @binding({k}) var<storage, read> sc: array<f64>;\n"));
            k += 1;
            "    let z1 = draw(2u * i);\n    let z2 = draw(2u * i + 1u);\n    \
             let u1 = 1.0 - (f64(z1.y >> 11u) * 4294967296.0 + f64((z1.y << 21u) | (z1.x >> 11u))) * 1.1102230246251565e-16;\n    \
             let u2 = (f64(z2.y >> 11u) * 4294967296.0 + f64((z2.y << 21u) | (z2.x >> 11u))) * 1.1102230246251565e-16;\n    \
             let z = sqrt(-2.0 * rt_log64(u1)) * rt_sincos64(6.283185307179586 * u2).y;\n    \
             store(p[1] + i, sc[0] + sc[1] * z);"
                .to_string()
        }
        _ => format!(
            "    let v = e64_add(vec2<u32>(p[8], p[9]), e64_mul_hi_u(draw(i), vec2<u32>(p[6], p[7])));\n    store(p[1] + i, {});",
            convert("v", Val::E64, d, caps)
        ),
    };
    let cv = if body.contains("sc[") { Val::F64 } else { Val::E64 };
    f.push_str(&with_helpers(&(f.clone() + &body + "e64_add(e64_mul(e64_xor(e64_shr_u(e64_from_u32("), cv));
    let wg = WORKGROUP.to_string();
    let _ = val;
    expand(RANDOM, &[("BINDINGS", &b), ("PBIND", &k.to_string()), ("FUNCTIONS", &f), ("BODY", &body), ("WG", &wg)])
}

/// Fills the contiguous wgpu tensor `t` from stream `s`.
pub fn fill(t: &Tensor, s: Stream, draw: Draw) -> Result<()> {
    let ctx = super::context()?;
    let caps = Caps::of(&ctx);
    super::map::check_dtype(&ctx, t.dtype, caps)?;
    let kind = match draw {
        Draw::Uniform { .. } if t.dtype == DType::F64 => "uniform64",
        Draw::Uniform { .. } => "uniform",
        Draw::Normal { .. } if t.dtype == DType::F64 => "normal64",
        Draw::Normal { .. } => "normal",
        Draw::Int { .. } => "int",
    };
    let key = format!("random/{kind}/{}", t.dtype.name());
    let p = pipeline(&ctx, &key, || Some(source(kind, t.dtype, caps)))?;
    let (key64, base) = s.parts();
    let mut params = vec![0u32; 12];
    params[..2].copy_from_slice(&u32s([t.numel(), t.layout.offset])?);
    params[2] = key64 as u32;
    params[3] = (key64 >> 32) as u32;
    params[4] = base as u32;
    params[5] = (base >> 32) as u32;
    let mut f64s = [0f64; 2];
    match draw {
        Draw::Uniform { lo, hi } => {
            params[10] = (lo as f32).to_bits();
            params[11] = ((hi - lo) as f32).to_bits();
            f64s = [lo, hi - lo];
        }
        Draw::Normal { mean, std } => {
            params[10] = (mean as f32).to_bits();
            params[11] = (std as f32).to_bits();
            f64s = [mean, std];
        }
        Draw::Int { lo, hi } => {
            let range = hi.wrapping_sub(lo) as u64;
            params[6] = range as u32;
            params[7] = (range >> 32) as u32;
            params[8] = lo as u64 as u32;
            params[9] = ((lo as u64) >> 32) as u32;
        }
    }
    let sc = if kind.ends_with("64") { Some(super::transfer::upload(&Tensor::from_slice(&f64s, &[2])?)?) } else { None };
    // A tensor larger than one storage binding is filled window by window, each window's
    // draws continuing the stream where the previous one stopped.
    let wb = t.storage().wgpu_buffer().ok_or_else(|| Error::runtime("expected a wgpu tensor"))?;
    let max_bind = ctx.limits.max_storage_buffer_binding_size as usize;
    let align = (ctx.limits.min_storage_buffer_offset_alignment as usize).max(4);
    let es = t.dtype.size();
    let draws = if matches!(draw, Draw::Normal { .. }) { 2 } else { 1 };
    let n = t.numel();
    let mut s0 = 0;
    while s0 < n || (n == 0 && s0 == 0) {
        let (len, bind, off) = if wb.capacity() <= max_bind {
            (n, Bind::from(wb.buffer()?), t.layout.offset)
        } else {
            let len = ((max_bind - align) / es).min(n - s0);
            let first = t.layout.offset + s0;
            let start = first * es / align * align;
            let size = (((first + len) * es - start).div_ceil(4) * 4).min(wb.capacity() - start);
            let bind = Bind { buffer: wb.buffer()?, offset: start as u64, size: std::num::NonZeroU64::new(size as u64) };
            (len, bind, first - start / es)
        };
        params[..2].copy_from_slice(&u32s([len, off])?);
        let b = base.wrapping_add((s0 * draws) as u64);
        params[4] = b as u32;
        params[5] = (b >> 32) as u32;
        let mut bufs = vec![bind];
        if let Some(sc) = &sc {
            bufs.push(buffer(&ctx, sc)?.into());
        }
        dispatch(&ctx, &p, &bufs, &params, len)?;
        s0 += len.max(1);
    }
    Ok(())
}

/// Every random module, for the tests.
#[cfg(test)]
pub fn test_sources(caps: Caps) -> Vec<(String, String)> {
    let mut out = vec![];
    for d in [DType::Bool, DType::U8, DType::I8, DType::I16, DType::I32, DType::I64, DType::F16, DType::BF16, DType::F32, DType::F64] {
        for kind in ["uniform", "normal", "int"] {
            out.push((format!("{kind} {}", d.name()), source(kind, d, caps)));
        }
    }
    out.push(("uniform64 float64".into(), source("uniform64", DType::F64, caps)));
    out.push(("normal64 float64".into(), source("normal64", DType::F64, caps)));
    out
}
