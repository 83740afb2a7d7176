//! The store traits implemented once over an ordered key-value interface, which each embedded
//! backend provides. The byte layout is in [`crate::codec`].

use std::collections::HashMap;

use crate::codec::{KeyBuf, Reader, Table, check_id, decode_items, encode_items, put_blob, said_hash, successor};
use crate::error::{Error, Result};
use crate::{AttachmentKind, Duplicate, EscrowEntry, EscrowKey, EscrowKind, EventRecord, KelEntry, ReadTxn, WriteTxn};

/// Visitor of scanned records: returns whether to go on.
pub(crate) type Visit<'f> = &'f mut dyn FnMut(&[u8], &[u8]) -> Result<bool>;

/// Ordered reads of a backend.
pub(crate) trait KvRead {
    /// The value of `key` in `table`.
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Visits the records with `lo <= key < hi` (no `hi`: to the end), ascending or descending
    /// (`rev`), until the visitor returns `false`.
    fn scan(&self, table: Table, lo: &[u8], hi: Option<&[u8]>, rev: bool, visit: Visit<'_>) -> Result<()>;
}

/// Writes of a backend's transaction.
pub(crate) trait KvWrite: KvRead {
    fn put(&mut self, table: Table, key: &[u8], value: &[u8]) -> Result<()>;
    /// Returns whether the key was there.
    fn delete(&mut self, table: Table, key: &[u8]) -> Result<bool>;
    fn commit(self) -> Result<()>;
}

/// Where an event's records are: (prefix id, first-seen ordinal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Loc {
    id: u64,
    ordinal: u64,
}

/// What a write transaction remembers so that appends neither scan nor look up again.
#[derive(Default)]
pub(crate) struct Cache {
    /// Per prefix appended to: its id and next first-seen ordinal.
    heads: HashMap<String, (u64, u64)>,
    /// The id the next new prefix gets, once looked up.
    next_id: Option<u64>,
    /// Where the events appended in this transaction are, by SAID.
    appended: HashMap<String, Loc>,
    /// Entries added to run (0, 0) of the SAID index in this transaction.
    l0_added: u64,
}

/// The store traits over a key-value transaction.
pub(crate) struct Txn<K>(pub(crate) K, pub(crate) Cache);

impl<K> Txn<K> {
    pub(crate) fn new(kv: K) -> Self {
        Txn(kv, Cache::default())
    }
}

fn scan_prefix<K: KvRead>(kv: &K, table: Table, lo: &[u8], prefix: &[u8], rev: bool, visit: Visit<'_>) -> Result<()> {
    let hi = successor(prefix);
    kv.scan(table, lo, hi.as_deref(), rev, visit)
}

fn collect<K: KvRead, T>(
    kv: &K,
    table: Table,
    lo: &[u8],
    prefix: &[u8],
    mut decode: impl FnMut(&[u8], &[u8]) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    scan_prefix(kv, table, lo, prefix, false, &mut |k, v| {
        out.push(decode(k, v)?);
        Ok(true)
    })?;
    Ok(out)
}

fn id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

fn loc_key(loc: Loc) -> Vec<u8> {
    KeyBuf::new().u64(loc.id).u64(loc.ordinal).done()
}

fn kel_key(id: u64, sn: u128) -> Vec<u8> {
    KeyBuf::new().u64(id).u128(sn).done()
}

fn attachment_key(loc: Loc, kind: AttachmentKind) -> Vec<u8> {
    KeyBuf::new().u64(loc.id).u64(loc.ordinal).u8(kind.code()).done()
}

/// The SAID index is a small log-structured merge tree inside two tables, so that appending an
/// event writes few pages however large the store is. New entries go to run (0, 0), which takes
/// random inserts but stays small: once it holds [`L0_MAX`] entries, the commit writes them, sorted,
/// as a new run of level 1 (appended at the end of the table: a sequential write) and deletes
/// them. When a level holds [`FANOUT`] runs, they are merged into one run of the next level, up
/// to [`TOP_LEVEL`], whose runs are not merged (so a merge holds at most `L0_MAX * FANOUT^2`
/// entries in memory: 6 MiB). A lookup seeks its hash in every run.
pub(crate) const L0_MAX: u64 = 4096;
/// Runs of one level merged together.
pub(crate) const FANOUT: usize = 8;
/// The last level; its runs stay as they are.
pub(crate) const TOP_LEVEL: u8 = 3;

