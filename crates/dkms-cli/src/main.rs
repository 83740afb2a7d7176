//! `keri`: the DKMS command line. Identifiers with keys in an encrypted keystore, their
//! KELs in the embedded store, signing and verification, and CESR tools.
//!
//! Home directory: `--home`, else `DKMS_HOME`, else `$XDG_DATA_HOME/dkms`, else
//! `$HOME/.local/share/dkms`. Passcode: `DKMS_PASSCODE`, else a prompt on the terminal.
//! Every verb takes `--json`. Failures print one line `error: <cause>` on stderr and exit
//! with a non-zero code.

mod annotate;
mod demo;
mod out;

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use dkms::cesr::Domain;
use dkms::crypto::secrecy::SecretString;
use dkms::crypto::secrecy::zeroize::Zeroizing;
use dkms::crypto::{Algorithm, Tier};
use dkms::event::primitives::{Digest, Prefix};
use dkms::event::seal::{Anchor, Seal, Trait};
use dkms::event::threshold::Threshold;
use dkms::{Controller, InceptOptions, KdfParams, RotateOptions};
use serde_json::{Value as Json, json};

/// Exit code for a negative verdict (invalid stream, signature that does not verify).
const EXIT_INVALID: u8 = 1;
/// Exit code for every other failure.
const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "keri", version, about = "KERI identifiers, keys and key event logs (DKMS)", long_about = None)]
struct Cli {
    /// Home directory (default: $DKMS_HOME, else $XDG_DATA_HOME/dkms, else ~/.local/share/dkms).
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the home directory: an encrypted keystore and the embedded KEL store.
    Init,
    /// Make a new identifier (inception event).
    Incept(InceptArgs),
    /// Rotate an identifier to its pre-rotated keys and commit to new next keys.
    Rotate(RotateArgs),
    /// Add an interaction event anchoring seals or data digests.
    Interact(InteractArgs),
    /// Sign a file with an identifier's current keys (prints a CESR -A signature group).
    Sign(SignArgs),
    /// Verify a file's signatures against an identifier's current key state.
    Verify(VerifyArgs),
    /// List the identifiers of the keystore.
    List,
    /// Show the key state of an identifier (alias or prefix).
    Status {
        /// Alias or prefix.
        id: String,
    },
    /// Key event logs: export, import, verify, show.
    #[command(subcommand)]
    Kel(KelCommand),
    /// CESR stream tools.
    #[command(subcommand)]
    Cesr(CesrCommand),
    /// Run the whole job end to end in a fresh temporary home, printing each step.
    Demo {
        /// Keep the temporary home directory instead of deleting it.
        #[arg(long)]
        keep: bool,
    },
}

