//! Project automation: `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).
//!
//! CI is one line, `cargo xtask ci`, and runs the same steps locally:
//!
//! ```text
//! cargo xtask ci                          # everything CI runs, in CI's order
//! cargo xtask fuzz-smoke [--seconds N]    # every fuzz target for N s (default 10)
//! cargo xtask fuzz --minutes N [--target T]
//! cargo xtask bench [--smoke]             # criterion benches (smoke: about a minute)
//! cargo xtask vectors                     # regenerate the keripy vectors (Python venv)
//! cargo xtask interop                     # live keripy 1.1.17 + 1.3.6 checks, both directions
//! cargo xtask differential [--seed S] [--count N]  # only the differential part of interop
//! cargo xtask crash [--trials N]          # SIGKILL crash-safety trials of the redb store
//! ```

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// Where the keripy vectors live, relative to the workspace root.
const VECTORS: &str = "crates/dkms-cesr/tests/vectors/keripy-1.1.17";
/// keripy 1.1.17 (the generator of every vector) on the system python3 (3.11), venv `target/interop-venv`.
const KERIPY_1_1_17: Keripy = Keripy {
    version: "1.1.17",
    venv: "interop-venv",
    requirements: "interop/keripy/requirements.txt",
    python: &["python3"],
};
/// keripy 1.3.6 (the current release; second judge), which needs Python ≥ 3.12.2: python3.13 from
/// `DKMS_PYTHON313`, `PATH`, or pyenv (`~/.pyenv/versions/3.13*`); venv `target/interop-venv-1.3.6`.
const KERIPY_1_3_6: Keripy = Keripy {
    version: "1.3.6",
    venv: "interop-venv-1.3.6",
    requirements: "interop/keripy/requirements-1.3.6.txt",
    python: &["python3.13"],
};
/// The keripy → DKMS scenario vectors (streams + keripy's verdict and key states).
const SCENARIOS: &str = "tests/vectors/keripy-1.1.17";
/// Hard limit for `cargo xtask interop` (about two minutes with warm venvs and a warm build, both
/// keripy versions): past it the running command is killed and the step fails.
const INTEROP_LIMIT: Duration = Duration::from_secs(900);
/// Optional cross targets for the `no_std` check: built when installed, never required.
const NO_STD_TARGETS: &[&str] = &["thumbv7em-none-eabi", "wasm32-unknown-unknown"];

