//! An encrypted-at-rest keystore: named records sealed with XChaCha20-Poly1305
//! under a key stretched from a passcode with Argon2id.
//!
//! Layout of a keystore directory (mode `0700`, every file `0600`):
//!
//! ```text
//! <dir>/header.json          format, version, KDF parameters and salt, verifier
//! <dir>/records/<hex(name)>.rec
//!                            "DKMSREC1" ‖ 24-byte random nonce ‖ ciphertext ‖ 16-byte tag
//! ```
//!
//! * **Key**: `Argon2id v1.3(passcode, salt, m, t, p) → 32 bytes`, with a random 16-byte
//!   salt and the parameters written in the header. Default: m = 64 MiB, t = 3, p = 1
//!   ([`KdfParams::default`]).
//! * **Verifier**: the header carries a short constant sealed under the key with the KDF
//!   parameters as associated data, so a wrong passcode is reported as
//!   [`Error::WrongPasscode`] before any record is touched, and a header whose
//!   parameters were edited does not open.
//! * **Records**: each sealed on its own with a fresh random 192-bit nonce; the associated
//!   data is `"dkms-keystore/1/record\0" ‖ name`, so a record copied or renamed to another
//!   name fails to open ([`Error::Tampered`]), as does any flipped bit.
//! * **Writes** go to a temporary file created `0600`, are synced, and renamed over the
//!   old record, so a crash leaves the old or the new record, never half of one.
//! * Record names (identifier aliases) are visible as hex file names; record contents are not.
//!
//! ```
//! use dkms::keystore::{KdfParams, Keystore};
//! use dkms::crypto::secrecy::{ExposeSecret, SecretString};
//!
//! let dir = std::env::temp_dir().join(format!("dkms-doc-keystore-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let pass = SecretString::from("correct horse battery staple");
//! // Cheap parameters keep this example fast; never use them for real keys.
//! let ks = Keystore::create_with(&dir, &pass, KdfParams::insecure_fast())?;
//! ks.put("greeting", b"hello")?;
//! let ks = Keystore::open(&dir, &pass)?;
//! assert_eq!(ks.get("greeting")?.unwrap().expose_secret(), b"hello");
//! assert!(matches!(
//!     Keystore::open(&dir, &SecretString::from("wrong passcode!")),
//!     Err(dkms::Error::WrongPasscode { .. })
//! ));
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), dkms::Error>(())
//! ```

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use argon2::{Algorithm as Argon2Algorithm, Argon2, Params, Version};
use chacha20poly1305::{AeadInOut, KeyInit, Tag, XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Result};

const HEADER: &str = "header.json";
const RECORDS: &str = "records";
const MAGIC: &[u8; 8] = b"DKMSREC1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const FORMAT: &str = "dkms-keystore";
const VERSION: u32 = 1;
const VERIFIER_PLAINTEXT: &[u8] = b"dkms keystore passcode verifier v1";
/// Longest record name, in bytes.
pub const MAX_NAME_LEN: usize = 200;

/// Argon2id parameters used to stretch the passcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB (`m_cost`).
    pub memory_kib: u32,
    /// Passes (`t_cost`).
    pub passes: u32,
    /// Lanes (`p_cost`).
    pub lanes: u32,
}

impl Default for KdfParams {
    /// m = 64 MiB, t = 3, p = 1: a few hundred milliseconds on a laptop, and 64 MiB
    /// of memory for every guess an attacker makes.
    fn default() -> Self {
        Self { memory_kib: 65_536, passes: 3, lanes: 1 }
    }
}

impl KdfParams {
    /// m = 8 KiB, t = 1: **for tests only**. A keystore made with these gives a stolen copy
    /// almost no protection against passcode guessing. The CLI uses them only when
    /// `DKMS_INSECURE_FAST_KDF=1` is set, and says so on stderr.
    #[must_use]
    pub const fn insecure_fast() -> Self {
        Self { memory_kib: 8, passes: 1, lanes: 1 }
    }

