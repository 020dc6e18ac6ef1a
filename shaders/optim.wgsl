// Fused optimizer steps: one invocation per element updates a parameter and its state in place,
// in the operation order of PyTorch's single-tensor implementations (torch/optim/*.py), each
// operation in {{T}} (half types computed in f32). The module takes one `update_<algorithm>`
// function from below, renamed `update`; the options are constants, so each variant compiles
// to straight-line code. State positions s0, s1, s2 are each algorithm's (src/cpu/optim.rs);
// an absent position has no binding and its load/store functions do nothing.
// Params: [0] elements, [1] parameter offset, [2] gradient offset, [3..6] state offsets (in
// elements), then the coefficients computed on the host in f64 (`Hyper::coefs`).
struct Params {
    n: u32,
    off_p: u32,
    off_g: u32,
    off_s0: u32,
    off_s1: u32,
    off_s2: u32,
    c: array<{{T}}, 9>,
}

{{BINDINGS}}
@group(0) @binding({{PBIND}}) var<storage, read> prm: Params;

const MAXIMIZE: bool = {{MAXIMIZE}};
const WEIGHT_DECAY: bool = {{WEIGHT_DECAY}};
const DECOUPLED: bool = {{DECOUPLED}};
const AMSGRAD: bool = {{AMSGRAD}};
const NESTEROV: bool = {{NESTEROV}};
const MOMENTUM: bool = {{MOMENTUM}};
const CENTERED: bool = {{CENTERED}};
const FIRST: bool = {{FIRST}};

{{FUNCTIONS}}

// `torch.maximum`: NaN wins.
fn maximum(a: {{T}}, b: {{T}}) -> {{T}} {
    return select(b, a, a > b || rt_isnan(a));
}

// The gradient as the update sees it (maximize, L2 weight decay); decoupled weight decay
// scales the parameter instead. Returns (parameter, gradient).
fn grad_in(p0: {{T}}, g0: {{T}}, decay: {{T}}) -> vec2<{{T}}> {
    var p = p0;
    var g = g0;
    if (MAXIMIZE) {
        g = -g;
    }
    if (WEIGHT_DECAY) {
        if (DECOUPLED) {
            p = p * decay;
        } else {
            g = g + prm.c[0] * p;
        }
    }
    return vec2<{{T}}>(p, g);
}

{{UPDATE}}

@compute @workgroup_size({{WG}})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let i = (wid.x + wid.y * nwg.x) * {{WG}}u + lid;
    if (i < prm.n) {
        update(i);
    }
}

// ---- updates (coefficients: `Hyper::coefs`) ----

fn update_sgd(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), 1.0);
    var g = pg.y;
    if (MOMENTUM) {
        let m = prm.c[1];
        var buf = g;
        if (!FIRST) {
            buf = ld_s0(i) * m + prm.c[2] * g;
        }
        st_s0(i, buf);
        if (NESTEROV) {
            g = g + m * buf;
        } else {
            g = buf;
        }
    }
    st_p(i, pg.x + prm.c[3] * g);
}

fn update_adam(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), prm.c[1]);
    let g = pg.y;
    let m = rt_lerp(ld_s0(i), g, prm.c[2]);
    let v = ld_s1(i) * prm.c[3] + (prm.c[4] * g) * g;
    st_s0(i, m);
    st_s1(i, v);
    var second = v;
    if (AMSGRAD) {
        second = maximum(ld_s2(i), v);
        st_s2(i, second);
    }
    let denom = sqrt(second) / prm.c[5] + prm.c[6];
    st_p(i, pg.x + (prm.c[7] * m) / denom);
}

fn update_rmsprop(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), 1.0);
    let g = pg.y;
    let sq = ld_s0(i) * prm.c[1] + (prm.c[2] * g) * g;
    st_s0(i, sq);
    var avg = sqrt(sq);
    if (CENTERED) {
        let ga = rt_lerp(ld_s2(i), g, prm.c[2]);
        st_s2(i, ga);
        avg = sqrt(sq + (-ga) * ga);
    }
    avg = avg + prm.c[3];
    if (MOMENTUM) {
        let buf = ld_s1(i) * prm.c[4] + g / avg;
        st_s1(i, buf);
        st_p(i, pg.x + prm.c[5] * buf);
    } else {
        st_p(i, pg.x + (prm.c[5] * g) / avg);
    }
}

fn update_adagrad(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), 1.0);
    let g = pg.y;
    let sum = ld_s0(i) + g * g;
    st_s0(i, sum);
    st_p(i, pg.x + (prm.c[2] * g) / (sqrt(sum) + prm.c[1]));
}

fn update_adadelta(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), 1.0);
    let g = pg.y;
    let rho = prm.c[1];
    let eps = prm.c[3];
    let sq = ld_s0(i) * rho + (prm.c[2] * g) * g;
    let acc = ld_s1(i);
    let delta = sqrt(acc + eps) / sqrt(sq + eps) * g;
    st_s0(i, sq);
    st_s1(i, acc * rho + (prm.c[2] * delta) * delta);
    st_p(i, pg.x + prm.c[4] * delta);
}

fn update_adamax(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), 1.0);
    let g = pg.y;
    let m = rt_lerp(ld_s0(i), g, prm.c[1]);
    let u = maximum(ld_s1(i) * prm.c[2], abs(g) + prm.c[3]);
    st_s0(i, m);
    st_s1(i, u);
    st_p(i, pg.x + (prm.c[4] * m) / u);
}

fn update_nadam(i: u32) {
    let pg = grad_in(ld_p(i), ld_g(i), prm.c[1]);
    let g = pg.y;
    let m = rt_lerp(ld_s0(i), g, prm.c[2]);
    let v = ld_s1(i) * prm.c[3] + (prm.c[4] * g) * g;
    st_s0(i, m);
    st_s1(i, v);
    let denom = sqrt(v / prm.c[5]) + prm.c[6];
    let p = pg.x + (prm.c[7] * g) / denom;
    st_p(i, p + (prm.c[8] * m) / denom);
}