/// The key of an index entry.
fn index_key(level: u8, run: u64, hash: u64, loc: Loc) -> Vec<u8> {
    KeyBuf::new().u8(level).u64(run).u64(hash).u64(loc.id).u64(loc.ordinal).done()
}

/// The entry of `said` in run (0, 0).
fn l0_key(said: &str, loc: Loc) -> Vec<u8> {
    index_key(0, 0, said_hash(said), loc)
}

/// Decodes an index key: (level, run, hash, location).
fn decode_index(key: &[u8], value: &[u8]) -> Result<(u8, u64, u64, Loc)> {
    let mut r = Reader::new(Table::SaidIndex, key, key);
    let (level, run, hash) = (r.u8()?, r.u64()?, r.u64()?);
    let loc = Loc { id: r.u64()?, ordinal: r.u64()? };
    r.end()?;
    Reader::new(Table::SaidIndex, key, value).end()?;
    Ok((level, run, hash, loc))
}

/// The key of a run in `said_runs`.
fn run_key(level: u8, run: u64) -> Vec<u8> {
    KeyBuf::new().u8(level).u64(run).done()
}

fn escrow_key(key: &EscrowKey) -> Vec<u8> {
    KeyBuf::new().u8(key.kind.code()).str(&key.prefix).u128(key.sn).tail(&key.said).done()
}

fn dup_key(prefix: &str, sn: u128, said: &str) -> Vec<u8> {
    KeyBuf::new().str(prefix).u128(sn).tail(said).done()
}

/// A first-seen record: (sn, first-seen µs, SAID).
struct Fel {
    sn: u128,
    first_seen_micros: u64,
    said: String,
}

fn decode_fel(key: &[u8], value: &[u8]) -> Result<(Loc, Fel)> {
    let mut k = Reader::new(Table::Fel, key, key);
    let id = k.u64()?;
    let ordinal = k.u64()?;
    k.end()?;
    let mut v = Reader::new(Table::Fel, key, value);
    let sn = v.u128()?;
    let first_seen_micros = v.u64()?;
    let said = v.tail_str()?;
    Ok((Loc { id, ordinal }, Fel { sn, first_seen_micros, said }))
}

fn entry(prefix: &str, loc: Loc, f: Fel) -> KelEntry {
    KelEntry {
        prefix: prefix.to_owned(),
        sn: f.sn,
        said: f.said,
        ordinal: loc.ordinal,
        first_seen_micros: f.first_seen_micros,
    }
}

fn decode_escrow(key: &[u8], value: &[u8]) -> Result<EscrowEntry> {
    let mut k = Reader::new(Table::Escrows, key, key);
    let code = k.u8()?;
    let kind = EscrowKind::from_code(code).ok_or_else(|| k.corrupt("unknown escrow kind"))?;
    let prefix = k.str()?;
    let sn = k.u128()?;
    let said = k.tail_str()?;
    let mut v = Reader::new(Table::Escrows, key, value);
    let inserted_micros = v.u64()?;
    let blob = v.tail_bytes();
    Ok(EscrowEntry { key: EscrowKey { kind, prefix, sn, said }, inserted_micros, blob })
}

fn decode_dup(key: &[u8], value: &[u8]) -> Result<Duplicate> {
    let mut k = Reader::new(Table::Duplicates, key, key);
    let prefix = k.str()?;
    let sn = k.u128()?;
    let said = k.tail_str()?;
    let mut v = Reader::new(Table::Duplicates, key, value);
    let event = v.blob()?;
    let attachments = v.blob()?;
    v.end()?;
    Ok(Duplicate { prefix, sn, said, event, attachments })
}

/// Unique list of `items`, first occurrence kept.
fn dedup(items: &[String]) -> Vec<String> {
    let mut list: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
    list
}

impl<K: KvRead> Txn<K> {
    /// The id of `prefix`, if it has a KEL.
    fn id_of(&self, prefix: &str) -> Result<Option<u64>> {
        if let Some((id, _)) = self.1.heads.get(prefix) {
            return Ok(Some(*id));
        }
        let Some(v) = self.0.get(Table::PrefixIds, prefix.as_bytes())? else { return Ok(None) };
        let mut r = Reader::new(Table::PrefixIds, prefix.as_bytes(), &v);
        let id = r.u64()?;
        r.end()?;
        Ok(Some(id))
    }