    fn check(&self) -> core::result::Result<(), String> {
        let ok = (8..=4 * 1024 * 1024).contains(&self.memory_kib)
            && (1..=64).contains(&self.passes)
            && (1..=16).contains(&self.lanes)
            && self.memory_kib >= 8 * self.lanes;
        if ok {
            Ok(())
        } else {
            Err(format!(
                "Argon2id parameters out of range: m = {} KiB (8 KiB..4 GiB), t = {} (1..64), p = {} (1..16)",
                self.memory_kib, self.passes, self.lanes
            ))
        }
    }
}

#[derive(Serialize, Deserialize)]
struct KdfHeader {
    algorithm: String,
    version: u32,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    kdf: KdfHeader,
    cipher: String,
    verifier: String,
}

impl Header {
    /// The associated data of the verifier: every KDF parameter, so none can be edited.
    fn verifier_aad(&self) -> Vec<u8> {
        format!(
            "dkms-keystore/{}/verifier\0{}/{}/{}/{}/{}/{}",
            self.version,
            self.kdf.algorithm,
            self.kdf.version,
            self.kdf.params.memory_kib,
            self.kdf.params.passes,
            self.kdf.params.lanes,
            self.kdf.salt
        )
        .into_bytes()
    }
}

/// An open keystore: its directory and the record key (zeroized on drop).
pub struct Keystore {
    dir: PathBuf,
    key: SecretBox<[u8; 32]>,
    params: KdfParams,
}

/// The record key is a `SecretBox`, wiped when the keystore is dropped.
impl ZeroizeOnDrop for Keystore {}

const _: () = {
    const fn zeroizes<T: ZeroizeOnDrop>() {}
    zeroizes::<SecretBox<[u8; 32]>>();
    zeroizes::<SecretSlice<u8>>();
    zeroizes::<Keystore>();
};

impl core::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Keystore").field("dir", &self.dir).field("params", &self.params).finish_non_exhaustive()
    }
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| Error::Kdf { step: "random generator" })?;
    Ok(b)
}

fn stretch(passcode: &SecretString, salt: &[u8], params: KdfParams) -> Result<SecretBox<[u8; 32]>> {
    let p = Params::new(params.memory_kib, params.passes, params.lanes, Some(32))
        .map_err(|_| Error::Kdf { step: "Argon2id parameters" })?;
    let argon = Argon2::new(Argon2Algorithm::Argon2id, Version::V0x13, p);
    let mut key = SecretBox::new(Box::new([0u8; 32]));
    argon
        .hash_password_into(passcode.expose_secret().as_bytes(), salt, key.expose_secret_mut())
        .map_err(|_| Error::Kdf { step: "Argon2id" })?;
    Ok(key)
}

fn record_aad(name: &str) -> Vec<u8> {
    let mut aad = format!("dkms-keystore/{VERSION}/record\0").into_bytes();
    aad.extend_from_slice(name.as_bytes());
    aad
}

/// Creates a directory (and its parents) with mode `0700` on Unix.
pub(crate) fn create_private_dir(path: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        b.mode(0o700);
    }
    b.create(path).map_err(|e| Error::io(path, e))
}

/// Writes `bytes` to `path` atomically: a `0600` temporary file, synced, then renamed.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{file_name}.tmp-{}", std::process::id()));
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let res = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Some(parent) = path.parent()
            && let Ok(d) = fs::File::open(parent)
        {
            let _ = d.sync_all();
        }
        Ok::<(), std::io::Error>(())
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res.map_err(|e| Error::io(path, e))
}

impl Keystore {
    /// True when `dir` holds a keystore header.
    #[must_use]
    pub fn exists(dir: impl AsRef<Path>) -> bool {
        dir.as_ref().join(HEADER).is_file()
    }

    /// Creates a keystore in `dir` with the default (strong) [`KdfParams`].
    ///
    /// # Errors
    /// [`Error::KeystoreExists`], [`Error::Invalid`] for a passcode shorter than 8 characters,
    /// [`Error::Io`], [`Error::Kdf`].
    pub fn create(dir: impl AsRef<Path>, passcode: &SecretString) -> Result<Self> {
        Self::create_with(dir, passcode, KdfParams::default())
    }