#[derive(Parser)]
#[command(name = "xtask", about = "DKMS project automation (run as `cargo xtask`)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Everything CI runs, in order: fmt, clippy, tests, no_std build, fuzz smoke, bench smoke.
    Ci,
    /// Run every fuzz target briefly, seeded from the committed vectors; fails on any crash.
    FuzzSmoke {
        /// Seconds per target.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Long fuzzing run.
    Fuzz {
        /// Minutes per target.
        #[arg(long)]
        minutes: u64,
        /// Only this target (default: all of them, one after the other).
        #[arg(long)]
        target: Option<String>,
    },
    /// Criterion benches of `dkms-benches`.
    Bench {
        /// Very short measurement (CI checks that the benches still run).
        #[arg(long)]
        smoke: bool,
    },
    /// Regenerate the keripy known-answer vectors (creates a venv under target/interop-venv).
    Vectors,
    /// Live interop with keripy 1.1.17 and 1.3.6: regenerate the keripy → DKMS scenarios (1.1.17),
    /// judge them again with 1.3.6 and compare both with the committed ones, then feed the KELs we
    /// build to both keripy versions (venvs under target/).
    Interop,
    /// Differential testing against keripy 1.1.17 and 1.3.6 on mutated keripy streams (part of
    /// `interop`): fails on any difference in key states, identifiers, escrows or verdicts that no
    /// documented rule explains (docs/interop.md, "Differential harness").
    Differential {
        /// PRNG seed of the mutations (the same seed gives the same streams).
        #[arg(long, default_value_t = DIFFERENTIAL_SEED)]
        seed: u64,
        /// Number of mutated streams.
        #[arg(long, default_value_t = DIFFERENTIAL_COUNT)]
        count: usize,
    },
    /// Kill a store importer with SIGKILL at random points and check the reopened store
    /// (the normal test suite runs 20 trials; this runs as many as asked, in release).
    Crash {
        /// Number of kill-and-reopen trials.
        #[arg(long, default_value_t = 100)]
        trials: u32,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = workspace_root()?;
    match cli.command {
        Cmd::Ci => ci(&root),
        Cmd::FuzzSmoke { seconds } => fuzz(&root, seconds, None),
        Cmd::Fuzz { minutes, target } => fuzz(&root, minutes.saturating_mul(60), target.as_deref()),
        Cmd::Bench { smoke } => bench(&root, smoke),
        Cmd::Vectors => vectors(&root),
        Cmd::Interop => interop(&root),
        Cmd::Differential { seed, count } => {
            let deadline = Instant::now() + INTEROP_LIMIT;
            let python = keripy_venv(&root, &KERIPY_1_1_17)?;
            let python136 = keripy_venv(&root, &KERIPY_1_3_6)?;
            differential(&root, &python, &python136, seed, count, deadline)
        }
        Cmd::Crash { trials } => crash(&root, trials),
    }
}

/// `cargo test -p dkms-store --release --all-features --test store crash` with `DKMS_CRASH_TRIALS`.
fn crash(root: &Path, trials: u32) -> Result<()> {
    let mut cmd = cargo();
    cmd.args([
        "test",
        "-p",
        "dkms-store",
        "--release",
        "--all-features",
        "--locked",
        "--test",
        "store",
        "crash",
        "--",
        "--nocapture",
    ])
    .env("DKMS_CRASH_TRIALS", trials.to_string());
    run(root, &mut cmd)
}

/// The workspace root: the parent of this package's directory.
fn workspace_root() -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = dir.parent().context("xtask has no parent directory")?;
    Ok(root.to_path_buf())
}

/// The cargo that runs us (stable), for the ordinary steps.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo` through the rustup proxy so that `+nightly` works.
fn cargo_nightly() -> Command {
    let mut cmd = Command::new("cargo");
    // Cargo exports these for `cargo run`; the nested nightly cargo must not inherit the stable ones.
    for var in ["RUSTUP_TOOLCHAIN", "CARGO", "RUSTC", "RUSTDOC"] {
        cmd.env_remove(var);
    }
    cmd.arg("+nightly");
    cmd
}

/// The shared target directory (`CARGO_TARGET_DIR` or `<root>/target`).
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root.join(dir) }
        }
        None => root.join("target"),
    }
}

