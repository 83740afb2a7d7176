//! `keri demo`: the main job end to end in a fresh temporary home.

use anyhow::{Context as _, Result, bail};
use dkms::crypto::secrecy::SecretString;
use dkms::event::primitives::Digest;
use dkms::event::seal::{Anchor, Seal};
use dkms::event::threshold::{Threshold, Weight};
use dkms::{Controller, InceptOptions, KdfParams, RotateOptions};
use serde_json::{Value as Json, json};

struct Steps {
    json: bool,
    steps: Vec<Json>,
}

impl Steps {
    fn step(&mut self, what: &str, detail: Json, text: &str) {
        if self.json {
            self.steps.push(json!({"step": what, "detail": detail}));
        } else {
            println!("{:>2}. {what}", self.steps.len() + 1);
            for l in text.lines() {
                println!("      {l}");
            }
            self.steps.push(Json::Null);
        }
    }
}

pub(crate) fn run(json_out: bool, keep: bool) -> Result<u8> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let home = std::env::temp_dir().join(format!("dkms-demo-{}-{nanos}", std::process::id()));
    let res = demo(&home, json_out);
    if keep {
        if !json_out {
            println!("kept the demo home {}", home.display());
        }
    } else {
        let _ = std::fs::remove_dir_all(&home);
    }
    res
}

fn demo(home: &std::path::Path, json_out: bool) -> Result<u8> {
    let mut s = Steps { json: json_out, steps: Vec::new() };
    let pass = SecretString::from("demo passcode (not a secret)");
    let params = KdfParams::default();
    let mut c = Controller::create(home, &pass, params)?;
    s.step(
        "init",
        json!({"home": home.display().to_string(), "kdf": {"memory_kib": params.memory_kib, "passes": params.passes}}),
        &format!(
            "home {} with an encrypted keystore (Argon2id {} MiB, t={}) and the embedded KEL store",
            home.display(),
            params.memory_kib / 1024,
            params.passes
        ),
    );

    let half = Weight::new(1, 2)?;
    let kt = Threshold::weighted(vec![vec![half, half, half]])?;
    let icp = c.incept("demo", InceptOptions { key_count: 3, kt: Some(kt), ..InceptOptions::default() })?;
    let state = c.state("demo")?.clone();
    s.step(
        "incept",
        json!({"alias": "demo", "prefix": icp.prefix, "said": icp.said, "keys": state.keys().len()}),
        &format!(
            "identifier 'demo' {}\n3 Ed25519 keys, weighted threshold [1/2, 1/2, 1/2], 3 pre-rotated next keys",
            icp.prefix
        ),
    );

    let rot = c.rotate("demo", RotateOptions::default())?;
    s.step(
        "rotate",
        json!({"sn": 1, "said": rot.said}),
        &format!("rotated to the pre-committed keys (sn 1, {})", rot.said),
    );

    let file = home.join("hello.txt");
    let data = b"Hello from DKMS: this file is signed by a KERI identifier.\n";
    std::fs::write(&file, data).with_context(|| format!("writing {}", file.display()))?;
    let d = Digest::new(dkms::crypto::digest(dkms::cesr::MatterCode::Blake3_256, data)?)?;
    let ixn = c.interact("demo", vec![Anchor::Seal(Seal::Digest { d: d.clone() })])?;
    s.step(
        "interact",
        json!({"sn": 2, "said": ixn.said, "anchored": d.qb64()}),
        &format!("anchored the digest of {} ({}) at sn 2", file.display(), d.qb64()),
    );

    let sigs = c.sign("demo", data)?;
    let sig_text = dkms::signatures_to_cesr(&sigs)?;
    let sig_file = home.join("hello.txt.sig");
    std::fs::write(&sig_file, &sig_text).with_context(|| format!("writing {}", sig_file.display()))?;
    s.step(
        "sign",
        json!({"file": file.display().to_string(), "signatures": sig_text}),
        &format!("signed {} with the 3 current keys -> {}", file.display(), sig_file.display()),
    );

    let v = c.verify(&icp.prefix, data, &sigs)?;
    let tampered = c.verify(&icp.prefix, b"Hello from someone else", &sigs).is_err();
    if !tampered {
        bail!("a signature verified over the wrong data");
    }
    s.step(
        "verify",
        json!({"valid": true, "indices": v.indices, "tampered_rejected": tampered}),
        &format!("signature valid against the KEL's current keys {:?}; altered data rejected", v.indices),
    );

    let kel = c.export("demo")?;
    let kel_file = home.join("demo.kel.cesr");
    std::fs::write(&kel_file, &kel).with_context(|| format!("writing {}", kel_file.display()))?;
    s.step(
        "export",
        json!({"file": kel_file.display().to_string(), "bytes": kel.len(), "events": 3}),
        &format!("exported the KEL (icp, rot, ixn with signatures) to {} ({} bytes)", kel_file.display(), kel.len()),
    );
    drop(c);

    let verdict = dkms::verify_stream(&kel);
    let st = verdict.states.first();
    s.step(
        "kel verify",
        json!({
            "valid": verdict.valid,
            "accepted": verdict.report.accepted,
            "sn": st.map(|x| crate::out::num(x.sn())),
            "digest": st.map(|x| x.said().qb64()),
        }),
        &format!(
            "stateless check in a fresh in-memory store: {} ({} events accepted, key state sn {})",
            if verdict.valid { "valid" } else { "INVALID" },
            verdict.report.accepted,
            st.map_or(0, |x| x.sn())
        ),
    );
    if json_out {
        let steps: Vec<Json> = s.steps.into_iter().filter(|x| !x.is_null()).collect();
        println!("{}", serde_json::to_string(&json!({"ok": verdict.valid, "steps": steps}))?);
    } else {
        println!("done: incept, rotate, interact, sign, verify, export, verify KEL — all in {}", home.display());
    }
    if !verdict.valid {
        bail!("the exported KEL did not verify");
    }
    Ok(0)
}
