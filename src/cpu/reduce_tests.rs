//! Reduction kernels: layouts, accuracy, NaN and index semantics.

use super::*;

#[test]
fn float_sum_is_accurate() {
    let v: Vec<f32> = (0..1_000_003).map(|i| ((i % 1000) as f32) * 0.001).collect();
    let want: f64 = v.iter().map(|&x| x as f64).sum();
    let got = unsafe { float_sum(v.as_ptr(), v.len()) };
    assert!((got - want).abs() / want < 1e-6, "{got} vs {want}");
}

#[test]
fn reduces_rows_of_a_strided_view() {
    // 2x3 tensor, sum over dim 0 of its transpose == sum over dim 1.
    let t = Tensor::from_slice(&[1f32, 2., 3., 4., 5., 6.], &[2, 3]).unwrap();
    let tt = t.transpose(0, 1).unwrap();
    let rows = Rows::new(&tt, &[0]).unwrap();
    let out = Tensor::empty(&rows.kept_shape, crate::dtype::DType::F32, crate::storage::Device::Cpu).unwrap();
    rows.run::<f32, _>(&FloatSum::<f32>::new(Out(out.ptr().unwrap()), false)).unwrap();
    assert_eq!(out.to_vec::<f32>().unwrap(), vec![6.0, 15.0]);
}

#[test]
fn outer_reduction_without_copy() {
    // sum over dim 0 of a [50, 130] matrix: kept dim contiguous and wide -> outer path.
    let (n, m) = (50usize, 130usize);
    let data: Vec<f64> = (0..n * m).map(|i| (i % 17) as f64 - 3.0).collect();
    let t = Tensor::from_slice(&data, &[n, m]).unwrap();
    let rows = Rows::new(&t, &[0]).unwrap();
    assert!(rows.outer.is_some());
    assert!(rows.src.same_storage(&t)); // no copy
    let out = Tensor::empty(&rows.kept_shape, crate::dtype::DType::F64, crate::storage::Device::Cpu).unwrap();
    rows.run::<f64, _>(&FloatSum::<f64>::new(Out(out.ptr().unwrap()), false)).unwrap();
    let got = out.to_vec::<f64>().unwrap();
    for j in 0..m {
        let want: f64 = (0..n).map(|i| data[i * m + j]).sum();
        assert_eq!(got[j], want);
    }
    let idx = Tensor::empty(&rows.kept_shape, crate::dtype::DType::I64, crate::storage::Device::Cpu).unwrap();
    let e = Extremum { max: true, values: None, indices: Some(Out(idx.ptr().unwrap())) };
    rows.run::<f64, _>(&e).unwrap();
    let got = idx.to_vec::<i64>().unwrap();
    for j in 0..m {
        let col: Vec<f64> = (0..n).map(|i| data[i * m + j]).collect();
        let max = col.iter().cloned().fold(f64::MIN, f64::max);
        assert_eq!(got[j] as usize, col.iter().position(|&v| v == max).unwrap());
    }
}

#[test]
fn extremum_first_index_and_nan() {
    // The index is computed only when indices are wanted (the pointer is not written by `chunk`).
    let e = Extremum { max: true, values: None, indices: Some(Out(std::ptr::null_mut())) };
    let v = [1f32, 3., 3., 2.];
    assert_eq!(unsafe { Reducer::<f32>::chunk(&e, v.as_ptr(), 4, 0) }, (3.0, 1));
    let w = [1f32, f32::NAN, 5.];
    assert_eq!(unsafe { Reducer::<f32>::chunk(&e, w.as_ptr(), 3, 0) }.1, 1);
}

/// Runs `red_of(out)` over `x` reduced along `dims`, returning the outputs.
fn reduce_with<T: Element, O: Element, R: Reducer<T>>(x: &Tensor, dims: &[usize], dtype: crate::dtype::DType, red_of: impl Fn(Out) -> R) -> Vec<O> {
    let rows = Rows::new(x, dims).unwrap();
    let out = Tensor::empty(&rows.kept_shape, dtype, crate::storage::Device::Cpu).unwrap();
    rows.run::<T, R>(&red_of(Out(out.ptr().unwrap()))).unwrap();
    out.to_vec::<O>().unwrap()
}

