//! The process-wide wgpu context: adapter selection, device with the adapter's
//! real limits, and errors collected instead of wgpu's default panic.

use super::pool::Pool;
use crate::error::{Error, Result};
use std::sync::{Arc, Mutex, OnceLock};

pub struct Context {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
    pub limits: wgpu::Limits,
    pub features: wgpu::Features,
    pub pool: Pool,
    errors: Arc<Mutex<Vec<String>>>,
    /// Recorded, not yet submitted work (see `queue.rs`).
    pub(crate) pending: Mutex<super::queue::Pending>,
    /// Mappable readback buffers by size class, reused across reads.
    pub(crate) staging: Mutex<std::collections::HashMap<usize, Vec<wgpu::Buffer>>>,
    /// Compiled pipelines by (family, op, dtype) key.
    pub(crate) pipelines: Mutex<std::collections::HashMap<String, Arc<wgpu::ComputePipeline>>>,
    /// Work counted since start: (dispatches recorded, submits, host waits for the device).
    pub(crate) counters: [std::sync::atomic::AtomicU64; 3],
    /// Index checks not yet read back (see `checks.rs`).
    pub(crate) checks: Mutex<super::checks::Checks>,
    /// Workgroup shapes for this adapter (see `template::Tuning`).
    pub tuning: super::template::Tuning,
}

type Init = std::result::Result<Arc<Context>, String>;

fn cell() -> &'static OnceLock<Init> {
    static CTX: OnceLock<Init> = OnceLock::new();
    &CTX
}

/// The context, created on first use; an error names why there is none.
pub fn context() -> Result<Arc<Context>> {
    cell()
        .get_or_init(init_guarded)
        .clone()
        .map_err(|reason| Error::runtime(format!("the wgpu device is not available: {reason}")))
}

/// Whether the context exists already (asking does not create it).
pub fn created() -> bool {
    matches!(cell().get(), Some(Ok(_)))
}

/// The adapter's name, or why no adapter could be used.
pub fn status() -> std::result::Result<String, String> {
    cell().get_or_init(init_guarded).as_ref().map(|c| c.name()).map_err(Clone::clone)
}

fn backends_from_env() -> std::result::Result<wgpu::Backends, String> {
    match std::env::var("RUSTORCH_WGPU_BACKEND") {
        Err(_) => Ok(wgpu::Backends::all()),
        Ok(v) => match v.to_ascii_lowercase().as_str() {
            "vulkan" => Ok(wgpu::Backends::VULKAN),
            "metal" => Ok(wgpu::Backends::METAL),
            "dx12" => Ok(wgpu::Backends::DX12),
            "gl" => Ok(wgpu::Backends::GL),
            other => Err(format!("RUSTORCH_WGPU_BACKEND={other} is not one of vulkan, metal, dx12, gl")),
        },
    }
}

/// A driver that panics inside wgpu must not take the Python process with it.
fn init_guarded() -> Init {
    std::panic::catch_unwind(init).unwrap_or_else(|_| Err("wgpu failed while initialising the adapter".into()))
}

fn rank(t: wgpu::DeviceType) -> u8 {
    match t {
        wgpu::DeviceType::DiscreteGpu => 0,
        wgpu::DeviceType::IntegratedGpu => 1,
        wgpu::DeviceType::VirtualGpu => 2,
        wgpu::DeviceType::Other => 3,
        wgpu::DeviceType::Cpu => 4,
    }
}