    /// The prefix with id `id`.
    fn prefix_of(&self, id: u64) -> Result<String> {
        let key = id_key(id);
        let v = self.0.get(Table::IdPrefixes, &key)?;
        let Some(v) = v else {
            return Err(Reader::new(Table::IdPrefixes, &key, &key).corrupt("an event's prefix id has no prefix"));
        };
        Reader::new(Table::IdPrefixes, &key, &v).tail_str()
    }

    /// The first-seen record at `loc`.
    fn fel_at(&self, loc: Loc) -> Result<Option<Fel>> {
        let key = loc_key(loc);
        self.0.get(Table::Fel, &key)?.map(|v| decode_fel(&key, &v).map(|(_, f)| f)).transpose()
    }

    /// Where the event `said` is (the first appended, if more than one) and its first-seen record.
    fn find(&self, said: &str) -> Result<Option<(Loc, Fel)>> {
        check_id("said", said)?;
        if let Some(loc) = self.1.appended.get(said) {
            let f = self.fel_at(*loc)?;
            let Some(f) = f else {
                return Err(Reader::new(Table::Fel, &loc_key(*loc), &[]).corrupt("appended entry missing"));
            };
            return Ok(Some((*loc, f)));
        }
        let hash = said_hash(said);
        let mut candidates = Vec::new();
        for (level, run) in std::iter::once((0, 0)).chain(self.runs()?.into_iter().map(|(l, r, _)| (l, r))) {
            let p = KeyBuf::new().u8(level).u64(run).u64(hash).done();
            scan_prefix(&self.0, Table::SaidIndex, &p, &p, false, &mut |k, v| {
                candidates.push(decode_index(k, v)?.3);
                Ok(true)
            })?;
        }
        for loc in candidates {
            match self.fel_at(loc)? {
                Some(f) if f.said == said => return Ok(Some((loc, f))),
                Some(_) => {} // another SAID with the same hash
                None => {
                    let key = l0_key(said, loc);
                    return Err(
                        Reader::new(Table::SaidIndex, &key, &key).corrupt("points at a missing first-seen entry")
                    );
                }
            }
        }
        Ok(None)
    }

    /// The runs of the SAID index other than (0, 0): (level, run, entries), by level then run.
    fn runs(&self) -> Result<Vec<(u8, u64, u64)>> {
        let mut out = Vec::new();
        let lo = [1u8];
        self.0.scan(Table::SaidRuns, &lo, None, false, &mut |k, v| {
            let mut r = Reader::new(Table::SaidRuns, k, k);
            let (level, run) = (r.u8()?, r.u64()?);
            r.end()?;
            let mut val = Reader::new(Table::SaidRuns, k, v);
            let n = val.u64()?;
            val.end()?;
            out.push((level, run, n));
            Ok(true)
        })?;
        Ok(out)
    }

    /// Entries of run (0, 0) and the next run number.
    fn l0_state(&self) -> Result<(u64, u64)> {
        let key = run_key(0, 0);
        let Some(v) = self.0.get(Table::SaidRuns, &key)? else { return Ok((0, 1)) };
        let mut r = Reader::new(Table::SaidRuns, &key, &v);
        let state = (r.u64()?, r.u64()?);
        r.end()?;
        Ok(state)
    }

    /// The body of the event at `loc`.
    fn body_at(&self, loc: Loc) -> Result<Vec<u8>> {
        let key = loc_key(loc);
        match self.0.get(Table::Events, &key)? {
            Some(b) => Ok(b),
            None => Err(Reader::new(Table::Events, &key, &key).corrupt("first-seen entry without its event body")),
        }
    }

    fn attachments_at(&self, loc: Loc, kind: AttachmentKind) -> Result<Vec<String>> {
        let key = attachment_key(loc, kind);
        match self.0.get(Table::Attachments, &key)? {
            Some(v) => decode_items(&key, &v),
            None => Ok(Vec::new()),
        }
    }

    /// The next first-seen ordinal of prefix `id` (the log's length).
    fn next_ordinal(&self, id: u64) -> Result<u64> {
        let p = id_key(id);
        let mut last = None;
        scan_prefix(&self.0, Table::Fel, &p, &p, true, &mut |k, v| {
            last = Some(decode_fel(k, v)?.0.ordinal);
            Ok(false)
        })?;
        match last {
            None => Ok(0),
            Some(o) => {
                o.checked_add(1).ok_or_else(|| Reader::new(Table::Fel, &p, &p).corrupt("first-seen ordinal overflow"))
            }
        }
    }

