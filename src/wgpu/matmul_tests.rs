//! The matrix-multiplication family: every module validated by naga (with and without
//! SHADER_INT64) and built on the device, then products on the device (lavapipe in CI) in every
//! blocking of both kernels (tiled, and subgroup where the adapter has subgroups) compared with
//! an f64 (or wrapping integer) reference computed here from the same inputs: odd sizes, K = 0
//! and 1, single rows and columns, transposed, sliced and batch-broadcast operands.

use super::matmul::{matmul, matmul_with, select, subgroup_lanes, test_sg_tiles, test_sources, Blocking, Switch, LARGE, LARGE_BK8, SMALL};
use super::matmul_subgroup::SgTile;
use super::test_support::{build_on_device, validate_all};
use crate::compute::to_dtype;
use crate::dtype::DType;
use crate::storage::Device;
use crate::tensor::Tensor;

#[test]
fn every_matmul_module_validates_with_and_without_int64() {
    validate_all(test_sources, 27);
}

#[test]
fn every_matmul_module_builds_a_pipeline_on_the_device() {
    build_on_device(test_sources);
}

/// False (the test passes vacuously) when no adapter opens, unless RUSTORCH_REQUIRE_WGPU=1.
fn have_device() -> bool {
    match crate::wgpu::context() {
        Ok(_) => true,
        Err(e) => {
            assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
            false
        }
    }
}

/// Deterministic values: floats in [-1, 1), integers over `lo..hi`.
fn numbers(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 11) as f64) / ((1u64 << 53) as f64)
        })
        .collect()
}

/// A CPU tensor of `d` with deterministic contents.
fn cpu_tensor(shape: &[usize], d: DType, seed: u64) -> Tensor {
    let n: usize = shape.iter().product();
    let u = numbers(n, seed);
    let t = match d {
        DType::F32 | DType::F16 | DType::BF16 => {
            let v: Vec<f32> = u.iter().map(|x| (2.0 * x - 1.0) as f32).collect();
            Tensor::from_slice(&v, shape).unwrap()
        }
        DType::F64 => Tensor::from_slice(&u.iter().map(|x| 2.0 * x - 1.0).collect::<Vec<f64>>(), shape).unwrap(),
        DType::U8 => Tensor::from_slice(&u.iter().map(|x| (x * 256.0) as u8).collect::<Vec<u8>>(), shape).unwrap(),
        DType::I8 => Tensor::from_slice(&u.iter().map(|x| (x * 256.0 - 128.0) as i8).collect::<Vec<i8>>(), shape).unwrap(),
        DType::I16 => Tensor::from_slice(&u.iter().map(|x| (x * 65536.0 - 32768.0) as i16).collect::<Vec<i16>>(), shape).unwrap(),
        // Large enough that sums of products wrap.
        DType::I32 => Tensor::from_slice(&u.iter().map(|x| (x * 4e6 - 2e6) as i32).collect::<Vec<i32>>(), shape).unwrap(),
        DType::I64 => Tensor::from_slice(&u.iter().map(|x| ((x * 2.0 - 1.0) * 9e18) as i64).collect::<Vec<i64>>(), shape).unwrap(),
        DType::Bool => Tensor::from_slice(&u.iter().map(|x| (*x > 0.5) as u8).collect::<Vec<u8>>(), shape).unwrap(),
    };
    to_dtype(&t, d).unwrap()
}

fn as_f64(t: &Tensor) -> Vec<f64> {
    to_dtype(&t.contiguous().unwrap(), DType::F64).unwrap().to_vec::<f64>().unwrap()
}

fn as_i64(t: &Tensor) -> Vec<i64> {
    to_dtype(&t.contiguous().unwrap(), DType::I64).unwrap().to_vec::<i64>().unwrap()
}

/// A view applied identically to the CPU and the device copies of a base tensor.
type View = fn(&Tensor) -> Tensor;

fn plain(t: &Tensor) -> Tensor {
    t.clone()
}

fn transposed(t: &Tensor) -> Tensor {
    t.transpose(1, 2).unwrap()
}

/// [B, R + 7, C + 9] -> [B, R, C] at offset (3, 5).
fn sliced(t: &Tensor) -> Tensor {
    let (r, c) = (t.shape()[1] - 7, t.shape()[2] - 9);
    t.narrow(1, 3, r as i64).unwrap().narrow(2, 5, c as i64).unwrap()
}