    /// Creates a keystore in `dir` with the given Argon2id parameters.
    ///
    /// # Errors
    /// As [`Keystore::create`], and [`Error::Invalid`] for parameters out of range.
    pub fn create_with(dir: impl AsRef<Path>, passcode: &SecretString, params: KdfParams) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        if Self::exists(&dir) {
            return Err(Error::KeystoreExists { dir });
        }
        if passcode.expose_secret().chars().count() < 8 {
            return Err(Error::invalid("passcode", "must have at least 8 characters"));
        }
        params.check().map_err(|r| Error::invalid("KDF parameters", r))?;
        create_private_dir(&dir.join(RECORDS))?;
        let salt: [u8; 16] = random()?;
        let key = stretch(passcode, &salt, params)?;
        let mut header = Header {
            format: FORMAT.into(),
            version: VERSION,
            kdf: KdfHeader { algorithm: "argon2id".into(), version: 0x13, params, salt: hex::encode(salt) },
            cipher: "xchacha20poly1305".into(),
            verifier: String::new(),
        };
        let sealed = seal(&key, VERIFIER_PLAINTEXT, &header.verifier_aad())?;
        header.verifier = hex::encode(sealed);
        let json = serde_json::to_vec_pretty(&header).map_err(|_| Error::Kdf { step: "header serialization" })?;
        write_private(&dir.join(HEADER), &json)?;
        Ok(Self { dir, key, params })
    }

    /// Opens the keystore in `dir`.
    ///
    /// # Errors
    /// [`Error::NoKeystore`], [`Error::BadHeader`], [`Error::WrongPasscode`], [`Error::Io`], [`Error::Kdf`].
    pub fn open(dir: impl AsRef<Path>, passcode: &SecretString) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        let path = dir.join(HEADER);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::NoKeystore { dir }),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let (header, salt, verifier) = parse_header(&path, &bytes)?;
        let key = stretch(passcode, &salt, header.kdf.params)?;
        // A wrong passcode and an edited header are indistinguishable here by design.
        match open_sealed(&key, &verifier, &header.verifier_aad()) {
            Some(p) if p.expose_secret() == VERIFIER_PLAINTEXT => {}
            _ => return Err(Error::WrongPasscode { dir }),
        }
        Ok(Self { dir, key, params: header.kdf.params })
    }

    /// The keystore directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The Argon2id parameters the keystore was created with.
    #[must_use]
    pub fn params(&self) -> KdfParams {
        self.params
    }

    fn record_path(&self, name: &str) -> PathBuf {
        self.dir.join(RECORDS).join(format!("{}.rec", hex::encode(name.as_bytes())))
    }

    fn check_name(name: &str) -> Result<()> {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return Err(Error::invalid("record name", format!("must have 1 to {MAX_NAME_LEN} bytes")));
        }
        Ok(())
    }

    /// Seals `secret` under `name`, replacing any record of that name.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty or too long name, [`Error::Io`], [`Error::Kdf`] if the
    /// random generator fails.
    pub fn put(&self, name: &str, secret: &[u8]) -> Result<()> {
        Self::check_name(name)?;
        let sealed = seal(&self.key, secret, &record_aad(name))?;
        let mut out = Vec::with_capacity(MAGIC.len() + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&sealed);
        write_private(&self.record_path(name), &out)
    }

    /// Opens the record `name`; `None` when there is none.
    ///
    /// # Errors
    /// [`Error::Tampered`] when the record does not authenticate (altered, truncated, or moved
    /// from another name), [`Error::Invalid`] for an empty or too long name, [`Error::Io`].
    pub fn get(&self, name: &str) -> Result<Option<SecretSlice<u8>>> {
        Self::check_name(name)?;
        let path = self.record_path(name);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let tampered = || Error::Tampered { dir: self.dir.clone(), name: name.to_owned() };
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(tampered)?;
        open_sealed(&self.key, body, &record_aad(name)).map(Some).ok_or_else(tampered)
    }

    /// Removes the record `name`; false when there was none.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty or too long name, [`Error::Io`].
    pub fn delete(&self, name: &str) -> Result<bool> {
        Self::check_name(name)?;
        let path = self.record_path(name);
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The names of all records, sorted. Files that are not records are skipped.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn names(&self) -> Result<Vec<String>> {
        let dir = self.dir.join(RECORDS);
        let mut out = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let file = entry.file_name();
            let Some(stem) = file.to_str().and_then(|f| f.strip_suffix(".rec")) else { continue };
            let Ok(raw) = hex::decode(stem) else { continue };
            let Ok(name) = String::from_utf8(raw) else { continue };
            out.push(name);
        }
        out.sort();
        Ok(out)
    }
}