    /// The id the next new prefix gets.
    fn next_id(&self) -> Result<u64> {
        if let Some(id) = self.1.next_id {
            return Ok(id);
        }
        let mut last = None;
        self.0.scan(Table::IdPrefixes, &[], None, true, &mut |k, _| {
            let mut r = Reader::new(Table::IdPrefixes, k, k);
            last = Some(r.u64()?);
            r.end()?;
            Ok(false)
        })?;
        match last {
            None => Ok(0),
            Some(id) => {
                id.checked_add(1).ok_or_else(|| Reader::new(Table::IdPrefixes, &[], &[]).corrupt("id overflow"))
            }
        }
    }
}

impl<K: KvRead> ReadTxn for Txn<K> {
    fn kel_entry(&self, prefix: &str, sn: u128) -> Result<Option<KelEntry>> {
        check_id("prefix", prefix)?;
        let Some(id) = self.id_of(prefix)? else { return Ok(None) };
        let key = kel_key(id, sn);
        let Some(v) = self.0.get(Table::Kel, &key)? else { return Ok(None) };
        let mut r = Reader::new(Table::Kel, &key, &v);
        let loc = Loc { id, ordinal: r.u64()? };
        r.end()?;
        match self.fel_at(loc)? {
            Some(f) if f.sn == sn => Ok(Some(entry(prefix, loc, f))),
            Some(_) => Err(Reader::new(Table::Kel, &key, &key).corrupt("index disagrees with the first-seen log")),
            None => Err(Reader::new(Table::Kel, &key, &key).corrupt("index points at a missing first-seen entry")),
        }
    }

    fn kel(&self, prefix: &str, from_sn: u128) -> Result<Vec<KelEntry>> {
        check_id("prefix", prefix)?;
        let Some(id) = self.id_of(prefix)? else { return Ok(Vec::new()) };
        let p = id_key(id);
        let idx = collect(&self.0, Table::Kel, &kel_key(id, from_sn), &p, |k, v| {
            let mut key = Reader::new(Table::Kel, k, k);
            let _id = key.u64()?;
            let sn = key.u128()?;
            key.end()?;
            let mut r = Reader::new(Table::Kel, k, v);
            let ordinal = r.u64()?;
            r.end()?;
            Ok((k.to_vec(), sn, ordinal))
        })?;
        idx.into_iter()
            .map(|(key, sn, ordinal)| {
                let loc = Loc { id, ordinal };
                match self.fel_at(loc)? {
                    Some(f) if f.sn == sn => Ok(entry(prefix, loc, f)),
                    Some(_) => {
                        Err(Reader::new(Table::Kel, &key, &key).corrupt("index disagrees with the first-seen log"))
                    }
                    None => {
                        Err(Reader::new(Table::Kel, &key, &key).corrupt("index points at a missing first-seen entry"))
                    }
                }
            })
            .collect()
    }

    fn first_seen(&self, prefix: &str, from: u64) -> Result<Vec<KelEntry>> {
        check_id("prefix", prefix)?;
        let Some(id) = self.id_of(prefix)? else { return Ok(Vec::new()) };
        let p = id_key(id);
        collect(&self.0, Table::Fel, &loc_key(Loc { id, ordinal: from }), &p, |k, v| {
            let (loc, f) = decode_fel(k, v)?;
            Ok(entry(prefix, loc, f))
        })
    }

    fn prefixes(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.0.scan(Table::PrefixIds, &[], None, false, &mut |k, _| {
            out.push(Reader::new(Table::PrefixIds, k, k).tail_str()?);
            Ok(true)
        })?;
        Ok(out)
    }

    fn event(&self, said: &str) -> Result<Option<Vec<u8>>> {
        match self.find(said)? {
            Some((loc, _)) => self.body_at(loc).map(Some),
            None => Ok(None),
        }
    }

    fn event_record(&self, said: &str) -> Result<Option<EventRecord>> {
        let Some((loc, f)) = self.find(said)? else { return Ok(None) };
        let prefix = self.prefix_of(loc.id)?;
        let body = self.body_at(loc)?;
        let p = loc_key(loc);
        let attachments = collect(&self.0, Table::Attachments, &p, &p, |k, v| {
            let mut r = Reader::new(Table::Attachments, k, k);
            let (_id, _ordinal, code) = (r.u64()?, r.u64()?, r.u8()?);
            r.end()?;
            let kind = AttachmentKind::from_code(code).ok_or_else(|| r.corrupt("unknown attachment kind"))?;
            Ok((kind, decode_items(k, v)?))
        })?;
        Ok(Some(EventRecord { entry: entry(&prefix, loc, f), body, attachments }))
    }