/// [B, R + 8, C + 8] -> [B, R, C] at offset (4, 4): 16-byte aligned rows (vec4 loads).
fn sliced4(t: &Tensor) -> Tensor {
    let (r, c) = (t.shape()[1] - 8, t.shape()[2] - 8);
    t.narrow(1, 4, r as i64).unwrap().narrow(2, 4, c as i64).unwrap()
}

/// [1, R, C] -> [3, R, C] (batch stride 0).
fn broadcast3(t: &Tensor) -> Tensor {
    let s = t.shape();
    t.expand(&[3, s[1] as i64, s[2] as i64]).unwrap()
}

struct Case {
    name: &'static str,
    a: (&'static [usize], View),
    b: (&'static [usize], View),
}

const CASES: &[Case] = &[
    Case { name: "1x1x1", a: (&[1, 1, 1], plain), b: (&[1, 1, 1], plain) },
    Case { name: "3x5 @ 5x2", a: (&[1, 3, 5], plain), b: (&[1, 5, 2], plain) },
    Case { name: "2 x 17x33 @ 33x9", a: (&[2, 17, 33], plain), b: (&[2, 33, 9], plain) },
    Case { name: "130x70 @ 70x129", a: (&[1, 130, 70], plain), b: (&[1, 70, 129], plain) },
    Case { name: "K = 0", a: (&[2, 4, 0], plain), b: (&[2, 0, 3], plain) },
    Case { name: "M = 1", a: (&[2, 1, 40], plain), b: (&[2, 40, 70], plain) },
    Case { name: "N = 1", a: (&[2, 70, 40], plain), b: (&[2, 40, 1], plain) },
    Case { name: "transposed a", a: (&[2, 33, 17], transposed), b: (&[2, 33, 9], plain) },
    Case { name: "transposed b", a: (&[2, 17, 33], plain), b: (&[2, 9, 33], transposed) },
    Case { name: "both transposed", a: (&[1, 45, 70], transposed), b: (&[1, 66, 45], transposed) },
    Case { name: "sliced a and b", a: (&[2, 37, 49], sliced), b: (&[2, 47, 30], sliced) },
    Case { name: "broadcast b", a: (&[3, 20, 30], plain), b: (&[1, 30, 25], broadcast3) },
    Case { name: "broadcast transposed a", a: (&[1, 30, 20], |t| broadcast3(&transposed(t))), b: (&[3, 30, 25], plain) },
    Case { name: "3 batches", a: (&[3, 65, 31], plain), b: (&[3, 31, 66], plain) },
    Case { name: "K = 1", a: (&[2, 37, 1], plain), b: (&[2, 1, 45], plain) },
    Case { name: "1x1 @ 1x150", a: (&[1, 1, 1], plain), b: (&[1, 1, 150], plain) },
    Case { name: "150x1 @ 1x1", a: (&[1, 150, 1], plain), b: (&[1, 1, 1], plain) },
    Case { name: "1x77 @ 77x1", a: (&[1, 1, 77], plain), b: (&[1, 77, 1], plain) },
    Case { name: "several blocks 257x19 @ 19x131", a: (&[1, 257, 19], plain), b: (&[1, 19, 131], plain) },
    Case { name: "broadcast a, transposed b", a: (&[1, 23, 41], broadcast3), b: (&[3, 29, 41], transposed) },
    // float32 operands read a vec4 per load where aligned: both, one of them, and with edges.
    Case { name: "vec4 2 x 130x72 @ 72x132", a: (&[2, 130, 72], plain), b: (&[2, 72, 132], plain) },
    Case { name: "vec4 sliced", a: (&[1, 139, 88], sliced4), b: (&[1, 88, 140], sliced4) },
    Case { name: "vec4 broadcast b", a: (&[3, 20, 32], plain), b: (&[1, 32, 28], broadcast3) },
    Case { name: "vec4 a only (N = 129)", a: (&[1, 129, 40], plain), b: (&[1, 40, 129], plain) },
    Case { name: "vec4 b only (transposed a)", a: (&[1, 48, 129], transposed), b: (&[1, 48, 136], plain) },
];

/// The reference out[b, i, j] in f64 and sum_k |a b| (the scale of rounding errors).
fn reference(a: &[f64], b: &[f64], (bs, m, k, n): (usize, usize, usize, usize)) -> (Vec<f64>, Vec<f64>) {
    let mut out = vec![0.0; bs * m * n];
    let mut mag = vec![0.0; bs * m * n];
    for z in 0..bs {
        for i in 0..m {
            for j in 0..n {
                let (mut s, mut g) = (0.0, 0.0);
                for l in 0..k {
                    let p = a[(z * m + i) * k + l] * b[(z * k + l) * n + j];
                    s += p;
                    g += p.abs();
                }
                out[(z * m + i) * n + j] = s;
                mag[(z * m + i) * n + j] = g;
            }
        }
    }
    (out, mag)
}

/// The exact product with wrapping 64-bit arithmetic (narrower dtypes: its low bits).
fn reference_int(a: &[i64], b: &[i64], (bs, m, k, n): (usize, usize, usize, usize)) -> Vec<i64> {
    let mut out = vec![0i64; bs * m * n];
    for z in 0..bs {
        for i in 0..m {
            for j in 0..n {
                let mut s = 0i64;
                for l in 0..k {
                    s = s.wrapping_add(a[(z * m + i) * k + l].wrapping_mul(b[(z * k + l) * n + j]));
                }
                out[(z * m + i) * n + j] = s;
            }
        }
    }
    out
}

/// The stored value of a wrapped integer product in `d`.
fn wrap(v: i64, d: DType) -> i64 {
    match d {
        DType::U8 => v as u8 as i64,
        DType::I8 => v as i8 as i64,
        DType::I16 => v as i16 as i64,
        DType::I32 => v as i32 as i64,
        _ => v,
    }
}

/// Runs every case in `d` with `tile` (None: the automatic choice), checking each result.
fn check(d: DType, tile: Option<Blocking>) {
    for (ci, case) in CASES.iter().enumerate() {
        let base_a = cpu_tensor(case.a.0, d, 2 * ci as u64 + 1);
        let base_b = cpu_tensor(case.b.0, d, 2 * ci as u64 + 2);
        let (ca, cb) = (case.a.1(&base_a), case.b.1(&base_b));
        let dev = |t: &Tensor| crate::wgpu::transfer::upload(t).unwrap();
        let (ga, gb) = (case.a.1(&dev(&base_a)), case.b.1(&dev(&base_b)));
        assert_eq!(ga.layout.strides, ca.layout.strides, "{}: views differ", case.name);
        let dims = (ca.shape()[0], ca.shape()[1], ca.shape()[2], cb.shape()[2]);
        let out = Tensor::empty(&[dims.0, dims.1, dims.3], d, Device::Wgpu(0)).unwrap();
        // A product of zeros must overwrite whatever the pooled buffer held.
        crate::compute::fill_raw(&out, crate::dtype::Scalar::Int(7)).unwrap();
        match tile {
            Some(t) => matmul_with(&ga, &gb, &out, t),
            None => matmul(&ga, &gb, &out),
        }
        .unwrap_or_else(|e| panic!("{} {} {tile:?}: {e}", case.name, d.name()));
        let host = crate::wgpu::transfer::download(&out).unwrap();
        let label = format!("{} {} {tile:?}", case.name, d.name());
        if d.is_float() {
            let (want, mag) = reference(&as_f64(&ca), &as_f64(&cb), dims);
            let got = as_f64(&host);
            // Rounding of the result to the dtype, then accumulation error (rtol scaled by K).
            let (out_eps, acc) = match d {
                DType::F16 => (4.9e-4, 1e-5),
                DType::BF16 => (3.9e-3, 1e-5),
                DType::F64 => (0.0, 1e-13),
                _ => (0.0, 1e-5),
            };
            let k = dims.2.max(1) as f64;
            for (i, ((g, w), s)) in got.iter().zip(&want).zip(&mag).enumerate() {
                let tol = out_eps * w.abs() + acc * k * s + 1e-7;
                assert!((g - w).abs() <= tol, "{label}: element {i}: got {g}, expected {w} (tolerance {tol})");
            }
        } else {
            let want: Vec<i64> = reference_int(&as_i64(&ca), &as_i64(&cb), dims).into_iter().map(|v| wrap(v, d)).collect();
            assert_eq!(as_i64(&host), want, "{label}");
        }
    }
}

fn check_all_tiles(d: DType) {
    if !have_device() {
        return;
    }
    if d == DType::F64 && !crate::wgpu::context().unwrap().features.contains(wgpu::Features::SHADER_F64) {
        let t = Tensor::empty(&[1, 2, 2], d, Device::Wgpu(0)).unwrap();
        let e = matmul(&t, &t, &t).unwrap_err();
        assert!(matches!(e, crate::error::Error::Type(_)), "{e}");
        return;
    }
    for tile in [SMALL, LARGE, LARGE_BK8] {
        check(d, Some(Blocking::Tiled(tile)));
    }
    check(d, None);
}

#[test]
fn f32_products_match_the_reference() {
    check_all_tiles(DType::F32);
}

#[test]
fn f16_and_bf16_products_match_the_reference() {
    check_all_tiles(DType::F16);
    check_all_tiles(DType::BF16);
}

#[test]
fn f64_products_match_the_reference() {
    check_all_tiles(DType::F64);
}

#[test]
fn integer_products_wrap_like_the_cpu() {
    for d in [DType::I32, DType::U8, DType::I8, DType::I16, DType::I64] {
        check_all_tiles(d);
    }
}

#[test]
fn bool_products_are_not_implemented() {
    if !have_device() {
        return;
    }
    let t = Tensor::empty(&[1, 2, 2], DType::Bool, Device::Wgpu(0)).unwrap();
    let e = matmul(&t, &t, &t).unwrap_err();
    assert_eq!(e.to_string(), "\"addmm_impl_cpu_\" not implemented for 'Bool'");
}

#[test]
fn vec4_loads_are_taken_where_aligned() {
    // The vec4 cases above must really take the vec4 paths (else they would test nothing new).
    let want = [(true, true), (true, true), (true, true), (true, false), (false, true)];
    let cases: Vec<&Case> = CASES.iter().filter(|c| c.name.starts_with("vec4")).collect();
    assert_eq!(cases.len(), want.len());
    for (case, (wa, wb)) in cases.iter().zip(want) {
        let (a, b) = (case.a.1(&cpu_tensor(case.a.0, DType::F32, 1)), case.b.1(&cpu_tensor(case.b.0, DType::F32, 2)));
        for tile in [LARGE, LARGE_BK8] {
            let v = crate::wgpu::matmul::vec4_loads(&a, &b, tile, true, true);
            assert_eq!((v.a, v.b), (wa, wb), "{} {tile:?}", case.name);
            // The subgroup kernel reads b the same way (a goes to registers value by value).
            for g in [8, 32] {
                let v = crate::wgpu::matmul::vec4_loads(&a, &b, SgTile::like(tile, g, true).tile(), false, true);
                assert_eq!((v.a, v.b), (false, wb), "{} {tile:?} subgroup", case.name);
            }
        }
        let half = to_dtype(&a, DType::F16).unwrap();
        assert_eq!(crate::wgpu::matmul::vec4_loads(&half, &to_dtype(&b, DType::F16).unwrap(), LARGE, true, true), Default::default());
    }
}

/// The subgroup blockings this adapter can run: groups no larger than its smallest subgroup,
/// and whole-subgroup groups only where its subgroups have exactly that size.
fn runnable_sg_tiles() -> Vec<SgTile> {
    let Ok(ctx) = crate::wgpu::context() else { return vec![] };
    let Some((lo, fixed)) = subgroup_lanes(&ctx) else { return vec![] };
    test_sg_tiles().into_iter().filter(|t| t.g <= lo && (!t.whole || (fixed && t.g == lo))).collect()
}

/// Every case in `d` with the subgroup blockings the adapter can run: all of them in float32;
/// in other dtypes the tiled kernel's two K steps of 8 with broadcasts from whole subgroups and
/// with shuffles in two rows of lanes inside parts of subgroups (value types and conversions are
/// what changes with the dtype).
fn check_subgroup(d: DType) {
    if !have_device() {
        return;
    }
    let f64_ok = crate::wgpu::context().unwrap().features.contains(wgpu::Features::SHADER_F64);
    if d == DType::F64 && !f64_ok {
        return;
    }
    let tiles = runnable_sg_tiles();
    assert!(tiles.is_empty() || tiles.iter().any(|t| t.whole), "{tiles:?}");
    for t in tiles {
        let some = (t.bk == 8 && t.whole && t.gx == t.g) || (t.tm == 4 && !t.whole && t.gx < t.g);
        if d == DType::F32 || some {
            check(d, Some(Blocking::Subgroup(t)));
        }
    }
}

#[test]
fn lavapipe_has_subgroups_of_eight_lanes() {
    if !have_device() {
        return;
    }
    let ctx = crate::wgpu::context().unwrap();
    if !(ctx.info.name.contains("llvmpipe") && ctx.info.name.contains("256 bits")) {
        return;
    }
    // lavapipe on 256-bit vectors (Mesa 22.3 in CI): SUBGROUP, subgroups of exactly 8 lanes.
    assert!(ctx.features.contains(wgpu::Features::SUBGROUP));
    assert_eq!((ctx.info.subgroup_min_size, ctx.info.subgroup_max_size), (8, 8));
    assert_eq!(subgroup_lanes(&ctx), Some((8, true)));
    // Broadcasts (one row of lanes), shuffles (two rows), and groups smaller than a subgroup.
    assert_eq!(runnable_sg_tiles().len(), 12);
}

#[test]
fn subgroup_f32_products_match_the_reference() {
    check_subgroup(DType::F32);
}

#[test]
fn subgroup_f16_bf16_f64_products_match_the_reference() {
    for d in [DType::F16, DType::BF16, DType::F64] {
        check_subgroup(d);
    }
}

#[test]
fn subgroup_integer_products_wrap_like_the_cpu() {
    for d in [DType::I32, DType::U8, DType::I8, DType::I16] {
        check_subgroup(d);
    }
}

#[test]
fn subgroup_kernel_is_selected_where_it_can_run() {
    if !have_device() {
        return;
    }
    let ctx = crate::wgpu::context().unwrap();
    let caps = crate::wgpu::dtypes::Caps::of(&ctx);
    let Some((g, _)) = subgroup_lanes(&ctx) else {
        // Without subgroups every switch gives the tiled kernel.
        let (a, b) = (cpu_tensor(&[1, 4, 4], DType::F32, 1), cpu_tensor(&[1, 4, 4], DType::F32, 2));
        assert!(matches!(select(&ctx, &a, &b, caps, Switch::On), Blocking::Tiled(_)));
        return;
    };
    let cpu_adapter = ctx.info.device_type == wgpu::DeviceType::Cpu;
    for case in CASES {
        for d in [DType::F32, DType::F16, DType::BF16, DType::F64, DType::I32, DType::I8, DType::U8, DType::I64] {
            let (a, b) = (case.a.1(&cpu_tensor(case.a.0, d, 1)), case.b.1(&cpu_tensor(case.b.0, d, 2)));
            let on = select(&ctx, &a, &b, caps, Switch::On);
            let label = format!("{} {}", case.name, d.name());
            if d == DType::I64 {
                assert!(matches!(on, Blocking::Tiled(_)), "{label}: int64 stays on the tiled kernel");
            } else {
                let Blocking::Subgroup(t) = on else { panic!("{label}: {on:?}") };
                assert_eq!(t.g, g, "{label}");
            }
            assert!(matches!(select(&ctx, &a, &b, caps, Switch::Off), Blocking::Tiled(_)), "{label}");
            // Auto: on the CPU adapter, every served product.
            let auto = matches!(select(&ctx, &a, &b, caps, Switch::Auto), Blocking::Subgroup(_));
            if cpu_adapter {
                assert_eq!(auto, d != DType::I64, "{label}");
            }
        }
    }
    // matmul itself compiles and runs the subgroup pipeline under Auto on the CPU adapter.
    if cpu_adapter && Switch::from_env() == Switch::Auto {
        let dev = |t: &Tensor| crate::wgpu::transfer::upload(t).unwrap();
        let (a, b) = (dev(&cpu_tensor(&[1, 9, 13], DType::F32, 3)), dev(&cpu_tensor(&[1, 13, 11], DType::F32, 4)));
        let out = Tensor::empty(&[1, 9, 11], DType::F32, Device::Wgpu(0)).unwrap();
        matmul(&a, &b, &out).unwrap();
        let keys = ctx.pipelines.lock().unwrap();
        assert!(keys.keys().any(|k| k.starts_with("matmul_subgroup/F32/")), "{:?}", keys.keys().collect::<Vec<_>>());
    }
}