#[derive(Subcommand, Debug)]
enum KelCommand {
    /// Write a KEL as a CESR stream (each event with its signatures).
    Export {
        /// Alias or prefix.
        id: String,
        /// Write to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Attachments in the binary domain (needs --out).
        #[arg(long)]
        binary: bool,
    },
    /// Validate a CESR stream and add its events to the store.
    Import {
        /// The stream file, or `-` for stdin.
        file: PathBuf,
    },
    /// Verify a CESR stream on its own, in a fresh validator (over a temporary store past 4 MiB);
    /// exit 0 iff valid.
    Verify {
        /// The stream file, or `-` for stdin.
        file: PathBuf,
    },
    /// Show a KEL as a table (from the store, or from a stream file with --file).
    Show {
        /// Alias or prefix (optional with --file: every identifier in the file).
        id: Option<String>,
        /// Read the KEL from this CESR stream file (`-` for stdin) instead of the store.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum CesrCommand {
    /// Print any CESR stream one primitive per line, with code names and meanings.
    Annotate {
        /// The stream file, or `-` for stdin.
        file: PathBuf,
        /// Convert attachments to the binary domain and write the stream instead.
        #[arg(long, conflicts_with = "to_text")]
        to_binary: bool,
        /// Convert attachments to the text domain and write the stream instead.
        #[arg(long)]
        to_text: bool,
        /// Where to write a converted stream (default stdout).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Algo {
    Ed25519,
    Secp256k1,
    Secp256r1,
}

impl From<Algo> for Algorithm {
    fn from(a: Algo) -> Self {
        match a {
            Algo::Ed25519 => Algorithm::Ed25519,
            Algo::Secp256k1 => Algorithm::Secp256k1,
            Algo::Secp256r1 => Algorithm::Secp256r1,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TierArg {
    Temp,
    Low,
    Med,
    High,
}

#[derive(Args, Debug, Default)]
struct AnchorArgs {
    /// Anchor a seal, written `d=SAID`, `i=PREFIX,s=SN,d=SAID`, `s=SN,d=SAID`, `i=PREFIX`,
    /// `rd=ROOT` or `bi=PREFIX,d=SAID` (SN in hex). Repeatable.
    #[arg(long, value_name = "SEAL")]
    seal: Vec<String>,
    /// Anchor the Blake3-256 digest of a file as a `{d}` seal. Repeatable.
    #[arg(long, value_name = "FILE")]
    digest: Vec<PathBuf>,
}

#[derive(Args, Debug)]
struct InceptArgs {
    /// The alias of the new identifier.
    alias: String,
    /// Key algorithm.
    #[arg(long, value_enum, default_value = "ed25519")]
    algorithm: Algo,
    /// Number of signing keys.
    #[arg(long, default_value_t = 1)]
    keys: usize,
    /// Signing threshold: a number (`2`), weights (`1/2,1/2,1/4`), clauses (`1/2,1/2;1,1`) or JSON (`["1/2","1/2"]`).
    #[arg(long)]
    kt: Option<String>,
    /// Number of next (pre-rotated) keys (default: as many as --keys).
    #[arg(long)]
    next_keys: Option<usize>,
    /// Next threshold, written as --kt (default: --kt when the key counts match).
    #[arg(long)]
    nt: Option<String>,
    /// A witness prefix. Repeatable.
    #[arg(long, value_name = "PREFIX")]
    witness: Vec<String>,
    /// Witness threshold (default: keripy's ample majority).
    #[arg(long)]
    toad: Option<u64>,
    /// A configuration trait (`EO`, `DND`, …). Repeatable.
    #[arg(long, value_name = "TRAIT")]
    config: Vec<String>,
    /// Delegator prefix (makes a delegated inception).
    #[arg(long, value_name = "PREFIX")]
    delegator: Option<String>,
    /// Derive keys from this salt (qb64 `0A…`, keripy-compatible) instead of the OS random generator.
    #[arg(long, value_parser = salt_arg)]
    salt: Option<SaltArg>,
    /// Argon2id tier for salted keys.
    #[arg(long, value_enum, default_value = "low")]
    tier: TierArg,
    #[command(flatten)]
    anchors: AnchorArgs,
}

/// A salt given on the command line: held as a [`SecretString`] from the moment clap hands it
/// over, and never printed by `Debug`.
#[derive(Clone)]
struct SaltArg(SecretString);

impl std::fmt::Debug for SaltArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SaltArg(<redacted>)")
    }
}

/// Wraps the salt without looking at it. It must not fail: clap would quote the value in its
/// error. The salt is checked (by a decoder whose errors quote nothing) when it is used.
fn salt_arg(text: &str) -> std::result::Result<SaltArg, std::convert::Infallible> {
    Ok(SaltArg(SecretString::from(text)))
}

#[derive(Args, Debug)]
struct RotateArgs {
    /// The alias.
    alias: String,
    /// New signing threshold (default: the committed next threshold).
    #[arg(long)]
    kt: Option<String>,
    /// Number of new next keys (default: as many as the new signing keys; 0 abandons).
    #[arg(long)]
    next_keys: Option<usize>,
    /// New next threshold.
    #[arg(long)]
    nt: Option<String>,
    /// Witness to add. Repeatable.
    #[arg(long, value_name = "PREFIX")]
    add: Vec<String>,
    /// Witness to remove. Repeatable.
    #[arg(long, value_name = "PREFIX")]
    cut: Vec<String>,
    /// Witness threshold.
    #[arg(long)]
    toad: Option<u64>,
    #[command(flatten)]
    anchors: AnchorArgs,
}

#[derive(Args, Debug)]
struct InteractArgs {
    /// The alias.
    alias: String,
    #[command(flatten)]
    anchors: AnchorArgs,
}

#[derive(Args, Debug)]
struct SignArgs {
    /// The alias.
    alias: String,
    /// The file to sign, or `-` for stdin.
    file: PathBuf,
    /// Write the signature group to this file (default stdout).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    /// Alias or prefix of the signer (its KEL must be in the store).
    id: String,
    /// The signed file, or `-` for stdin.
    file: PathBuf,
    /// The signatures: a file holding the `-A` group written by `keri sign`, or the group text itself.
    #[arg(long, short, value_name = "FILE_OR_TEXT", allow_hyphen_values = true)]
    signatures: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let line = format!("{e:#}").replace(['\n', '\r'], " ");
            eprintln!("error: {line}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The home directory: --home, DKMS_HOME, XDG_DATA_HOME/dkms, HOME/.local/share/dkms.
fn home(cli: &Cli) -> Result<PathBuf> {
    if let Some(h) = &cli.home {
        return Ok(h.clone());
    }
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(h) = env("DKMS_HOME") {
        return Ok(h);
    }
    if let Some(x) = env("XDG_DATA_HOME") {
        return Ok(x.join("dkms"));
    }
    if let Some(h) = env("HOME") {
        return Ok(h.join(".local").join("share").join("dkms"));
    }
    bail!("no home directory: pass --home or set DKMS_HOME")
}

/// The passcode. Every `String` that held it is wiped: the secret is copied into an exact-size
/// [`SecretString`] (`SecretString::from(String)` could reallocate and free an unwiped copy).
fn passcode(confirm: bool) -> Result<SecretString> {
    if let Ok(p) = std::env::var("DKMS_PASSCODE") {
        let p = Zeroizing::new(p);
        return Ok(SecretString::from(p.as_str()));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passcode: set DKMS_PASSCODE (stdin is not a terminal, so keri cannot prompt)");
    }
    let p = Zeroizing::new(rpassword::prompt_password("keystore passcode: ").context("reading the passcode")?);
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("repeat the passcode: ").context("reading the passcode")?);
        if *again != *p {
            bail!("the passcodes differ");
        }
    }
    Ok(SecretString::from(p.as_str()))
}

fn kdf_params() -> KdfParams {
    if std::env::var("DKMS_INSECURE_FAST_KDF").is_ok_and(|v| v == "1") {
        eprintln!(
            "warning: DKMS_INSECURE_FAST_KDF=1: the keystore uses test-only Argon2id parameters (8 KiB, 1 pass); never use this for real keys"
        );
        KdfParams::insecure_fast()
    } else {
        KdfParams::default()
    }
}

/// Opens the home with the keystore.
fn open_keys(cli: &Cli) -> Result<Controller> {
    let home = home(cli)?;
    Ok(Controller::open(&home, &passcode(false)?)?)
}

/// Opens the home without the keystore when `id` is a prefix, with it when it is an alias.
fn open_for(cli: &Cli, id: &str) -> Result<Controller> {
    if Prefix::parse(id, "prefix").is_ok() {
        let c = Controller::open_public(home(cli)?)?;
        if c.kevery().state(id).is_some() {
            return Ok(c);
        }
        drop(c);
    }
    open_keys(cli)
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("reading stdin")?;
        Ok(buf)
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    }
}

fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => std::fs::write(p, bytes).with_context(|| format!("writing {}", p.display())),
        None => {
            let mut o = std::io::stdout().lock();
            o.write_all(bytes).context("writing stdout")?;
            o.flush().context("writing stdout")
        }
    }
}

