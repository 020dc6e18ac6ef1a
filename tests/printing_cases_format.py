"""Print cases captured from PyTorch 2.15 (see test_printing.py): number formatting, 0-d tensors,
dtypes, integers, line wrapping, empty tensors, autograd and device suffixes, print options."""

import math  # noqa: F401  (used by some cases)

import numpy as np
import pytest


def case(case_id, make, dtype, kwargs, options, expected):
    """One torch-captured case: values factory, dtype, format_tensor kwargs,
    set_printoptions kwargs, expected text."""
    return pytest.param(make, dtype, kwargs, options, expected, id=case_id)


FORMAT_CASES = [
    # --- float32 number formatting
    case('f32_whole', lambda: np.array([1.0, 2.0, 3.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([1., 2., 3.])'),
    case('f32_fraction', lambda: np.array([1.5, -2.25, 3.125], dtype=np.float32),
         'float32', {}, {},
         'tensor([ 1.5000, -2.2500,  3.1250])'),
    case('f32_rounding', lambda: np.array([0.1, 0.123456, 1 / 3, 2 / 3], dtype=np.float32),
         'float32', {}, {},
         'tensor([0.1000, 0.1235, 0.3333, 0.6667])'),
    case('f32_right_align', lambda: np.array([-123.5, 2.25, 0.5], dtype=np.float32),
         'float32', {}, {},
         'tensor([-123.5000,    2.2500,    0.5000])'),
    case('f32_whole_align', lambda: np.array([-100.0, 5.0, 42.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([-100.,    5.,   42.])'),
    case('f32_ratio_1000_fixed', lambda: np.array([0.001, 1.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([0.0010, 1.0000])'),
    case('f32_ratio_sci', lambda: np.array([0.001, 10.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([1.0000e-03, 1.0000e+01])'),
    case('f32_small_sci', lambda: np.array([1e-5, 1.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([1.0000e-05, 1.0000e+00])'),
    case('f32_tiny_alone_sci', lambda: np.array([5e-5], dtype=np.float32),
         'float32', {}, {},
         'tensor([5.0000e-05])'),
    case('f32_large_sci', lambda: np.array([-1e10, 1.5], dtype=np.float32),
         'float32', {}, {},
         'tensor([-1.0000e+10,  1.5000e+00])'),
    case('f32_whole_ratio_sci', lambda: np.array([1.0, 1001.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([1.0000e+00, 1.0010e+03])'),
    case('f32_whole_1e8_fixed', lambda: np.array([1e8], dtype=np.float32),
         'float32', {}, {},
         'tensor([100000000.])'),
    case('f32_whole_above_1e8_sci', lambda: np.array([2e8, 3e8], dtype=np.float32),
         'float32', {}, {},
         'tensor([2.0000e+08, 3.0000e+08])'),
    case('f32_whole_small_not_sci', lambda: np.array([1.0, 1000.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([   1., 1000.])'),
    case('f32_nan_inf', lambda: np.array([np.nan, np.inf, -np.inf, 1.5], dtype=np.float32),
         'float32', {}, {},
         'tensor([   nan,    inf,   -inf, 1.5000])'),
    case('f32_nan_with_whole', lambda: np.array([np.nan, 1.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([nan, 1.])'),
    case('f32_all_nan', lambda: np.array([np.nan, np.nan], dtype=np.float32),
         'float32', {}, {},
         'tensor([nan, nan])'),
    case('f32_inf_and_zero', lambda: np.array([0.0, np.inf, -np.inf], dtype=np.float32),
         'float32', {}, {},
         'tensor([0., inf, -inf])'),
    case('f32_sci_with_nan', lambda: np.array([1e-5, np.nan, -np.inf, 3.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([1.0000e-05,        nan,       -inf, 3.0000e+00])'),
    case('f32_neg_zero_whole', lambda: np.array([-0.0, 1.0], dtype=np.float32),
         'float32', {}, {},
         'tensor([-0., 1.])'),
    case('f32_neg_zero_fraction', lambda: np.array([-0.0, 0.5], dtype=np.float32),
         'float32', {}, {},
         'tensor([-0.0000, 0.5000])'),
    case('f32_zeros', lambda: np.zeros(3, dtype=np.float32),
         'float32', {}, {},
         'tensor([0., 0., 0.])'),
    case('f32_2d', lambda: (np.arange(6, dtype=np.float32) / 4).reshape(2, 3),
         'float32', {}, {},
         'tensor([[0.0000, 0.2500, 0.5000],\n'
         '        [0.7500, 1.0000, 1.2500]])'),
    case('f32_3d', lambda: np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 12,
         'float32', {}, {},
         'tensor([[[-12., -11., -10.,  -9.],\n'
         '         [ -8.,  -7.,  -6.,  -5.],\n'
         '         [ -4.,  -3.,  -2.,  -1.]],\n'
         '\n'
         '        [[  0.,   1.,   2.,   3.],\n'
         '         [  4.,   5.,   6.,   7.],\n'
         '         [  8.,   9.,  10.,  11.]]])'),
    case('f32_4d', lambda: np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2) * 0.5,
         'float32', {}, {},
         'tensor([[[[0.0000, 0.5000],\n'
         '          [1.0000, 1.5000]],\n'
         '\n'
         '         [[2.0000, 2.5000],\n'
         '          [3.0000, 3.5000]]],\n'
         '\n'
         '\n'
         '        [[[4.0000, 4.5000],\n'
         '          [5.0000, 5.5000]],\n'
         '\n'
         '         [[6.0000, 6.5000],\n'
         '          [7.0000, 7.5000]]]])'),
    case('f32_transposed_view', lambda: np.arange(6, dtype=np.float32).reshape(2, 3).T,
         'float32', {}, {},
         'tensor([[0., 3.],\n'
         '        [1., 4.],\n'
         '        [2., 5.]])'),
    case('f32_round_up_width', lambda: np.array([9.99995, 0.5], dtype=np.float64),
         'float64', {}, {},
         'tensor([10.0000,  0.5000], dtype=rustorch.float64)'),
    case('f32_column', lambda: np.array([[1.5], [-2.0], [30.0]], dtype=np.float32),
         'float32', {}, {},
         'tensor([[ 1.5000],\n'
         '        [-2.0000],\n'
         '        [30.0000]])'),
    # --- 0-d tensors
    case('scalar_f32', lambda: np.array(3.5, dtype=np.float32),
         'float32', {}, {},
         'tensor(3.5000)'),
    case('scalar_f32_whole', lambda: np.array(2.0, dtype=np.float32),
         'float32', {}, {},
         'tensor(2.)'),
    case('scalar_f32_zero', lambda: np.array(0.0, dtype=np.float32),
         'float32', {}, {},
         'tensor(0.)'),
    case('scalar_f32_neg_zero', lambda: np.array(-0.0, dtype=np.float32),
         'float32', {}, {},
         'tensor(-0.)'),
    case('scalar_f32_nan', lambda: np.array(np.nan, dtype=np.float32),
         'float32', {}, {},
         'tensor(nan)'),
    case('scalar_f32_sci', lambda: np.array(1.25e-7, dtype=np.float32),
         'float32', {}, {},
         'tensor(1.2500e-07)'),
    case('scalar_f64', lambda: np.array(2.5, dtype=np.float64),
         'float64', {}, {},
         'tensor(2.5000, dtype=rustorch.float64)'),
    case('scalar_int64', lambda: np.array(3, dtype=np.int64),
         'int64', {}, {},
         'tensor(3)'),
    case('scalar_int32', lambda: np.array(-7, dtype=np.int32),
         'int32', {}, {},
         'tensor(-7, dtype=rustorch.int32)'),
    case('scalar_bool', lambda: np.array(True),
         'bool', {}, {},
         'tensor(True)'),
    # --- float64 / float16 / bfloat16
    case('f64_vector', lambda: np.array([1.5, 2.0, -0.25], dtype=np.float64),
         'float64', {}, {},
         'tensor([ 1.5000,  2.0000, -0.2500], dtype=rustorch.float64)'),
    case('f64_whole', lambda: np.array([1.0, 2.0], dtype=np.float64),
         'float64', {}, {},
         'tensor([1., 2.], dtype=rustorch.float64)'),
    case('f64_sci', lambda: np.array([1e-300, 1e300], dtype=np.float64),
         'float64', {}, {},
         'tensor([1.0000e-300, 1.0000e+300], dtype=rustorch.float64)'),
    case('f16_vector', lambda: np.array([0.1, 1.5, 65504.0], dtype=np.float16),
         'float16', {}, {},
         'tensor([9.9976e-02, 1.5000e+00, 6.5504e+04], dtype=rustorch.float16)'),
    case('f16_rounded', lambda: np.array([0.1, 0.2, 0.3], dtype=np.float16),
         'float16', {}, {},
         'tensor([0.1000, 0.2000, 0.3000], dtype=rustorch.float16)'),
    case('f16_whole_inf', lambda: np.array([1.0, 2.0, np.inf], dtype=np.float16),
         'float16', {}, {},
         'tensor([1., 2., inf], dtype=rustorch.float16)'),
    case('bf16_vector', lambda: np.array([3.140625, -0.10009765625, 256.0], dtype=np.float32),
         'bfloat16', {}, {},
         'tensor([ 3.1406e+00, -1.0010e-01,  2.5600e+02], dtype=rustorch.bfloat16)'),
    case('bf16_whole', lambda: np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
         'bfloat16', {}, {},
         'tensor([[1., 2.],\n'
         '        [3., 4.]], dtype=rustorch.bfloat16)'),
    case('bf16_scalar', lambda: np.array(0.333984375, dtype=np.float32),
         'bfloat16', {}, {},
         'tensor(0.3340, dtype=rustorch.bfloat16)'),
    # --- integers and bools
    case('int64_vector', lambda: np.array([1, -20, 300], dtype=np.int64),
         'int64', {}, {},
         'tensor([  1, -20, 300])'),
    case('int64_2d', lambda: np.array([[1, 2], [3, 4]], dtype=np.int64),
         'int64', {}, {},
         'tensor([[1, 2],\n'
         '        [3, 4]])'),
    case('int32_2d', lambda: np.array([[1, 2], [3, 4]], dtype=np.int32),
         'int32', {}, {},
         'tensor([[1, 2],\n'
         '        [3, 4]], dtype=rustorch.int32)'),
    case('int32_3d', lambda: np.arange(-6, 6, dtype=np.int32).reshape(2, 3, 2),
         'int32', {}, {},
         'tensor([[[-6, -5],\n'
         '         [-4, -3],\n'
         '         [-2, -1]],\n'
         '\n'
         '        [[ 0,  1],\n'
         '         [ 2,  3],\n'
         '         [ 4,  5]]], dtype=rustorch.int32)'),
    case('int16_vector', lambda: np.array([-32768, 0, 32767], dtype=np.int16),
         'int16', {}, {},
         'tensor([-32768,      0,  32767], dtype=rustorch.int16)'),
    case('int8_vector', lambda: np.array([-128, 5, 127], dtype=np.int8),
         'int8', {}, {},
         'tensor([-128,    5,  127], dtype=rustorch.int8)'),
    case('uint8_vector', lambda: np.array([0, 7, 255], dtype=np.uint8),
         'uint8', {}, {},
         'tensor([  0,   7, 255], dtype=rustorch.uint8)'),
    case('int64_never_sci', lambda: np.array([1, 10**12], dtype=np.int64),
         'int64', {}, {},
         'tensor([            1, 1000000000000])'),
    case('int64_huge', lambda: np.array([2**62, -1], dtype=np.int64),
         'int64', {}, {},
         'tensor([4611686018427387904,                  -1])'),
    case('bool_vector', lambda: np.array([True, False, True]),
         'bool', {}, {},
         'tensor([ True, False,  True])'),
    case('bool_2d', lambda: np.array([[True, True], [False, True]]),
         'bool', {}, {},
         'tensor([[ True,  True],\n'
         '        [False,  True]])'),
    case('bool_all_true', lambda: np.array([True, True]),
         'bool', {}, {},
         'tensor([True, True])'),
    # --- line wrapping at linewidth
    case('wrap_f32', lambda: np.arange(30, dtype=np.float32),
         'float32', {}, {},
         'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
         '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
         '        28., 29.])'),
    case('wrap_f32_fraction', lambda: np.arange(25, dtype=np.float32) / 3,
         'float32', {}, {},
         'tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n'
         '        3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n'
         '        6.0000, 6.3333, 6.6667, 7.0000, 7.3333, 7.6667, 8.0000])'),
    case('wrap_int', lambda: np.arange(0, 4000, 97, dtype=np.int64),
         'int64', {}, {},
         'tensor([   0,   97,  194,  291,  388,  485,  582,  679,  776,  873,  970, 1067,\n'
         '        1164, 1261, 1358, 1455, 1552, 1649, 1746, 1843, 1940, 2037, 2134, 2231,\n'
         '        2328, 2425, 2522, 2619, 2716, 2813, 2910, 3007, 3104, 3201, 3298, 3395,\n'
         '        3492, 3589, 3686, 3783, 3880, 3977])'),
    case('wrap_sci', lambda: np.logspace(-6, 6, 13).astype(np.float32),
         'float32', {}, {},
         'tensor([1.0000e-06, 1.0000e-05, 1.0000e-04, 1.0000e-03, 1.0000e-02, 1.0000e-01,\n'
         '        1.0000e+00, 1.0000e+01, 1.0000e+02, 1.0000e+03, 1.0000e+04, 1.0000e+05,\n'
         '        1.0000e+06])'),
    case('wrap_2d_rows', lambda: np.arange(60, dtype=np.float32).reshape(2, 30),
         'float32', {}, {},
         'tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
         '         14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
         '         28., 29.],\n'
         '        [30., 31., 32., 33., 34., 35., 36., 37., 38., 39., 40., 41., 42., 43.,\n'
         '         44., 45., 46., 47., 48., 49., 50., 51., 52., 53., 54., 55., 56., 57.,\n'
         '         58., 59.]])'),
    case('wrap_3d_rows', lambda: np.arange(52, dtype=np.int32).reshape(2, 1, 26) * 1000,
         'int32', {}, {},
         'tensor([[[    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n'
         '          10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000,\n'
         '          20000, 21000, 22000, 23000, 24000, 25000]],\n'
         '\n'
         '        [[26000, 27000, 28000, 29000, 30000, 31000, 32000, 33000, 34000, 35000,\n'
         '          36000, 37000, 38000, 39000, 40000, 41000, 42000, 43000, 44000, 45000,\n'
         '          46000, 47000, 48000, 49000, 50000, 51000]]], dtype=rustorch.int32)'),
    case('wrap_f64_suffix', lambda: np.arange(16, dtype=np.float64) * 1.5,
         'float64', {}, {},
         'tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n'
         '        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000],\n'
         '       dtype=rustorch.float64)'),
    case('wrap_long_suffix_newline', lambda: np.arange(12, dtype=np.float64) + 0.5,
         'float64', {'requires_grad': True}, {},
         'tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n'
         '         8.5000,  9.5000, 10.5000, 11.5000], dtype=rustorch.float64,\n'
         '       requires_grad=True)'),
    # --- empty tensors
    case('empty_f32', lambda: np.zeros(0, dtype=np.float32),
         'float32', {}, {},
         'tensor([])'),
    case('empty_f32_2d', lambda: np.zeros((0, 3), dtype=np.float32),
         'float32', {}, {},
         'tensor([], size=(0, 3))'),
    case('empty_int64', lambda: np.zeros(0, dtype=np.int64),
         'int64', {}, {},
         'tensor([], dtype=rustorch.int64)'),
    case('empty_int32', lambda: np.zeros(0, dtype=np.int32),
         'int32', {}, {},
         'tensor([], dtype=rustorch.int32)'),
    case('empty_bool_2d', lambda: np.zeros((0, 3), dtype=bool),
         'bool', {}, {},
         'tensor([], size=(0, 3), dtype=rustorch.bool)'),
    case('empty_f64_2d', lambda: np.zeros((2, 0), dtype=np.float64),
         'float64', {}, {},
         'tensor([], size=(2, 0), dtype=rustorch.float64)'),
    case('empty_3d_int8', lambda: np.zeros((2, 0, 3), dtype=np.int8),
         'int8', {}, {},
         'tensor([], size=(2, 0, 3), dtype=rustorch.int8)'),
    case('empty_requires_grad', lambda: np.zeros((0, 2), dtype=np.float32),
         'float32', {'requires_grad': True}, {},
         'tensor([], size=(0, 2), requires_grad=True)'),
    # --- autograd suffixes
    case('requires_grad', lambda: np.array([1.0, 2.0], dtype=np.float32),
         'float32', {'requires_grad': True}, {},
         'tensor([1., 2.], requires_grad=True)'),
    case('requires_grad_f64', lambda: np.array([1.0, 2.5], dtype=np.float64),
         'float64', {'requires_grad': True}, {},
         'tensor([1.0000, 2.5000], dtype=rustorch.float64, requires_grad=True)'),
    case('grad_fn', lambda: np.array([0.0, 2.0, 4.0], dtype=np.float32),
         'float32', {'grad_fn_name': 'MulBackward0'}, {},
         'tensor([0., 2., 4.], grad_fn=<MulBackward0>)'),
    case('grad_fn_scalar', lambda: np.array(3.0, dtype=np.float32),
         'float32', {'grad_fn_name': 'MulBackward0'}, {},
         'tensor(3., grad_fn=<MulBackward0>)'),
    case('grad_fn_f16_2d', lambda: np.array([[0.5, 1.0], [1.5, 2.0]], dtype=np.float16),
         'float16', {'grad_fn_name': 'MulBackward0'}, {},
         'tensor([[0.5000, 1.0000],\n'
         '        [1.5000, 2.0000]], dtype=rustorch.float16, grad_fn=<MulBackward0>)'),
    # --- device suffix (captured from torch with device='cuda:0', renamed)
    case('device_f32', lambda: np.array([1.0, 2.0], dtype=np.float32),
         'float32', {'device': 'wgpu:0'}, {},
         "tensor([1., 2.], device='wgpu:0')"),
    case('device_int32', lambda: np.array([1, 2], dtype=np.int32),
         'int32', {'device': 'wgpu:0'}, {},
         "tensor([1, 2], device='wgpu:0', dtype=rustorch.int32)"),
    case('device_empty', lambda: np.zeros((0, 3), dtype=np.float32),
         'float32', {'device': 'wgpu:0'}, {},
         "tensor([], device='wgpu:0', size=(0, 3))"),
    case('device_scalar_f64', lambda: np.array(2.5, dtype=np.float64),
         'float64', {'device': 'wgpu:0'}, {},
         "tensor(2.5000, device='wgpu:0', dtype=rustorch.float64)"),
    case('device_requires_grad', lambda: np.array([1.0, 2.0], dtype=np.float64),
         'float64', {'device': 'wgpu:0', 'requires_grad': True}, {},
         "tensor([1., 2.], device='wgpu:0', dtype=rustorch.float64, requires_grad=True)"),
    case('device_cpu_index', lambda: np.array([1.0, 2.0], dtype=np.float32),
         'float32', {'device': 'cpu'}, {},
         'tensor([1., 2.])'),
    # --- print options
    case('opt_precision_2', lambda: np.array([1.23456, 2.5, -0.005], dtype=np.float32),
         'float32', {}, {'precision': 2},
         'tensor([ 1.23,  2.50, -0.00])'),
    case('opt_precision_8_f64', lambda: np.array(1 / 3, dtype=np.float64),
         'float64', {}, {'precision': 8},
         'tensor(0.33333333, dtype=rustorch.float64)'),
    case('opt_precision_0', lambda: np.array([1.5, 2.25], dtype=np.float32),
         'float32', {}, {'precision': 0},
         'tensor([2, 2])'),
    case('opt_sci_on', lambda: np.array([1.5, 2.0], dtype=np.float32),
         'float32', {}, {'sci_mode': True},
         'tensor([1.5000e+00, 2.0000e+00])'),
    case('opt_sci_on_whole', lambda: np.array([1.0, 20.0], dtype=np.float32),
         'float32', {}, {'sci_mode': True},
         'tensor([1.0000e+00, 2.0000e+01])'),
    case('opt_sci_on_no_finite_nonzero', lambda: np.array([0.0, np.nan, -0.0], dtype=np.float32),
         'float32', {}, {'sci_mode': True},
         'tensor([0., nan, -0.])'),
    case('opt_sci_on_int_ignored', lambda: np.array([1, 20], dtype=np.int64),
         'int64', {}, {'sci_mode': True},
         'tensor([ 1, 20])'),
    case('opt_sci_off_small', lambda: np.array([1e-5, 1.0], dtype=np.float32),
         'float32', {}, {'sci_mode': False},
         'tensor([0.0000, 1.0000])'),
    case('opt_sci_off_large', lambda: np.array([1e10, 1.0], dtype=np.float32),
         'float32', {}, {'sci_mode': False},
         'tensor([10000000000.,           1.])'),
    case('opt_threshold', lambda: np.arange(10, dtype=np.float32),
         'float32', {}, {'threshold': 5},
         'tensor([0., 1., 2.,  ..., 7., 8., 9.])'),
    case('opt_edgeitems_1', lambda: np.arange(30, dtype=np.int64).reshape(5, 6),
         'int64', {}, {'threshold': 5, 'edgeitems': 1},
         'tensor([[ 0,  ...,  5],\n'
         '        ...,\n'
         '        [24,  ..., 29]])'),
    case('opt_edgeitems_0_summarized', lambda: np.arange(2000, dtype=np.float32).reshape(2, 1000),
         'float32', {}, {'edgeitems': 0},
         'tensor([...], size=(2, 1000))'),
    case('opt_edgeitems_0_summarized_1d', lambda: np.arange(2000, dtype=np.int64),
         'int64', {}, {'edgeitems': 0},
         'tensor([...], size=(2000,))'),
    case('opt_edgeitems_0_small', lambda: np.arange(4, dtype=np.int32),
         'int32', {}, {'edgeitems': 0},
         'tensor([0, 1, 2, 3], size=(4,), dtype=rustorch.int32)'),
    case('opt_linewidth_40', lambda: np.arange(20, dtype=np.float32),
         'float32', {}, {'linewidth': 40},
         'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,\n'
         '         6.,  7.,  8.,  9., 10., 11.,\n'
         '        12., 13., 14., 15., 16., 17.,\n'
         '        18., 19.])'),
    case('opt_linewidth_tiny', lambda: np.arange(4, dtype=np.int64).reshape(2, 2) * 1000,
         'int64', {}, {'linewidth': 5},
         'tensor([[   0,\n'
         '         1000],\n'
         '        [2000,\n'
         '         3000]])'),
    case('opt_linewidth_suffix', lambda: np.arange(3, dtype=np.float64),
         'float64', {'requires_grad': True}, {'linewidth': 30},
         'tensor([0., 1., 2.],\n'
         '       dtype=rustorch.float64,\n'
         '       requires_grad=True)'),
    case('opt_suffix_edge_fits', lambda: np.arange(10, dtype=np.float32),
         'float32', {'requires_grad': True}, {'linewidth': 70},
         'tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.], requires_grad=True)'),
    case('opt_suffix_edge_wraps', lambda: np.arange(10, dtype=np.float32),
         'float32', {'requires_grad': True}, {'linewidth': 68},
         'tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.],\n'
         '       requires_grad=True)'),
    case('opt_suffix_edge_after_newline', lambda: np.arange(15, dtype=np.float32),
         'float32', {'grad_fn_name': 'MulBackward0'}, {'linewidth': 40},
         'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,\n'
         '         6.,  7.,  8.,  9., 10., 11.,\n'
         '        12., 13., 14.],\n'
         '       grad_fn=<MulBackward0>)'),
    case('opt_suffix_after_wrap_fits', lambda: np.arange(10, dtype=np.float64) + 0.5,
         'float64', {'requires_grad': True}, {'linewidth': 49},
         'tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000,\n'
         '        5.5000, 6.5000, 7.5000, 8.5000, 9.5000],\n'
         '       dtype=rustorch.float64, requires_grad=True)'),
    case('opt_summarize_no_cut_at_2x_edge', lambda: np.arange(36, dtype=np.int64).reshape(6, 6),
         'int64', {}, {'threshold': 10},
         'tensor([[ 0,  1,  2,  3,  4,  5],\n'
         '        [ 6,  7,  8,  9, 10, 11],\n'
         '        [12, 13, 14, 15, 16, 17],\n'
         '        [18, 19, 20, 21, 22, 23],\n'
         '        [24, 25, 26, 27, 28, 29],\n'
         '        [30, 31, 32, 33, 34, 35]])'),
    case('opt_profile_short', lambda: np.arange(2000, dtype=np.float32) / 7,
         'float32', {}, {'profile': 'short'},
         'tensor([0.00e+00, 1.43e-01,  ..., 2.85e+02, 2.86e+02])'),
    case('opt_profile_full', lambda: np.arange(1010, dtype=np.int16).reshape(101, 10),
         'int16', {}, {'profile': 'full'},
         'tensor([[   0,    1,    2,    3,    4,    5,    6,    7,    8,    9],\n'
         '        [  10,   11,   12,   13,   14,   15,   16,   17,   18,   19],\n'
         '        [  20,   21,   22,   23,   24,   25,   26,   27,   28,   29],\n'
         '        [  30,   31,   32,   33,   34,   35,   36,   37,   38,   39],\n'
         '        [  40,   41,   42,   43,   44,   45,   46,   47,   48,   49],\n'
         '        [  50,   51,   52,   53,   54,   55,   56,   57,   58,   59],\n'
         '        [  60,   61,   62,   63,   64,   65,   66,   67,   68,   69],\n'
         '        [  70,   71,   72,   73,   74,   75,   76,   77,   78,   79],\n'
         '        [  80,   81,   82,   83,   84,   85,   86,   87,   88,   89],\n'
         '        [  90,   91,   92,   93,   94,   95,   96,   97,   98,   99],\n'
         '        [ 100,  101,  102,  103,  104,  105,  106,  107,  108,  109],\n'
         '        [ 110,  111,  112,  113,  114,  115,  116,  117,  118,  119],\n'
         '        [ 120,  121,  122,  123,  124,  125,  126,  127,  128,  129],\n'
         '        [ 130,  131,  132,  133,  134,  135,  136,  137,  138,  139],\n'
         '        [ 140,  141,  142,  143,  144,  145,  146,  147,  148,  149],\n'
         '        [ 150,  151,  152,  153,  154,  155,  156,  157,  158,  159],\n'
         '        [ 160,  161,  162,  163,  164,  165,  166,  167,  168,  169],\n'
         '        [ 170,  171,  172,  173,  174,  175,  176,  177,  178,  179],\n'
         '        [ 180,  181,  182,  183,  184,  185,  186,  187,  188,  189],\n'
         '        [ 190,  191,  192,  193,  194,  195,  196,  197,  198,  199],\n'
         '        [ 200,  201,  202,  203,  204,  205,  206,  207,  208,  209],\n'
         '        [ 210,  211,  212,  213,  214,  215,  216,  217,  218,  219],\n'
         '        [ 220,  221,  222,  223,  224,  225,  226,  227,  228,  229],\n'
         '        [ 230,  231,  232,  233,  234,  235,  236,  237,  238,  239],\n'
         '        [ 240,  241,  242,  243,  244,  245,  246,  247,  248,  249],\n'
         '        [ 250,  251,  252,  253,  254,  255,  256,  257,  258,  259],\n'
         '        [ 260,  261,  262,  263,  264,  265,  266,  267,  268,  269],\n'
         '        [ 270,  271,  272,  273,  274,  275,  276,  277,  278,  279],\n'
         '        [ 280,  281,  282,  283,  284,  285,  286,  287,  288,  289],\n'
         '        [ 290,  291,  292,  293,  294,  295,  296,  297,  298,  299],\n'
         '        [ 300,  301,  302,  303,  304,  305,  306,  307,  308,  309],\n'
         '        [ 310,  311,  312,  313,  314,  315,  316,  317,  318,  319],\n'
         '        [ 320,  321,  322,  323,  324,  325,  326,  327,  328,  329],\n'
         '        [ 330,  331,  332,  333,  334,  335,  336,  337,  338,  339],\n'
         '        [ 340,  341,  342,  343,  344,  345,  346,  347,  348,  349],\n'
         '        [ 350,  351,  352,  353,  354,  355,  356,  357,  358,  359],\n'
         '        [ 360,  361,  362,  363,  364,  365,  366,  367,  368,  369],\n'
         '        [ 370,  371,  372,  373,  374,  375,  376,  377,  378,  379],\n'
         '        [ 380,  381,  382,  383,  384,  385,  386,  387,  388,  389],\n'
         '        [ 390,  391,  392,  393,  394,  395,  396,  397,  398,  399],\n'
         '        [ 400,  401,  402,  403,  404,  405,  406,  407,  408,  409],\n'
         '        [ 410,  411,  412,  413,  414,  415,  416,  417,  418,  419],\n'
         '        [ 420,  421,  422,  423,  424,  425,  426,  427,  428,  429],\n'
         '        [ 430,  431,  432,  433,  434,  435,  436,  437,  438,  439],\n'
         '        [ 440,  441,  442,  443,  444,  445,  446,  447,  448,  449],\n'
         '        [ 450,  451,  452,  453,  454,  455,  456,  457,  458,  459],\n'
         '        [ 460,  461,  462,  463,  464,  465,  466,  467,  468,  469],\n'
         '        [ 470,  471,  472,  473,  474,  475,  476,  477,  478,  479],\n'
         '        [ 480,  481,  482,  483,  484,  485,  486,  487,  488,  489],\n'
         '        [ 490,  491,  492,  493,  494,  495,  496,  497,  498,  499],\n'
         '        [ 500,  501,  502,  503,  504,  505,  506,  507,  508,  509],\n'
         '        [ 510,  511,  512,  513,  514,  515,  516,  517,  518,  519],\n'
         '        [ 520,  521,  522,  523,  524,  525,  526,  527,  528,  529],\n'
         '        [ 530,  531,  532,  533,  534,  535,  536,  537,  538,  539],\n'
         '        [ 540,  541,  542,  543,  544,  545,  546,  547,  548,  549],\n'
         '        [ 550,  551,  552,  553,  554,  555,  556,  557,  558,  559],\n'
         '        [ 560,  561,  562,  563,  564,  565,  566,  567,  568,  569],\n'
         '        [ 570,  571,  572,  573,  574,  575,  576,  577,  578,  579],\n'
         '        [ 580,  581,  582,  583,  584,  585,  586,  587,  588,  589],\n'
         '        [ 590,  591,  592,  593,  594,  595,  596,  597,  598,  599],\n'
         '        [ 600,  601,  602,  603,  604,  605,  606,  607,  608,  609],\n'
         '        [ 610,  611,  612,  613,  614,  615,  616,  617,  618,  619],\n'
         '        [ 620,  621,  622,  623,  624,  625,  626,  627,  628,  629],\n'
         '        [ 630,  631,  632,  633,  634,  635,  636,  637,  638,  639],\n'
         '        [ 640,  641,  642,  643,  644,  645,  646,  647,  648,  649],\n'
         '        [ 650,  651,  652,  653,  654,  655,  656,  657,  658,  659],\n'
         '        [ 660,  661,  662,  663,  664,  665,  666,  667,  668,  669],\n'
         '        [ 670,  671,  672,  673,  674,  675,  676,  677,  678,  679],\n'
         '        [ 680,  681,  682,  683,  684,  685,  686,  687,  688,  689],\n'
         '        [ 690,  691,  692,  693,  694,  695,  696,  697,  698,  699],\n'
         '        [ 700,  701,  702,  703,  704,  705,  706,  707,  708,  709],\n'
         '        [ 710,  711,  712,  713,  714,  715,  716,  717,  718,  719],\n'
         '        [ 720,  721,  722,  723,  724,  725,  726,  727,  728,  729],\n'
         '        [ 730,  731,  732,  733,  734,  735,  736,  737,  738,  739],\n'
         '        [ 740,  741,  742,  743,  744,  745,  746,  747,  748,  749],\n'
         '        [ 750,  751,  752,  753,  754,  755,  756,  757,  758,  759],\n'
         '        [ 760,  761,  762,  763,  764,  765,  766,  767,  768,  769],\n'
         '        [ 770,  771,  772,  773,  774,  775,  776,  777,  778,  779],\n'
         '        [ 780,  781,  782,  783,  784,  785,  786,  787,  788,  789],\n'
         '        [ 790,  791,  792,  793,  794,  795,  796,  797,  798,  799],\n'
         '        [ 800,  801,  802,  803,  804,  805,  806,  807,  808,  809],\n'
         '        [ 810,  811,  812,  813,  814,  815,  816,  817,  818,  819],\n'
         '        [ 820,  821,  822,  823,  824,  825,  826,  827,  828,  829],\n'
         '        [ 830,  831,  832,  833,  834,  835,  836,  837,  838,  839],\n'
         '        [ 840,  841,  842,  843,  844,  845,  846,  847,  848,  849],\n'
         '        [ 850,  851,  852,  853,  854,  855,  856,  857,  858,  859],\n'
         '        [ 860,  861,  862,  863,  864,  865,  866,  867,  868,  869],\n'
         '        [ 870,  871,  872,  873,  874,  875,  876,  877,  878,  879],\n'
         '        [ 880,  881,  882,  883,  884,  885,  886,  887,  888,  889],\n'
         '        [ 890,  891,  892,  893,  894,  895,  896,  897,  898,  899],\n'
         '        [ 900,  901,  902,  903,  904,  905,  906,  907,  908,  909],\n'
         '        [ 910,  911,  912,  913,  914,  915,  916,  917,  918,  919],\n'
         '        [ 920,  921,  922,  923,  924,  925,  926,  927,  928,  929],\n'
         '        [ 930,  931,  932,  933,  934,  935,  936,  937,  938,  939],\n'
         '        [ 940,  941,  942,  943,  944,  945,  946,  947,  948,  949],\n'
         '        [ 950,  951,  952,  953,  954,  955,  956,  957,  958,  959],\n'
         '        [ 960,  961,  962,  963,  964,  965,  966,  967,  968,  969],\n'
         '        [ 970,  971,  972,  973,  974,  975,  976,  977,  978,  979],\n'
         '        [ 980,  981,  982,  983,  984,  985,  986,  987,  988,  989],\n'
         '        [ 990,  991,  992,  993,  994,  995,  996,  997,  998,  999],\n'
         '        [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]],\n'
         '       dtype=rustorch.int16)'),
]