/// Runs a command in `root`, echoing it first; fails when it fails.
fn run(root: &Path, cmd: &mut Command) -> Result<()> {
    cmd.current_dir(root);
    eprintln!("$ {}", show(cmd));
    let status = cmd.status().with_context(|| format!("cannot start `{}`", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(())
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// A named CI step with its wall time.
fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let res = f();
    let secs = start.elapsed().as_secs_f64();
    match &res {
        Ok(()) => eprintln!("<== {name}: ok ({secs:.1} s)"),
        Err(e) => eprintln!("<== {name}: FAILED ({secs:.1} s): {e:#}"),
    }
    res.with_context(|| format!("CI step `{name}` failed"))
}

fn ci(root: &Path) -> Result<()> {
    let start = Instant::now();
    step("fmt", || run(root, cargo().args(["fmt", "--all", "--check"])))?;
    step("clippy", || {
        run(root, cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))
    })?;
    step("test", || run(root, cargo().args(["test", "--workspace", "--locked"])))?;
    step("no_std", || no_std(root))?;
    step("fuzz-smoke", || fuzz(root, 10, None))?;
    step("bench-smoke", || bench(root, true))?;
    step("interop", || interop(root))?;
    eprintln!("\nci: all steps passed in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// `dkms-cesr` without `std`: the host build is required, cross targets only when installed.
fn no_std(root: &Path) -> Result<()> {
    let base = ["build", "-p", "dkms-cesr", "--no-default-features", "--locked"];
    run(root, cargo().args(base))?;
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    for target in NO_STD_TARGETS {
        if installed.lines().any(|l| l.trim() == *target) {
            run(root, cargo().args(base).args(["--target", target]))?;
        } else {
            eprintln!("(target {target} not installed; skipping its no_std build)");
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fuzzing

/// The targets of `fuzz/Cargo.toml` (`[[bin]] name = "…"`).
fn fuzz_targets(root: &Path) -> Result<Vec<String>> {
    let manifest = root.join("fuzz/Cargo.toml");
    let text = fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let mut targets = Vec::new();
    let mut in_bin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(value) = line.strip_prefix("name") {
            let name = value.trim_start().trim_start_matches('=').trim().trim_matches('"');
            targets.push(name.to_owned());
        }
    }
    if targets.is_empty() {
        bail!("no [[bin]] targets in {}", manifest.display());
    }
    Ok(targets)
}

fn fuzz(root: &Path, seconds: u64, only: Option<&str>) -> Result<()> {
    let mut targets = fuzz_targets(root)?;
    if let Some(only) = only {
        if !targets.iter().any(|t| t == only) {
            bail!("no fuzz target `{only}` (have: {})", targets.join(", "));
        }
        targets.retain(|t| t == only);
    }
    let fuzz_target_dir = target_dir(root).join("fuzz");
    let mut build = cargo_nightly();
    build.args(["fuzz", "build", "--target-dir"]).arg(&fuzz_target_dir);
    run(root, &mut build).context(
        "building the fuzz targets (needs `rustup toolchain install nightly` and `cargo install cargo-fuzz`)",
    )?;

    let mut report = Vec::new();
    for target in &targets {
        let corpus = root.join("fuzz/corpus").join(target);
        let seeds = seed_corpus(root, target, &corpus)?;
        eprintln!("fuzz {target}: {seeds} seed inputs in {}", corpus.display());
        let mut cmd = cargo_nightly();
        cmd.args(["fuzz", "run", "--target-dir"])
            .arg(&fuzz_target_dir)
            .arg(target)
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .args(["-timeout=20", "-print_final_stats=1"]);
        let stats = run_fuzzer(root, &mut cmd).with_context(|| {
            format!("fuzz target `{target}` failed; the crashing input is under fuzz/artifacts/{target}/")
        })?;
        report.push(format!("{target}: {stats}"));
    }
    eprintln!("\nfuzz summary ({seconds} s per target):");
    for line in &report {
        eprintln!("  {line}");
    }
    Ok(())
}

/// Runs a fuzzer, passing its output through, and returns a one-line summary of its final stats.
fn run_fuzzer(root: &Path, cmd: &mut Command) -> Result<String> {
    cmd.current_dir(root).stderr(Stdio::piped());
    eprintln!("$ {}", show(cmd));
    let mut child = cmd.spawn().with_context(|| format!("cannot start `{}`", show(cmd)))?;
    let mut runs = None;
    let mut per_sec = None;
    let mut cov = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap_or_default();
            eprintln!("{line}");
            let stat = |name: &str| line.strip_prefix(name).map(|v| v.trim().to_owned());
            if let Some(v) = stat("stat::number_of_executed_units:") {
                runs = Some(v);
            } else if let Some(v) = stat("stat::average_exec_per_sec:") {
                per_sec = Some(v);
            } else if line.starts_with('#')
                && let Some(at) = line.find("cov: ")
            {
                cov = line.get(at + 5..).and_then(|s| s.split_whitespace().next()).map(str::to_owned);
            }
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    Ok(format!(
        "{} runs, {} exec/s, coverage {}",
        runs.as_deref().unwrap_or("?"),
        per_sec.as_deref().unwrap_or("?"),
        cov.as_deref().unwrap_or("?")
    ))
}

/// Writes the seed corpus of a target from the committed vectors; returns the number of seeds.
///
/// `cesr_primitives` gets every qb64/qb2 value and every invalid primitive input;
/// `cesr_stream` gets the `.cesr` streams, the invalid streams, and the counters.
fn seed_corpus(root: &Path, target: &str, corpus: &Path) -> Result<usize> {
    let vectors = root.join(VECTORS);
    let mut seeds: BTreeSet<Vec<u8>> = BTreeSet::new();
    let primitive_files = ["matter.json", "matter_invalid.json", "indexer.json", "counter.json"];
    match target {
        // Stream-shaped targets start from keripy streams and let libFuzzer mutate them.
        "cesr_stream" | "event_message" | "event_signed" | "kel_ingest" | "cli_import" => {
            for entry in fs::read_dir(vectors.join("streams"))? {
                let path = entry?.path();
                if path.extension() == Some(OsStr::new("cesr")) {
                    seeds.insert(fs::read(&path)?);
                }
            }
            seeds.extend(json_seeds(&vectors.join("streams/invalid.json"))?);
            seeds.extend(json_seeds(&vectors.join("counter.json"))?);
        }
        // File decoders start from sample files committed under fuzz/seeds/<target>/.
        "keystore_header" | "keystore_record" | "event_text" => {
            for entry in fs::read_dir(root.join("fuzz/seeds").join(target))? {
                seeds.insert(fs::read(entry?.path())?);
            }
        }
        _ => {
            for file in primitive_files {
                seeds.extend(json_seeds(&vectors.join(file))?);
            }
        }
    }
    seeds.remove(&Vec::new());
    fs::create_dir_all(corpus)?;
    for seed in &seeds {
        let path = corpus.join(format!("seed-{:016x}", fnv1a(seed)));
        if !path.exists() {
            fs::write(&path, seed)?;
        }
    }
    Ok(seeds.len())
}

/// Inputs out of a vector file: `qb64` (text), `qb2`/`input_hex` (hex) and `input` (text; not in
/// `matter.json`, where it describes how a vector was made). A tiny scanner, no JSON parser needed:
/// the generator writes one `"key": "value"` per line and these values never need escapes.
fn json_seeds(path: &Path) -> Result<Vec<Vec<u8>>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let text_input_ok = path.file_name() != Some(OsStr::new("matter.json"));
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let Some((key, value)) = line.split_once("\": \"") else { continue };
        let (Some(key), Some(value)) = (key.strip_prefix('"'), value.strip_suffix('"')) else { continue };
        if value.contains('\\') {
            continue;
        }
        match key {
            "qb64" => out.push(value.as_bytes().to_vec()),
            "input" if text_input_ok => out.push(value.as_bytes().to_vec()),
            "qb2" | "input_hex" => {
                out.push(unhex(value).with_context(|| format!("bad hex for `{key}` in {}", path.display()))?);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn unhex(s: &str) -> Result<Vec<u8>> {
    let digit = |c: u8| -> Result<u8> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => bail!("not a hex digit: {:?}", char::from(c)),
        }
    };
    let bytes = s.as_bytes();
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Ok(digit(*hi)? << 4 | digit(*lo)?),
            _ => bail!("odd number of hex digits"),
        })
        .collect()
}

/// FNV-1a, to name corpus files by content (stable across runs, no dependency).
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

// ---------------------------------------------------------------------------------------------
// Benches and vectors

fn bench(root: &Path, smoke: bool) -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["bench", "-p", "dkms-benches", "--locked"]);
    if smoke {
        // Criterion's quick mode with short warm-up/measurement: checks the benches run, ~1 min.
        cmd.args(["--", "--quick", "--warm-up-time", "0.2", "--measurement-time", "0.5", "--noplot"]);
    }
    run(root, &mut cmd)
}

fn vectors(root: &Path) -> Result<()> {
    let python = keripy_venv(root, &KERIPY_1_1_17)?;
    let python136 = keripy_venv(root, &KERIPY_1_3_6)?;
    run(root, Command::new(&python).arg("interop/keripy/cesr_vectors.py").args(["--out", VECTORS]))?;
    run(root, Command::new(&python).arg("interop/keripy/scenarios.py").args(["--out", SCENARIOS]))?;
    run(root, Command::new(&python136).arg("interop/keripy/rejudge.py").args(["--dir", SCENARIOS, "--write"]))
}

/// A keripy version and where its venv comes from.
struct Keripy {
    version: &'static str,
    /// Directory of the venv under the target directory.
    venv: &'static str,
    /// Pinned requirements (`pip freeze` of the environment the vectors were made or checked with).
    requirements: &'static str,
    /// Interpreters to make the venv with (looked up on `PATH`, then in pyenv).
    python: &'static [&'static str],
}

