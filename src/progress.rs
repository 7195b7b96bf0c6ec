//! Progress of a live collection, for a person watching a terminal: each endpoint (tenant A,
//! tenant B, OMS), what it is doing and the time spent, on stderr.
//!
//! Collectors only announce steps ([`step`], [`done`]); nothing is shown unless the command line
//! installed a display ([`Display::start`]: stderr a terminal, no `--quiet`). Steps announced
//! with no display installed cost a lock and nothing else, so library users and tests see
//! nothing.

use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::facts::Tenant;

/// Who a step is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Tenant(Tenant),
    Oms,
}

impl Endpoint {
    fn index(self) -> usize {
        match self {
            Endpoint::Tenant(Tenant::A) => 0,
            Endpoint::Tenant(Tenant::B) => 1,
            Endpoint::Oms => 2,
        }
    }
}

/// The spinners of the display installed, one per endpoint.
static BARS: Mutex<Option<[Option<ProgressBar>; 3]>> = Mutex::new(None);

/// `endpoint` is now doing `what` ("logging in as oms_a", "ListProjects").
pub fn step(endpoint: Endpoint, what: &str) {
    if let Some(bar) = bar(endpoint) {
        bar.set_message(what.to_string());
    }
}

/// `endpoint` is done: collected, or not (`ok` false: it could not be reached or read).
pub fn done(endpoint: Endpoint, ok: bool) {
    if let Some(bar) = bar(endpoint) {
        let elapsed = bar.elapsed().as_secs_f64();
        let (mark, what) = match ok {
            true => ("✔", "collected"),
            false => ("✘", "not collected"),
        };
        bar.set_style(ProgressStyle::with_template("{prefix} {msg}").expect("a valid template"));
        bar.finish_with_message(format!("{mark} {what} in {elapsed:.1}s"));
    }
}

fn bar(endpoint: Endpoint) -> Option<ProgressBar> {
    let bars = BARS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    bars.as_ref()?[endpoint.index()].clone()
}

/// The progress display of one collection; dropping it finishes what is left and uninstalls it.
pub struct Display {
    _multi: MultiProgress,
}

impl Display {
    /// Shows a spinner for each of `endpoints` on stderr until dropped. The caller decides
    /// whether a display is wanted (a terminal, no `--quiet`).
    pub fn start(endpoints: &[Endpoint]) -> Display {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{prefix} {spinner} {msg} {elapsed}")
            .expect("a valid template");
        let mut bars: [Option<ProgressBar>; 3] = [None, None, None];
        for endpoint in endpoints {
            let name = match endpoint {
                Endpoint::Tenant(tenant) => format!("tenant {tenant}"),
                Endpoint::Oms => "OMS".to_string(),
            };
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(format!("{name:<9}"));
            bar.set_message("waiting");
            bar.enable_steady_tick(Duration::from_millis(120));
            bars[endpoint.index()] = Some(bar);
        }
        *BARS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(bars);
        Display { _multi: multi }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let bars = BARS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        for bar in bars.into_iter().flatten().flatten() {
            if !bar.is_finished() {
                bar.finish_and_clear();
            }
        }
    }
}