    fn state(&self, prefix: &str) -> Result<Option<Vec<u8>>> {
        check_id("prefix", prefix)?;
        self.0.get(Table::States, prefix.as_bytes())
    }

    fn escrow(&self, kind: EscrowKind) -> Result<Vec<EscrowEntry>> {
        let p = [kind.code()];
        collect(&self.0, Table::Escrows, &p, &p, decode_escrow)
    }

    fn duplicates(&self, prefix: &str) -> Result<Vec<Duplicate>> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().str(prefix).done();
        collect(&self.0, Table::Duplicates, &p, &p, decode_dup)
    }
}

impl<K: KvWrite> Txn<K> {
    /// Moves the entries of `sources` (runs, or (0, 0)) into one new sorted run at `level`.
    fn write_run(&mut self, sources: &[(u8, u64)], level: u8, run: u64) -> Result<u64> {
        let mut entries: Vec<(u64, Loc)> = Vec::new();
        for (l, r) in sources {
            let p = KeyBuf::new().u8(*l).u64(*r).done();
            let start = entries.len();
            scan_prefix(&self.0, Table::SaidIndex, &p, &p, false, &mut |k, v| {
                let (_, _, hash, loc) = decode_index(k, v)?;
                entries.push((hash, loc));
                Ok(true)
            })?;
            // Keys are rebuilt rather than kept: a merge then holds 24 bytes per entry.
            for (hash, loc) in entries.get(start..).unwrap_or_default() {
                self.0.delete(Table::SaidIndex, &index_key(*l, *r, *hash, *loc))?;
            }
            if (*l, *r) != (0, 0) {
                self.0.delete(Table::SaidRuns, &run_key(*l, *r))?;
            }
        }
        entries.sort_unstable_by_key(|(h, loc)| (*h, loc.id, loc.ordinal));
        for (hash, loc) in &entries {
            self.0.put(Table::SaidIndex, &index_key(level, run, *hash, *loc), &[])?;
        }
        let n = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        self.0.put(Table::SaidRuns, &run_key(level, run), &n.to_be_bytes())?;
        Ok(n)
    }

    /// Before a commit: counts the entries added to run (0, 0); when it is full, writes it as a
    /// run of level 1, then merges every level that has [`FANOUT`] runs into the next.
    fn maintain_index(&mut self) -> Result<()> {
        if self.1.l0_added == 0 {
            return Ok(());
        }
        let (count, mut next_run) = self.l0_state()?;
        let count = count.saturating_add(self.1.l0_added);
        self.1.l0_added = 0;
        if count < L0_MAX {
            let v = KeyBuf::new().u64(count).u64(next_run).done();
            return self.0.put(Table::SaidRuns, &run_key(0, 0), &v);
        }
        self.write_run(&[(0, 0)], 1, next_run)?;
        next_run = next_run.saturating_add(1);
        for level in 1..TOP_LEVEL {
            let at_level: Vec<(u8, u64)> =
                self.runs()?.into_iter().filter(|(l, _, _)| *l == level).map(|(l, r, _)| (l, r)).collect();
            if at_level.len() < FANOUT {
                break;
            }
            self.write_run(&at_level, level + 1, next_run)?;
            next_run = next_run.saturating_add(1);
        }
        let v = KeyBuf::new().u64(0).u64(next_run).done();
        self.0.put(Table::SaidRuns, &run_key(0, 0), &v)
    }

    /// Where the event `said` is; [`Error::NoSuchEvent`] when it was never appended.
    fn loc_of(&self, said: &str) -> Result<Loc> {
        if let Some(loc) = self.1.appended.get(said) {
            return Ok(*loc);
        }
        match self.find(said)? {
            Some((loc, _)) => Ok(loc),
            None => Err(Error::NoSuchEvent { said: said.chars().take(100).collect() }),
        }
    }
}

