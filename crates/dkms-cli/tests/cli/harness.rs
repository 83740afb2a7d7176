//! Runs the real binary in a temporary home of its own.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) const PASS: &str = "test passcode 123";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh home directory, removed on drop.
pub(crate) struct Home {
    pub(crate) dir: PathBuf,
}

impl Home {
    pub(crate) fn new(tag: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("dkms-cli-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    /// A home with `keri init` done.
    pub(crate) fn init(tag: &str) -> Self {
        let h = Self::new(tag);
        h.ok(&["init"]);
        h
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_keri"));
        c.args(args)
            .env("DKMS_HOME", self.dir.join("home"))
            .env("DKMS_PASSCODE", PASS)
            .env("DKMS_INSECURE_FAST_KDF", "1")
            .env_remove("XDG_DATA_HOME")
            .stdin(Stdio::null());
        c
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub(crate) fn run_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child =
            self.cmd(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs and asserts success; returns stdout.
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "keri {args:?} failed: {}\nstdout: {}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs with --json and parses stdout.
    pub(crate) fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    /// Runs, asserts failure with one `error:` line on stderr; returns that line.
    pub(crate) fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        failure(&out, args)
    }

    pub(crate) fn home_dir(&self) -> PathBuf {
        self.dir.join("home")
    }
}

pub(crate) fn failure(out: &Output, args: &[&str]) -> String {
    assert!(!out.status.success(), "keri {args:?} should fail; stdout: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert_eq!(lines.len(), 1, "one line of cause expected, got {stderr:?}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0].to_owned()
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}
