//! Every module of the elementwise family, for every op and dtype, validated by naga
//! (with and without SHADER_INT64) and built as a pipeline on the device.

use super::dtypes::Caps;
use super::test_support::{build_on_device, validate_all};
use super::map::{expression, test_source, MapOp};
use crate::cpu::ternary::Ternary;
use crate::dtype::DType;
use crate::ops::{BinaryKind, BinaryOp, UnaryKind, UnaryOp};

const DTYPES: [DType; 10] = [
    DType::Bool, DType::U8, DType::I8, DType::I16, DType::I32, DType::I64, DType::F16, DType::BF16, DType::F32, DType::F64,
];

fn all_ops() -> Vec<MapOp> {
    let mut ops: Vec<MapOp> = UnaryOp::ALL.iter().map(|&u| MapOp::Unary(u)).collect();
    ops.extend(BinaryOp::ALL.iter().map(|&b| MapOp::Binary(b)));
    ops.extend([Ternary::Lerp, Ternary::Addcmul, Ternary::Addcdiv, Ternary::Clamp].map(MapOp::Ternary));
    ops.extend([MapOp::Where, MapOp::NanToNum, MapOp::Arange, MapOp::Linspace]);
    ops
}

fn result_dtype(op: MapOp, compute: DType) -> DType {
    match op {
        MapOp::Unary(u) if u.kind() == UnaryKind::Predicate => DType::Bool,
        MapOp::Binary(b) if matches!(b.kind(), BinaryKind::Compare | BinaryKind::Logical) => DType::Bool,
        _ => compute,
    }
}

/// (label, source) of every module: each op on each dtype with tensor operands, with a
/// Python-number last operand, and in place; every cast in both directions.
fn modules(caps: Caps) -> Vec<(String, String)> {
    let mut out = vec![];
    for op in all_ops() {
        for compute in DTYPES {
            if expression(op, compute, caps).is_none() {
                continue;
            }
            let res = result_dtype(op, compute);
            for variant in 0..3 {
                if let Some(src) = test_source(op, compute, res, variant, caps) {
                    out.push((format!("{} {} variant {variant}", op.name(), compute.name()), src));
                }
            }
        }
    }
    for from in DTYPES {
        for to in DTYPES {
            if let Some(src) = super::map::test_cast_source(from, to, caps) {
                out.push((format!("cast {} -> {}", from.name(), to.name()), src));
            }
        }
    }
    out
}

#[test]
fn every_map_module_validates_with_and_without_int64() {
    validate_all(modules, 1000);
}

#[test]
fn kernels_exist_for_every_op_and_dtype_the_cpu_computes() {
    let caps = Caps { int64: true, unroll: 1 };
    for op in all_ops().into_iter().filter(|op| !matches!(op, MapOp::Arange | MapOp::Linspace)) {
        for compute in DTYPES {
            let float_only = match op {
                MapOp::Unary(u) => u.kind() == UnaryKind::Float,
                MapOp::Binary(b) => b.kind() == BinaryKind::Float,
                MapOp::Ternary(t) => matches!(t, Ternary::Lerp | Ternary::Addcdiv),
                _ => false,
            };
            let int_only = matches!(op, MapOp::Unary(UnaryOp::BitwiseNot)) || matches!(op, MapOp::Binary(b) if b.kind() == BinaryKind::Bitwise);
            let expected = if float_only { compute.is_float() } else if int_only { !compute.is_float() } else { true };
            // f64 too: WGSL's f64 subset, the rest in software (shaders/math_f64.wgsl).
            if !expected {
                continue;
            }
            assert!(expression(op, compute, caps).is_some(), "no kernel: {} {}", op.name(), compute.name());
        }
    }
}

/// Every module becomes a pipeline on the real device (lavapipe in CI).
#[test]
fn every_map_module_builds_a_pipeline_on_the_device() {
    build_on_device(modules);
}

/// An op and dtype the templates do not serve: PyTorch's NotImplementedError wording, naming the
/// op and the device (no CPU fallback). Every public op has kernels, so this uses the internal
/// `linspace` kernel with an integer compute type.
#[test]
fn an_op_without_a_kernel_says_so() {
    if let Err(e) = crate::wgpu::context() {
        assert!(std::env::var("RUSTORCH_REQUIRE_WGPU").as_deref() != Ok("1"), "{e}");
        return;
    }
    let out = crate::tensor::Tensor::empty(&[3], DType::I32, crate::storage::Device::Wgpu(0)).unwrap();
    let e = super::map::run(MapOp::Linspace, &[], DType::I32, &[], &out).unwrap_err();
    assert!(matches!(e, crate::error::Error::NotImplemented(_)));
    assert_eq!(e.to_string(), "The operator 'linspace' is not currently implemented for the wgpu device.");
}