impl<K: KvWrite> WriteTxn for Txn<K> {
    fn append_kel(
        &mut self,
        prefix: &str,
        sn: u128,
        said: &str,
        first_seen_micros: u64,
        body: &[u8],
    ) -> Result<KelEntry> {
        check_id("prefix", prefix)?;
        check_id("said", said)?;
        let (id, ordinal) = match self.1.heads.get(prefix) {
            Some(head) => *head,
            None => match self.id_of(prefix)? {
                Some(id) => (id, self.next_ordinal(id)?),
                None => {
                    let id = self.next_id()?;
                    self.0.put(Table::PrefixIds, prefix.as_bytes(), &id_key(id))?;
                    self.0.put(Table::IdPrefixes, &id_key(id), prefix.as_bytes())?;
                    self.1.next_id = Some(
                        id.checked_add(1)
                            .ok_or_else(|| Reader::new(Table::IdPrefixes, &[], &[]).corrupt("id overflow"))?,
                    );
                    (id, 0)
                }
            },
        };
        let loc = Loc { id, ordinal };
        let lkey = loc_key(loc);
        let mut fel = KeyBuf::new().u128(sn).u64(first_seen_micros).done();
        fel.extend_from_slice(said.as_bytes());
        self.0.put(Table::Fel, &lkey, &fel)?;
        self.0.put(Table::Kel, &kel_key(id, sn), &ordinal.to_be_bytes())?;
        self.0.put(Table::Events, &lkey, body)?;
        self.0.put(Table::SaidIndex, &l0_key(said, loc), &[])?;
        self.1.l0_added = self.1.l0_added.saturating_add(1);
        let next = ordinal
            .checked_add(1)
            .ok_or_else(|| Reader::new(Table::Fel, &lkey, &lkey).corrupt("first-seen ordinal overflow"))?;
        self.1.heads.insert(prefix.to_owned(), (id, next));
        self.1.appended.entry(said.to_owned()).or_insert(loc);
        Ok(KelEntry { prefix: prefix.to_owned(), sn, said: said.to_owned(), ordinal, first_seen_micros })
    }

    fn add_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<usize> {
        let loc = self.loc_of(said)?;
        let mut list = self.attachments_at(loc, kind)?;
        let before = list.len();
        for item in items {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
        let added = list.len().saturating_sub(before);
        if added > 0 {
            self.0.put(Table::Attachments, &attachment_key(loc, kind), &encode_items(&list)?)?;
        }
        Ok(added)
    }

    fn set_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<()> {
        let loc = self.loc_of(said)?;
        let key = attachment_key(loc, kind);
        if items.is_empty() {
            self.0.delete(Table::Attachments, &key)?;
            return Ok(());
        }
        self.0.put(Table::Attachments, &key, &encode_items(&dedup(items))?)
    }

    fn put_state(&mut self, prefix: &str, blob: &[u8]) -> Result<()> {
        check_id("prefix", prefix)?;
        self.0.put(Table::States, prefix.as_bytes(), blob)
    }

    fn put_escrow(&mut self, key: &EscrowKey, inserted_micros: u64, blob: &[u8]) -> Result<()> {
        check_id("prefix", &key.prefix)?;
        check_id("said", &key.said)?;
        let value = KeyBuf::new().u64(inserted_micros).bytes(blob).done();
        self.0.put(Table::Escrows, &escrow_key(key), &value)
    }

    fn delete_escrow(&mut self, key: &EscrowKey) -> Result<bool> {
        check_id("prefix", &key.prefix)?;
        check_id("said", &key.said)?;
        self.0.delete(Table::Escrows, &escrow_key(key))
    }

    fn put_duplicate(&mut self, prefix: &str, sn: u128, said: &str, event: &[u8], attachments: &[u8]) -> Result<()> {
        check_id("prefix", prefix)?;
        check_id("said", said)?;
        let mut value = Vec::with_capacity(event.len() + attachments.len() + 8);
        put_blob(&mut value, Table::Duplicates, event)?;
        put_blob(&mut value, Table::Duplicates, attachments)?;
        self.0.put(Table::Duplicates, &dup_key(prefix, sn, said), &value)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.maintain_index()?;
        self.0.commit()
    }
}

/// Test hook: files an index entry for `alias` at the location of the appended event `existing`,
/// as a hash collision of the two SAIDs would.
pub(crate) fn alias_said<K: KvWrite>(mut txn: Txn<K>, existing: &str, alias: &str) -> Result<()> {
    let loc = txn.loc_of(existing)?;
    check_id("said", alias)?;
    txn.0.put(Table::SaidIndex, &l0_key(alias, loc), &[])?;
    txn.1.l0_added = 1;
    txn.maintain_index()?;
    txn.0.commit()
}