/// `nonce ‖ ciphertext ‖ tag`. The plaintext is copied once, into a buffer of the final
/// size that is encrypted in place (so never reallocated) and wiped if encryption fails.
fn seal(key: &SecretBox<[u8; 32]>, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>> {
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.expose_secret()).map_err(|_| Error::Kdf { step: "cipher key length" })?;
    let nonce_bytes: [u8; NONCE_LEN] = random()?;
    let mut buf = Zeroizing::new(Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN));
    buf.extend_from_slice(&nonce_bytes);
    buf.extend_from_slice(plaintext);
    let body = buf.get_mut(NONCE_LEN..).unwrap_or_default();
    let tag = cipher
        .encrypt_inout_detached(&XNonce::from(nonce_bytes), aad, body.into())
        .map_err(|_| Error::Kdf { step: "encryption" })?;
    buf.extend_from_slice(&tag);
    // Ciphertext from here on: hand the allocation out, the emptied `buf` has nothing to wipe.
    Ok(core::mem::take(&mut *buf))
}

/// Reads and checks a header file's bytes: format, version, algorithms, parameters, salt and verifier.
fn parse_header(path: &Path, bytes: &[u8]) -> Result<(Header, Vec<u8>, Vec<u8>)> {
    let bad = |reason: String| Error::BadHeader { path: path.to_path_buf(), reason };
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("not a keystore header (JSON, line {} column {})", e.line(), e.column())))?;
    if header.format != FORMAT || header.version != VERSION {
        return Err(bad(format!("format {} version {} is not {FORMAT} {VERSION}", header.format, header.version)));
    }
    if header.kdf.algorithm != "argon2id" || header.kdf.version != 0x13 || header.cipher != "xchacha20poly1305" {
        return Err(bad("unsupported KDF or cipher".into()));
    }
    header.kdf.params.check().map_err(bad)?;
    let salt = hex::decode(&header.kdf.salt).map_err(|_| bad("salt is not hex".into()))?;
    if salt.len() != 16 {
        return Err(bad("salt must be 16 bytes".into()));
    }
    let verifier = hex::decode(&header.verifier).map_err(|_| bad("verifier is not hex".into()))?;
    Ok((header, salt, verifier))
}

/// Entry points for the fuzz targets in `fuzz/`: the keystore's file decoders.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// A header file: parsed and checked, never a panic.
    pub fn header(data: &[u8]) {
        let _ = parse_header(Path::new("header.json"), data);
    }

    /// A record file under a fixed key: opened or refused as tampered, never a panic.
    pub fn record(data: &[u8]) {
        let key = SecretBox::new(Box::new([7u8; 32]));
        if let Some(body) = data.strip_prefix(MAGIC.as_slice()) {
            let _ = open_sealed(&key, body, &record_aad("fuzz"));
        }
    }
}

/// Opens `nonce ‖ ciphertext ‖ tag`; `None` unless it authenticates. The tag is checked
/// before anything is decrypted; the plaintext is decrypted in place in a buffer of its exact
/// size, which becomes the returned secret without a reallocation (one would free an unwiped
/// copy) and is wiped if anything fails.
fn open_sealed(key: &SecretBox<[u8; 32]>, sealed: &[u8], aad: &[u8]) -> Option<SecretSlice<u8>> {
    let cipher = XChaCha20Poly1305::new_from_slice(key.expose_secret()).ok()?;
    let (nonce, rest) = sealed.split_at_checked(NONCE_LEN)?;
    let (ct, tag) = rest.split_at_checked(rest.len().checked_sub(TAG_LEN)?)?;
    let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
    let tag = Tag::try_from(tag).ok()?;
    let mut pt = Zeroizing::new(Vec::with_capacity(ct.len()));
    pt.extend_from_slice(ct);
    cipher.decrypt_inout_detached(&XNonce::from(nonce), aad, pt.as_mut_slice().into(), &tag).ok()?;
    Some(SecretSlice::from(core::mem::take(&mut *pt)))
}