/// The interpreter to create a venv for `keripy` with: `DKMS_PYTHON313` for python3.13, else the
/// first of `keripy.python` on `PATH`, else in pyenv (`pyenv which`, then `~/.pyenv/versions/*/bin`).
fn base_python(keripy: &Keripy) -> Result<PathBuf> {
    let works = |p: &OsStr| Command::new(p).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    for name in keripy.python {
        if *name == "python3.13"
            && let Some(p) = std::env::var_os("DKMS_PYTHON313")
            && works(&p).is_ok_and(|s| s.success())
        {
            return Ok(PathBuf::from(p));
        }
        if works(OsStr::new(name)).is_ok_and(|s| s.success()) {
            return Ok(PathBuf::from(name));
        }
        if let Ok(out) = Command::new("pyenv").args(["which", name]).stderr(Stdio::null()).output()
            && out.status.success()
        {
            let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if works(p.as_os_str()).is_ok_and(|s| s.success()) {
                return Ok(p);
            }
        }
        let pyenv = std::env::var_os("PYENV_ROOT")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
        if let Some(versions) = pyenv.map(|p| p.join("versions"))
            && let Ok(entries) = fs::read_dir(&versions)
        {
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.exists())
                .collect();
            found.sort();
            if let Some(p) = found.pop() {
                return Ok(p);
            }
        }
    }
    bail!(
        "keripy {} needs {} (not on PATH, not in pyenv): install it (e.g. `pyenv install 3.13`) or set DKMS_PYTHON313",
        keripy.version,
        keripy.python.join(" or ")
    )
}