fn init() -> Init {
    let backends = backends_from_env()?;
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.backends = backends;
    let instance = wgpu::Instance::new(desc);
    let adapters = pollster::block_on(instance.enumerate_adapters(backends));
    if adapters.is_empty() {
        return Err(format!(
            "no adapter found for backends {backends:?} (on Linux a Vulkan loader and driver are needed: libvulkan1 and mesa-vulkan-drivers or the GPU vendor's driver)"
        ));
    }
    let wanted = std::env::var("RUSTORCH_WGPU_ADAPTER").ok().map(|w| w.to_lowercase());
    let names: Vec<String> = adapters.iter().map(|a| a.get_info().name).collect();
    // The best discrete/integrated GPU unless a name substring picks one.
    let adapter = adapters
        .into_iter()
        .filter(|a| wanted.as_ref().is_none_or(|w| a.get_info().name.to_lowercase().contains(w)))
        // On a tie, a native API (Vulkan/Metal/DX12) beats GL, whose compute support is narrower.
        .min_by_key(|a| (rank(a.get_info().device_type), a.get_info().backend == wgpu::Backend::Gl))
        .ok_or_else(|| format!("no adapter name contains RUSTORCH_WGPU_ADAPTER={wanted:?} (found {names:?})"))?;
    let info = adapter.get_info();
    let limits = adapter.limits();
    let wanted_features = wgpu::Features::SHADER_F64 | wgpu::Features::SHADER_F16 | wgpu::Features::SHADER_INT64 | wgpu::Features::SUBGROUP;
    let mut features = adapter.features() & wanted_features;
    // Tests force the emulated int64 path (u32 pairs) on adapters that have SHADER_INT64.
    if std::env::var("RUSTORCH_WGPU_NO_INT64").as_deref() == Ok("1") {
        features.remove(wgpu::Features::SHADER_INT64);
    }
    let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
        label: Some("rustorch"),
        required_features: features,
        required_limits: limits.clone(),
        experimental_features: wgpu::ExperimentalFeatures::disabled(),
        memory_hints: wgpu::MemoryHints::Performance,
        trace: wgpu::Trace::Off,
    }))
    .map_err(|e| format!("{}: request_device failed: {e}", info.name))?;
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = errors.clone();
    device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
        if let Ok(mut v) = sink.lock() {
            v.push(e.to_string());
        }
    }));
    // A lost device (driver reset, GPU removed) surfaces at the next op as a Python error.
    let lost = errors.clone();
    device.set_device_lost_callback(move |reason, msg| {
        if let Ok(mut v) = lost.lock() {
            v.push(format!("the device was lost ({reason:?}): {msg}"));
        }
    });
    let tuning = super::template::Tuning::for_adapter(info.device_type);
    Ok(Arc::new(Context {
        device,
        queue,
        info,
        limits,
        features,
        pool: Pool::default(),
        errors,
        pending: Mutex::new(Default::default()),
        pipelines: Mutex::new(Default::default()),
        tuning,
        staging: Mutex::new(Default::default()),
        checks: Mutex::new(Default::default()),
        counters: Default::default(),
    }))
}

/// What `Context::counters` counts.
#[derive(Clone, Copy)]
pub enum Counter {
    Dispatches = 0,
    Submits = 1,
    Waits = 2,
}

impl Context {
    pub(crate) fn count(&self, c: Counter) {
        self.counters[c as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// (dispatches recorded, submits, host waits) since the context was made.
    pub fn counts(&self) -> (u64, u64, u64) {
        let get = |c: Counter| self.counters[c as usize].load(std::sync::atomic::Ordering::Relaxed);
        (get(Counter::Dispatches), get(Counter::Submits), get(Counter::Waits))
    }

    pub fn name(&self) -> String {
        self.info.name.clone()
    }

    /// Errors wgpu reported since the last check, as one Python-visible error.
    pub fn check_errors(&self) -> Result<()> {
        let mut v = self.errors.lock().unwrap_or_else(|e| e.into_inner());
        if v.is_empty() {
            return Ok(());
        }
        let msg = v.join("; ");
        v.clear();
        if msg.to_lowercase().contains("out of memory") {
            return Err(Error::OutOfMemory { bytes: 0 });
        }
        Err(Error::runtime(format!("wgpu error: {msg}")))
    }

    /// Submits pending work, waits for all of it, and raises a failed index check (`checks.rs`).
    pub fn synchronize_checked(&self) -> Result<()> {
        self.synchronize()?;
        super::checks::resolve(self)
    }

    /// Submits pending work and waits for all of it.
    pub fn synchronize(&self) -> Result<()> {
        self.flush()?;
        self.count(Counter::Waits);
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| Error::runtime(format!("wgpu: waiting for the device failed: {e}")))?;
        self.check_errors()
    }
}