fn print_json(v: &Json) -> Result<()> {
    println!("{}", serde_json::to_string(v)?);
    Ok(())
}

/// Parses a threshold: `2`, `1/2,1/2,1/4`, `1/2,1/2;1,1`, or JSON `["1/2","1/2"]`
/// ([`Threshold`]'s `FromStr`).
fn parse_threshold(text: &str) -> Result<Threshold> {
    text.parse::<Threshold>().with_context(|| format!("threshold {:?}", text.trim()))
}

fn parse_prefixes(items: &[String]) -> Result<Vec<Prefix>> {
    items.iter().map(|p| Prefix::parse(p, "prefix").with_context(|| format!("prefix {p:?}"))).collect()
}

/// Parses a seal: `d=` | `rd=` | `bi=,d=` | `i=,s=,d=` | `i=` | `s=,d=` ([`Seal`]'s `FromStr`).
fn parse_seal(text: &str) -> Result<Seal> {
    text.parse::<Seal>().with_context(|| format!("seal {text:?}"))
}

fn anchors(a: &AnchorArgs) -> Result<Vec<Anchor>> {
    let mut out = Vec::new();
    for s in &a.seal {
        out.push(Anchor::Seal(parse_seal(s)?));
    }
    for f in &a.digest {
        let data = read_input(f)?;
        let d = Digest::new(dkms::crypto::digest(dkms::cesr::MatterCode::Blake3_256, &data)?)?;
        out.push(Anchor::Seal(Seal::Digest { d }));
    }
    Ok(out)
}