#[test]
fn extrema_in_lanes_propagate_nan_and_keep_first_index() {
    use crate::dtype::DType;
    // 7 rows of 301 (lanes plus a tail), one NaN placed at a different spot per row.
    let (rows, cols) = (7usize, 301usize);
    let mut data: Vec<f32> = (0..rows * cols).map(|i| ((i * 37) % 101) as f32 - 50.0).collect();
    for r in 1..rows {
        data[r * cols + (r * 53) % cols] = f32::NAN;
    }
    let t = Tensor::from_slice(&data, &[rows, cols]).unwrap();
    for max in [true, false] {
        let vals: Vec<f32> = reduce_with::<f32, f32, _>(&t, &[1], DType::F32, |o| Extremum { max, values: Some(o), indices: None });
        let idx: Vec<i64> = reduce_with::<f32, i64, _>(&t, &[1], DType::I64, |o| Extremum { max, values: None, indices: Some(o) });
        for r in 0..rows {
            let row = &data[r * cols..(r + 1) * cols];
            let want = if let Some(p) = row.iter().position(|v| v.is_nan()) {
                p
            } else {
                let best = row.iter().cloned().fold(row[0], |a, v| if (max && v > a) || (!max && v < a) { v } else { a });
                row.iter().position(|&v| v == best).unwrap()
            };
            assert_eq!(idx[r] as usize, want, "row {r} max={max}");
            assert!(vals[r].to_bits() == row[want].to_bits(), "row {r}: {} vs {}", vals[r], row[want]);
        }
        // Over dim 0 (the outer path, values only): NaN columns give NaN.
        let cv: Vec<f32> = reduce_with::<f32, f32, _>(&t, &[0], DType::F32, |o| Extremum { max, values: Some(o), indices: None });
        for c in 0..cols {
            let col: Vec<f32> = (0..rows).map(|r| data[r * cols + c]).collect();
            if col.iter().any(|v| v.is_nan()) {
                assert!(cv[c].is_nan(), "column {c}");
            } else {
                let want = col.iter().cloned().fold(col[0], |a, v| if max { a.max(v) } else { a.min(v) });
                assert_eq!(cv[c], want, "column {c}");
            }
        }
    }
    // Integers in lanes, with the extreme at the very end.
    let ints: Vec<i32> = (0..1000).map(|i| (i % 97) - 40).chain([1000]).collect();
    let ti = Tensor::from_slice(&ints, &[ints.len()]).unwrap();
    let m: Vec<i32> = reduce_with::<i32, i32, _>(&ti, &[0], DType::I32, |o| Extremum { max: true, values: Some(o), indices: None });
    assert_eq!(m, vec![1000]);
}

#[test]
fn var_matches_float64_two_pass_on_both_paths() {
    use crate::dtype::DType;
    // An offset mean and a first element far from it: the shifted single pass must hold up.
    let (rows, cols) = (9usize, 1003usize);
    let data: Vec<f32> = (0..rows * cols).map(|i| 1000.0 + ((i * 7919) % 1013) as f32 * 0.01 + if i % cols == 0 { 50.0 } else { 0.0 }).collect();
    let reference = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() as f64 - 1.0)
    };
    let t = Tensor::from_slice(&data, &[rows, cols]).unwrap();
    let t64 = Tensor::from_slice(&data.iter().map(|&v| v as f64).collect::<Vec<_>>(), &[rows, cols]).unwrap();
    let by_row: Vec<f32> = reduce_with::<f32, f32, _>(&t, &[1], DType::F32, |o| Var::<f32>::new(o, 1.0, false));
    let by_row64: Vec<f64> = reduce_with::<f64, f64, _>(&t64, &[1], DType::F64, |o| Var::<f64>::new(o, 1.0, false));
    for r in 0..rows {
        let want = reference(&data[r * cols..(r + 1) * cols].iter().map(|&v| v as f64).collect::<Vec<_>>());
        assert!((by_row[r] as f64 - want).abs() <= want * 2e-7, "row {r}: {} vs {want}", by_row[r]);
        assert!((by_row64[r] - want).abs() <= want * 1e-12, "row {r}: {} vs {want}", by_row64[r]);
    }
    let by_col: Vec<f32> = reduce_with::<f32, f32, _>(&t, &[0], DType::F32, |o| Var::<f32>::new(o, 1.0, false));
    let by_col64: Vec<f64> = reduce_with::<f64, f64, _>(&t64, &[0], DType::F64, |o| Var::<f64>::new(o, 1.0, false));
    for c in 0..cols {
        let want = reference(&(0..rows).map(|r| data[r * cols + c] as f64).collect::<Vec<_>>());
        assert!((by_col[c] as f64 - want).abs() <= want * 2e-7 + 1e-12, "col {c}: {} vs {want}", by_col[c]);
        assert!((by_col64[c] - want).abs() <= want * 1e-12 + 1e-15, "col {c}: {} vs {want}", by_col64[c]);
    }
    // NaN and inf give NaN; a constant row gives exactly 0.
    let special = Tensor::from_slice(&[1f32, f32::NAN, 3., f32::INFINITY, 1., 2., 5., 5., 5.], &[3, 3]).unwrap();
    let v: Vec<f32> = reduce_with::<f32, f32, _>(&special, &[1], DType::F32, |o| Var::<f32>::new(o, 1.0, false));
    assert!(v[0].is_nan() && v[1].is_nan() && v[2] == 0.0, "{v:?}");
}