/// The Python of the venv of `keripy` (e.g. `target/interop-venv` with keri 1.1.17) with
/// libsodium usable: creates the venv and installs the pinned requirements when needed (so an
/// existing venv works offline).
fn keripy_venv(root: &Path, keripy: &Keripy) -> Result<PathBuf> {
    let venv = target_dir(root).join(keripy.venv);
    let python = venv.join("bin/python");
    if !python.exists() {
        let mut create = Command::new(base_python(keripy)?);
        create.arg("-m").arg("venv").arg(&venv);
        if run(root, &mut create).is_err() {
            apt_install(root, "python3-venv")?;
            run(root, &mut create)?;
        }
    }
    let have_keri = Command::new(&python)
        .args(["-c", &format!("import keri, sys; sys.exit(keri.__version__ != '{}')", keripy.version)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have_keri {
        run(root, Command::new(&python).args(["-m", "pip", "install", "--quiet", "--upgrade", "pip"]))?;
        run(root, Command::new(&python).args(["-m", "pip", "install", "--quiet", "-r", keripy.requirements]))?;
    }
    // pysodium loads libsodium with ctypes at import time.
    let sodium_ok =
        Command::new(&python).args(["-c", "import pysodium"]).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if !sodium_ok {
        apt_install(root, "libsodium23")?;
    }
    Ok(python)
}

/// As [`run`], but kills the command and fails once `deadline` has passed.
fn run_until(root: &Path, cmd: &mut Command, deadline: Instant) -> Result<()> {
    cmd.current_dir(root);
    eprintln!("$ {}", show(cmd));
    let mut child = cmd.spawn().with_context(|| format!("cannot start `{}`", show(cmd)))?;
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("`{}` failed ({status})", show(cmd));
            }
            return Ok(());
        }
        if Instant::now() >= deadline {
            // Best effort: the command is past its time either way.
            let _ = child.kill();
            let _ = child.wait();
            bail!("`{}` killed: `cargo xtask interop` is past its {} s limit", show(cmd), INTEROP_LIMIT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `cargo xtask interop`: keripy → DKMS (the committed scenarios are what keripy 1.1.17 makes
/// and says today, and what keripy 1.3.6 says of the same streams) and DKMS → keripy (both keripy
/// versions accept our KELs with the key state we report).
fn interop(root: &Path) -> Result<()> {
    let start = Instant::now();
    let deadline = start + INTEROP_LIMIT;
    let timed = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        let res = f();
        eprintln!(
            "interop: {name}: {} ({:.1} s)",
            if res.is_ok() { "ok" } else { "FAILED" },
            t.elapsed().as_secs_f64()
        );
        res
    };
    let (mut python, mut python136) = (PathBuf::new(), PathBuf::new());
    timed("keripy 1.1.17 venv", &mut || {
        python = keripy_venv(root, &KERIPY_1_1_17)?;
        Ok(())
    })?;
    timed("keripy 1.3.6 venv", &mut || {
        python136 = keripy_venv(root, &KERIPY_1_3_6)?;
        Ok(())
    })?;
    let work = target_dir(root).join("interop");
    let fresh = work.join("scenarios");
    let ours = work.join("ours");
    for dir in [&fresh, &ours] {
        if dir.exists() {
            fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
        }
    }
    timed("keripy -> DKMS: regenerate the scenarios", &mut || {
        run_until(root, Command::new(&python).arg("interop/keripy/scenarios.py").arg("--out").arg(&fresh), deadline)
    })?;
    timed("keripy -> DKMS: keripy 1.3.6 judges the same streams", &mut || {
        let mut rejudge = Command::new(&python136);
        rejudge.arg("interop/keripy/rejudge.py").arg("--dir").arg(&fresh).arg("--write");
        run_until(root, &mut rejudge, deadline)
    })?;
    timed("keripy -> DKMS: compare with the committed scenarios (both keripy versions)", &mut || {
        compare_scenarios(&root.join(SCENARIOS), &fresh)
    })?;
    timed("keripy -> DKMS: our verdicts (cargo test)", &mut || {
        let test = ["test", "-p", "dkms-kel", "--test", "kel", "--locked", "--", "interop::", "--nocapture"];
        run_until(root, cargo().args(test), deadline)
    })?;
    timed("DKMS -> keripy: build our KELs", &mut || {
        let example = ["run", "-q", "-p", "dkms-kel", "--example", "interop_kels", "--locked", "--"];
        run_until(root, cargo().args(example).arg(&ours), deadline)
    })?;
    timed("DKMS -> keripy: keripy 1.1.17 checks them", &mut || {
        run_until(root, Command::new(&python).arg("interop/keripy/check_ours.py").arg(&ours), deadline)
    })?;
    timed("DKMS -> keripy: keripy 1.3.6 checks them", &mut || {
        run_until(root, Command::new(&python136).arg("interop/keripy/check_ours.py").arg(&ours), deadline)
    })?;
    for (version, py) in [("1.1.17", &python), ("1.3.6", &python136)] {
        timed(
            &format!("DKMS -> keripy {version}: KELs written by `keri kel export` (multi-key weighted, ECDSA)"),
            &mut || {
                let test = ["test", "-p", "dkms-cli", "--test", "cli", "--locked", "--", "keripy::", "--nocapture"];
                let mut cmd = cargo();
                cmd.args(test).env("DKMS_KERIPY_PYTHON", py).env("DKMS_KERIPY_VERSION", version);
                run_until(root, &mut cmd, deadline)
            },
        )?;
    }
    timed("differential: mutated keripy streams, keripy 1.1.17 and 1.3.6 against DKMS", &mut || {
        let seed = match std::env::var("DKMS_DIFFERENTIAL_SEED") {
            Ok(s) => s.parse().with_context(|| format!("DKMS_DIFFERENTIAL_SEED={s} is not a number"))?,
            Err(_) => DIFFERENTIAL_SEED,
        };
        differential(root, &python, &python136, seed, DIFFERENTIAL_COUNT, deadline)
    })?;
    eprintln!("interop: all checks passed in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Default seed and size of the differential run (`interop`, `differential`).
const DIFFERENTIAL_SEED: u64 = 1;
const DIFFERENTIAL_COUNT: usize = 300;

/// Differential testing against keripy: the `differential` example mutates the committed keripy
/// streams and records our verdicts, each keripy version judges the same streams
/// (`interop/keripy/differential.py judge`), and `differential.py compare` fails on any
/// difference no documented rule explains.
fn differential(
    root: &Path,
    python: &Path,
    python136: &Path,
    seed: u64,
    count: usize,
    deadline: Instant,
) -> Result<()> {
    let dir = target_dir(root).join("interop").join("differential");
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    let example = ["run", "-q", "-p", "dkms-kel", "--example", "differential", "--locked", "--"];
    run_until(root, cargo().args(example).arg(seed.to_string()).arg(count.to_string()).arg(&dir), deadline)?;
    for py in [python, python136] {
        run_until(root, Command::new(py).arg("interop/keripy/differential.py").arg("judge").arg(&dir), deadline)?;
    }
    run_until(root, Command::new(python).arg("interop/keripy/differential.py").arg("compare").arg(&dir), deadline)
}

/// The regenerated scenarios must equal the committed ones byte for byte, except the streams of
/// ECDSA scenarios (`"ecdsa": true`): ECDSA signatures are randomized.
fn compare_scenarios(committed: &Path, fresh: &Path) -> Result<()> {
    let list = |dir: &Path| -> Result<BTreeSet<String>> {
        let mut names = BTreeSet::new();
        for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") || name.ends_with(".cesr") {
                names.insert(name);
            }
        }
        Ok(names)
    };
    let (want, got) = (list(committed)?, list(fresh)?);
    if want != got {
        let missing: Vec<_> = got.difference(&want).collect();
        let stale: Vec<_> = want.difference(&got).collect();
        bail!(
            "scenario files differ: not committed {missing:?}, no longer generated {stale:?} (run `cargo xtask vectors`)"
        );
    }
    let mut differ = Vec::new();
    let mut skipped = 0;
    for name in &want {
        if let Some(stem) = name.strip_suffix(".cesr") {
            let json = fs::read_to_string(committed.join(format!("{stem}.json")))?;
            if json.contains("\"ecdsa\": true") {
                skipped += 1;
                continue;
            }
        }
        if fs::read(committed.join(name))? != fs::read(fresh.join(name))? {
            differ.push(name.clone());
        }
    }
    if !differ.is_empty() {
        bail!(
            "keripy 1.1.17 no longer produces the committed scenarios {differ:?}: compare {} with {}",
            committed.display(),
            fresh.display()
        );
    }
    eprintln!(
        "{} scenario files identical to the committed ones ({skipped} ECDSA streams not compared)",
        want.len() - skipped
    );
    Ok(())
}

/// `apt-get install -y <pkg>` when we are root; otherwise says what to install.
fn apt_install(root: &Path, pkg: &str) -> Result<()> {
    let uid = Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if uid.as_deref().ok() != Some("0") {
        bail!("`{pkg}` is missing and we are not root: install it (e.g. `sudo apt-get install {pkg}`) and retry");
    }
    run(root, Command::new("apt-get").args(["update", "-q"]))?;
    run(root, Command::new("apt-get").args(["install", "-y", "-q", pkg]).env("DEBIAN_FRONTEND", "noninteractive"))
}