fn tier(t: TierArg) -> Tier {
    match t {
        TierArg::Temp => Tier::Temp,
        TierArg::Low => Tier::Low,
        TierArg::Med => Tier::Med,
        TierArg::High => Tier::High,
    }
}

/// A progress indicator on stderr, shown only when stdout is a terminal: a bar when the
/// stream's length is known, else the bytes read so far.
struct Progress {
    label: &'static str,
    total: Option<u64>,
    show: bool,
    /// The last percentage (or MiB count) shown.
    last: Option<u64>,
}

impl Progress {
    fn new(label: &'static str, total: Option<u64>) -> Self {
        Self { label, total, show: std::io::stdout().is_terminal(), last: None }
    }

    fn update(&mut self, done: u64) {
        if !self.show {
            return;
        }
        let label = self.label;
        match self.total {
            Some(0) => {}
            Some(total) => {
                let pct = done.saturating_mul(100) / total;
                if self.last != Some(pct) {
                    self.last = Some(pct);
                    let bar = "#".repeat(usize::try_from(pct / 4).unwrap_or(25).min(25));
                    eprint!("\r{label} [{bar:<25}] {pct:>3}% ({done}/{total} bytes)");
                }
            }
            None => {
                let mib = done >> 20;
                if self.last != Some(mib) {
                    self.last = Some(mib);
                    eprint!("\r{label} {done} bytes");
                }
            }
        }
    }

    /// Ends the progress line, if one was shown.
    fn finish(&mut self) {
        if self.show && self.last.take().is_some() {
            eprintln!();
        }
    }
}

/// A stream to read: a file (with its length when it is a regular file) or stdin (`-`).
fn open_input(path: &Path) -> Result<(Box<dyn std::io::Read + Send>, Option<u64>)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let f = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let len = f.metadata().ok().filter(std::fs::Metadata::is_file).map(|m| m.len());
    Ok((Box::new(f), len))
}

/// Threads verifying signatures while a stream is read (the verdict does not depend on it).
fn stream_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Page cache of the home's store during `kel import`: a long import stays in bounded memory.
const IMPORT_CACHE_BYTES: usize = 24 << 20;

/// `DKMS_VERIFY_MEMORY_LIMIT` (hidden, for tests): bytes `kel verify` checks in memory
/// before it moves to a temporary store.
fn verify_options() -> dkms::VerifyOptions {
    let mut o = dkms::VerifyOptions::default();
    o.threads = stream_threads();
    if let Some(limit) = std::env::var("DKMS_VERIFY_MEMORY_LIMIT").ok().and_then(|v| v.parse().ok()) {
        o.memory_limit = limit;
    }
    o
}

fn run(cli: &Cli) -> Result<u8> {
    match &cli.command {
        Command::Init => init(cli),
        Command::Incept(a) => incept(cli, a),
        Command::Rotate(a) => rotate(cli, a),
        Command::Interact(a) => {
            let mut c = open_keys(cli)?;
            let ev = c.interact(&a.alias, anchors(&a.anchors)?)?;
            report_event(cli, &c, &ev)
        }
        Command::Sign(a) => sign(cli, a),
        Command::Verify(a) => verify(cli, a),
        Command::List => list(cli),
        Command::Status { id } => {
            let c = open_for(cli, id)?;
            let state = c.state(id)?;
            if cli.json {
                print_json(&out::state_json(state))?;
            } else {
                print!("{}", out::state_text(state));
            }
            Ok(0)
        }
        Command::Kel(k) => kel(cli, k),
        Command::Cesr(CesrCommand::Annotate { file, to_binary, to_text, out }) => {
            let bytes = read_input(file)?;
            if *to_binary || *to_text {
                let domain = if *to_binary { Domain::Binary } else { Domain::Text };
                let converted = annotate::convert(&bytes, domain)?;
                if cli.json {
                    if let Some(p) = out {
                        write_output(Some(p), &converted)?;
                    }
                    let mut v = json!({
                        "domain": if *to_binary { "binary" } else { "text" },
                        "bytes": converted.len(),
                    });
                    match out {
                        Some(p) => set(&mut v, "file", json!(p.display().to_string())),
                        None if *to_text => set(&mut v, "stream", json!(String::from_utf8_lossy(&converted))),
                        None => set(&mut v, "stream_hex", json!(hex_string(&converted))),
                    }
                    print_json(&v)?;
                } else {
                    write_output(out.as_deref(), &converted)?;
                }
                return Ok(0);
            }
            let (lines, error) = annotate::annotate(&bytes);
            if cli.json {
                let mut v = json!({ "lines": lines.iter().map(annotate::Line::to_json).collect::<Vec<_>>() });
                if let Some((offset, msg)) = &error {
                    set(&mut v, "error", json!({"offset": offset, "message": msg}));
                }
                print_json(&v)?;
            } else {
                for l in &lines {
                    println!("{}", l.to_text());
                }
            }
            if let Some((offset, msg)) = error {
                bail!("at byte {offset}: {msg}");
            }
            Ok(0)
        }
        Command::Demo { keep } => demo::run(cli.json, *keep),
    }
}

/// Adds a field to a JSON object.
fn set(v: &mut Json, key: &str, value: Json) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_owned(), value);
    }
}

fn hex_string(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn init(cli: &Cli) -> Result<u8> {
    let home = home(cli)?;
    let pass = passcode(true)?;
    let params = kdf_params();
    let c = Controller::create(&home, &pass, params)?;
    drop(c);
    if cli.json {
        print_json(&json!({
            "home": home.display().to_string(),
            "keystore": home.join(dkms::controller::KEYSTORE_DIR).display().to_string(),
            "store": home.join(dkms::controller::STORE_FILE).display().to_string(),
            "kdf": {"algorithm": "argon2id", "memory_kib": params.memory_kib, "passes": params.passes, "lanes": params.lanes},
        }))?;
    } else {
        println!("initialised {}", home.display());
        println!("  keystore  {}", home.join(dkms::controller::KEYSTORE_DIR).display());
        println!("  KEL store {}", home.join(dkms::controller::STORE_FILE).display());
    }
    Ok(0)
}

fn incept(cli: &Cli, a: &InceptArgs) -> Result<u8> {
    let opts = InceptOptions {
        algorithm: a.algorithm.into(),
        key_count: a.keys,
        kt: a.kt.as_deref().map(parse_threshold).transpose()?,
        next_count: a.next_keys,
        nt: a.nt.as_deref().map(parse_threshold).transpose()?,
        witnesses: parse_prefixes(&a.witness)?,
        toad: a.toad,
        config: a.config.iter().map(|t| Trait::parse(t)).collect(),
        delegator: a.delegator.as_deref().map(|d| Prefix::parse(d, "delegator")).transpose()?,
        anchors: anchors(&a.anchors)?,
        salt: a.salt.as_ref().map(|s| s.0.clone()),
        tier: tier(a.tier),
        pidx: None,
    };
    let mut c = open_keys(cli)?;
    let ev = c.incept(&a.alias, opts)?;
    report_event(cli, &c, &ev)
}

fn rotate(cli: &Cli, a: &RotateArgs) -> Result<u8> {
    let opts = RotateOptions {
        kt: a.kt.as_deref().map(parse_threshold).transpose()?,
        next_count: a.next_keys,
        nt: a.nt.as_deref().map(parse_threshold).transpose()?,
        adds: parse_prefixes(&a.add)?,
        cuts: parse_prefixes(&a.cut)?,
        toad: a.toad,
        anchors: anchors(&a.anchors)?,
    };
    let mut c = open_keys(cli)?;
    let ev = c.rotate(&a.alias, opts)?;
    report_event(cli, &c, &ev)
}

fn report_event(cli: &Cli, c: &Controller, ev: &dkms::EventSummary) -> Result<u8> {
    let status = match &ev.status {
        dkms::Status::Escrowed(k) => format!("escrowed ({})", k.as_str()),
        _ => "accepted".to_owned(),
    };
    if cli.json {
        let mut v = json!({
            "alias": ev.alias,
            "prefix": ev.prefix,
            "event": ev.ilk.as_str(),
            "sn": out::num(ev.sn),
            "said": ev.said,
            "status": status,
        });
        if let Some(state) = c.kevery().state(&ev.prefix) {
            set(&mut v, "state", out::state_json(state));
        }
        print_json(&v)?;
    } else {
        println!("{} {} sn {} {} ({status})", ev.ilk.as_str(), ev.alias, ev.sn, ev.prefix);
        println!("  said {}", ev.said);
        if let Some(state) = c.kevery().state(&ev.prefix) {
            for (i, k) in state.keys().iter().enumerate() {
                println!("  key {i} {}", k.qb64());
            }
        }
    }
    Ok(0)
}

fn sign(cli: &Cli, a: &SignArgs) -> Result<u8> {
    let data = read_input(&a.file)?;
    let c = open_keys(cli)?;
    let sigs = c.sign(&a.alias, &data)?;
    let text = dkms::signatures_to_cesr(&sigs)?;
    let state = c.state(&a.alias)?;
    if let Some(p) = &a.out {
        write_output(Some(p), text.as_bytes())?;
    }
    if cli.json {
        print_json(&json!({
            "alias": a.alias,
            "prefix": state.prefix().qb64(),
            "sn": out::num(state.sn()),
            "signatures": text,
            "indexed": sigs.iter().map(|s| s.qb64()).collect::<Vec<_>>(),
        }))?;
    } else if a.out.is_none() {
        println!("{text}");
    } else {
        println!("signed {} with {} key(s) of {}", a.file.display(), sigs.len(), state.prefix().qb64());
    }
    Ok(0)
}

fn verify(cli: &Cli, a: &VerifyArgs) -> Result<u8> {
    let data = read_input(&a.file)?;
    let sig_text = if Path::new(&a.signatures).is_file() {
        std::fs::read_to_string(&a.signatures).with_context(|| format!("reading {}", a.signatures))?
    } else {
        a.signatures.clone()
    };
    let sigs = dkms::signatures_from_cesr(&sig_text).context("reading the signatures")?;
    let c = open_for(cli, &a.id)?;
    let prefix = c.resolve(&a.id)?;
    match c.verify(&prefix, &data, &sigs) {
        Ok(v) => {
            if cli.json {
                print_json(&json!({"valid": true, "prefix": v.prefix, "sn": out::num(v.sn), "indices": v.indices}))?;
            } else {
                println!("valid: signed by {} (keys {:?} at sn {})", v.prefix, v.indices, v.sn);
            }
            Ok(0)
        }
        Err(dkms::Error::VerificationFailed) => {
            if cli.json {
                print_json(&json!({"valid": false, "prefix": prefix, "error": "signature verification failed"}))?;
            }
            eprintln!("error: signature verification failed");
            Ok(EXIT_INVALID)
        }
        Err(e) => Err(e.into()),
    }
}

fn list(cli: &Cli) -> Result<u8> {
    let c = open_keys(cli)?;
    let ids = c.identifiers()?;
    if cli.json {
        let items: Vec<Json> = ids
            .iter()
            .map(|i| {
                json!({
                    "alias": i.alias,
                    "prefix": i.prefix,
                    "sn": i.state.as_ref().map(|s| out::num(s.sn())),
                    "algorithm": i.algorithm.map(|a| a.name()),
                    "external": i.external,
                    "keys": i.state.as_ref().map_or(0, |s| s.keys().len()),
                })
            })
            .collect();
        print_json(&json!({ "identifiers": items }))?;
    } else if ids.is_empty() {
        println!("no identifiers (make one with `keri incept ALIAS`)");
    } else {
        println!("{:<20} {:<46} {:>4} {:>4}  algorithm", "alias", "prefix", "sn", "keys");
        for i in &ids {
            let sn = i.state.as_ref().map_or("-".to_owned(), |s| s.sn().to_string());
            let keys = i.state.as_ref().map_or(0, |s| s.keys().len());
            let algo = if i.external { "external" } else { i.algorithm.map_or("?", Algorithm::name) };
            println!("{:<20} {:<46} {sn:>4} {keys:>4}  {algo}", i.alias, i.prefix);
        }
    }
    Ok(0)
}

fn kel(cli: &Cli, k: &KelCommand) -> Result<u8> {
    match k {
        KelCommand::Export { id, out: path, binary } => {
            if *binary && path.is_none() {
                bail!("--binary needs --out FILE");
            }
            let c = open_for(cli, id)?;
            let prefix = c.resolve(id)?;
            let stream = c.export_in(&prefix, if *binary { Domain::Binary } else { Domain::Text })?;
            let events = dkms::chain(c.kevery(), &prefix)?.len();
            if let Some(p) = path {
                write_output(Some(p), &stream)?;
            }
            if cli.json {
                let mut v = json!({"prefix": prefix, "events": events, "bytes": stream.len()});
                match path {
                    Some(p) => set(&mut v, "file", json!(p.display().to_string())),
                    None => set(&mut v, "stream", json!(String::from_utf8_lossy(&stream))),
                }
                print_json(&v)?;
            } else if let Some(p) = path {
                println!("exported {events} event(s) of {prefix} to {} ({} bytes)", p.display(), stream.len());
            } else {
                write_output(None, &stream)?;
                println!();
            }
            Ok(0)
        }
        KelCommand::Import { file } => {
            let (input, total) = open_input(file)?;
            let mut c = Controller::open_public_with_cache(home(cli)?, IMPORT_CACHE_BYTES)?;
            let mut shown = Progress::new("importing", total);
            let report = c.import_reader(input, stream_threads(), &mut |done| shown.update(done));
            shown.finish();
            let report = report.with_context(|| format!("importing {}", file.display()))?;
            if cli.json {
                print_json(&out::report_json(&report))?;
            } else {
                println!(
                    "imported: {} accepted, {} escrowed, {} rejected, {} duplicate(s)",
                    report.accepted, report.escrowed, report.rejected, report.duplicates
                );
                print!("{}", out::report_lines(&report));
            }
            if report.rejected > 0 || !report.errors.is_empty() {
                let first = report.errors.first().map(|r| format!(" (first at byte {}: {})", r.offset, r.error));
                bail!("{} message(s) rejected{}", report.rejected.max(1), first.unwrap_or_default());
            }
            Ok(0)
        }
        KelCommand::Verify { file } => {
            let (input, total) = open_input(file)?;
            let mut shown = Progress::new("verifying", total);
            let verdict = dkms::verify_reader(input, &verify_options(), &mut |done| shown.update(done));
            shown.finish();
            let verdict = verdict.with_context(|| format!("verifying {}", file.display()))?;
            if cli.json {
                print_json(&out::verdict_json(&verdict))?;
            } else {
                print!("{}", out::verdict_text(&verdict));
            }
            if verdict.valid {
                Ok(0)
            } else {
                if !cli.json {
                    eprintln!("error: the stream is not valid");
                }
                Ok(EXIT_INVALID)
            }
        }
        KelCommand::Show { id, file } => {
            let tables = match file {
                Some(f) => out::kel_tables_from_stream(&read_input(f)?, id.as_deref())?,
                None => {
                    let id = id.as_deref().ok_or_else(|| anyhow!("give an alias or prefix, or --file"))?;
                    let c = open_for(cli, id)?;
                    let prefix = c.resolve(id)?;
                    vec![out::KelTable::from_kevery(c.kevery(), &prefix)?]
                }
            };
            if cli.json {
                let v: Vec<Json> = tables.iter().map(out::KelTable::to_json).collect();
                print_json(&json!({ "kels": v }))?;
            } else {
                for t in &tables {
                    print!("{}", t.to_text());
                }
            }
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

    use clap::Parser as _;
    use dkms::crypto::secrecy::ExposeSecret as _;

    use super::{Cli, Command};

    const SALT: &str = "0AAwMTIzNDU2Nzg5YWJjZGVm";

    #[test]
    fn parsed_arguments_never_show_the_salt() {
        let cli = Cli::try_parse_from(["keri", "incept", "alice", "--salt", SALT, "--tier", "temp"]).unwrap();
        let dbg = format!("{cli:?} {cli:#?}");
        assert!(!dbg.contains(SALT) && !dbg.contains(&SALT[2..10]), "{dbg}");
        assert!(dbg.contains("<redacted>"), "{dbg}");
        let Command::Incept(a) = &cli.command else { panic!("not incept") };
        assert_eq!(a.salt.as_ref().unwrap().0.expose_secret(), SALT);
        // A clap error about another argument does not quote the salt either.
        let err = Cli::try_parse_from(["keri", "incept", "alice", "--salt", SALT, "--keys", "x"]).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains(SALT) && !text.contains(&SALT[2..10]), "{text}");
    }
}
