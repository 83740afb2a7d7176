//! The store traits implemented once over an ordered key-value interface, which each embedded
//! backend provides. The byte layout is in [`crate::codec`].

use crate::codec::{KeyBuf, Reader, Table, check_id, decode_items, encode_items, put_blob, successor};
use crate::error::Result;
use crate::{AttachmentKind, Duplicate, EscrowEntry, EscrowKey, EscrowKind, KelEntry, ReadTxn, WriteTxn};

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

/// The store traits over a key-value transaction, with the next first-seen ordinal of
/// each prefix appended to in this transaction (so appends do not scan for it again).
pub(crate) struct Txn<K>(pub(crate) K, pub(crate) std::collections::HashMap<String, u64>);

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

fn fel_key(prefix: &str, ordinal: u64) -> Vec<u8> {
    KeyBuf::new().str(prefix).u64(ordinal).done()
}

fn kel_key(prefix: &str, sn: u128) -> Vec<u8> {
    KeyBuf::new().str(prefix).u128(sn).done()
}

fn attachment_key(kind: AttachmentKind, said: &str) -> Vec<u8> {
    KeyBuf::new().u8(kind.code()).tail(said).done()
}

fn escrow_key(key: &EscrowKey) -> Vec<u8> {
    KeyBuf::new().u8(key.kind.code()).str(&key.prefix).u128(key.sn).tail(&key.said).done()
}

fn dup_key(prefix: &str, sn: u128, said: &str) -> Vec<u8> {
    KeyBuf::new().str(prefix).u128(sn).tail(said).done()
}

/// Decodes a first-seen log record.
fn decode_fel(key: &[u8], value: &[u8]) -> Result<KelEntry> {
    let mut k = Reader::new(Table::Fel, key, key);
    let prefix = k.str()?;
    let ordinal = k.u64()?;
    k.end()?;
    let mut v = Reader::new(Table::Fel, key, value);
    let sn = v.u128()?;
    let first_seen_micros = v.u64()?;
    let said = v.tail_str()?;
    Ok(KelEntry { prefix, sn, said, ordinal, first_seen_micros })
}

/// Decodes a KEL index record: (prefix, sn, ordinal, said).
fn decode_kel(key: &[u8], value: &[u8]) -> Result<(String, u128, u64, String)> {
    let mut k = Reader::new(Table::Kel, key, key);
    let prefix = k.str()?;
    let sn = k.u128()?;
    k.end()?;
    let mut v = Reader::new(Table::Kel, key, value);
    let ordinal = v.u64()?;
    let said = v.tail_str()?;
    Ok((prefix, sn, ordinal, said))
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

impl<K: KvRead> Txn<K> {
    /// The first-seen record an index record points at, checked against it.
    fn resolve(&self, key: &[u8], prefix: String, sn: u128, ordinal: u64, said: String) -> Result<KelEntry> {
        let fkey = fel_key(&prefix, ordinal);
        let entry = match self.0.get(Table::Fel, &fkey)? {
            Some(v) => decode_fel(&fkey, &v)?,
            None => return Err(Reader::new(Table::Kel, key, key).corrupt("index points at a missing first-seen entry")),
        };
        if entry.sn != sn || entry.said != said {
            return Err(Reader::new(Table::Kel, key, key).corrupt("index disagrees with the first-seen log"));
        }
        Ok(entry)
    }
}

impl<K: KvRead> ReadTxn for Txn<K> {
    fn kel_entry(&self, prefix: &str, sn: u128) -> Result<Option<KelEntry>> {
        check_id("prefix", prefix)?;
        let key = kel_key(prefix, sn);
        let Some(v) = self.0.get(Table::Kel, &key)? else { return Ok(None) };
        let (p, sn, ordinal, said) = decode_kel(&key, &v)?;
        self.resolve(&key, p, sn, ordinal, said).map(Some)
    }

    fn kel(&self, prefix: &str, from_sn: u128) -> Result<Vec<KelEntry>> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().str(prefix).done();
        let lo = kel_key(prefix, from_sn);
        let idx = collect(&self.0, Table::Kel, &lo, &p, |k, v| Ok((k.to_vec(), decode_kel(k, v)?)))?;
        idx.into_iter().map(|(key, (p, sn, ordinal, said))| self.resolve(&key, p, sn, ordinal, said)).collect()
    }

    fn first_seen(&self, prefix: &str, from: u64) -> Result<Vec<KelEntry>> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().str(prefix).done();
        collect(&self.0, Table::Fel, &fel_key(prefix, from), &p, decode_fel)
    }

    fn next_ordinal(&self, prefix: &str) -> Result<u64> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().str(prefix).done();
        let mut last = None;
        scan_prefix(&self.0, Table::Fel, &p, &p, true, &mut |k, v| {
            last = Some(decode_fel(k, v)?.ordinal);
            Ok(false)
        })?;
        match last {
            None => Ok(0),
            Some(o) => {
                o.checked_add(1).ok_or_else(|| Reader::new(Table::Fel, &p, &p).corrupt("first-seen ordinal overflow"))
            }
        }
    }

    fn prefixes(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut lo = Vec::new();
        loop {
            let mut found = None;
            self.0.scan(Table::Kel, &lo, None, false, &mut |k, v| {
                found = Some(decode_kel(k, v)?.0);
                Ok(false)
            })?;
            let Some(prefix) = found else { break };
            let next = successor(&KeyBuf::new().str(&prefix).done());
            out.push(prefix);
            match next {
                Some(n) => lo = n,
                None => break,
            }
        }
        // Keys order prefixes by length first; callers get them sorted as strings.
        out.sort_unstable();
        Ok(out)
    }

    fn event(&self, said: &str) -> Result<Option<Vec<u8>>> {
        check_id("said", said)?;
        self.0.get(Table::Events, said.as_bytes())
    }

    fn attachments(&self, kind: AttachmentKind, said: &str) -> Result<Vec<String>> {
        check_id("said", said)?;
        let key = attachment_key(kind, said);
        match self.0.get(Table::Attachments, &key)? {
            Some(v) => decode_items(&key, &v),
            None => Ok(Vec::new()),
        }
    }

    fn state(&self, prefix: &str) -> Result<Option<Vec<u8>>> {
        check_id("prefix", prefix)?;
        self.0.get(Table::States, prefix.as_bytes())
    }

    fn escrow_entry(&self, key: &EscrowKey) -> Result<Option<EscrowEntry>> {
        check_id("prefix", &key.prefix)?;
        check_id("said", &key.said)?;
        let k = escrow_key(key);
        self.0.get(Table::Escrows, &k)?.map(|v| decode_escrow(&k, &v)).transpose()
    }

    fn escrow(&self, kind: EscrowKind) -> Result<Vec<EscrowEntry>> {
        let p = [kind.code()];
        collect(&self.0, Table::Escrows, &p, &p, decode_escrow)
    }

    fn escrow_for(&self, kind: EscrowKind, prefix: &str) -> Result<Vec<EscrowEntry>> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().u8(kind.code()).str(prefix).done();
        collect(&self.0, Table::Escrows, &p, &p, decode_escrow)
    }

    fn duplicates(&self, prefix: &str) -> Result<Vec<Duplicate>> {
        check_id("prefix", prefix)?;
        let p = KeyBuf::new().str(prefix).done();
        collect(&self.0, Table::Duplicates, &p, &p, decode_dup)
    }
}

impl<K: KvWrite> WriteTxn for Txn<K> {
    fn append_kel(&mut self, prefix: &str, sn: u128, said: &str, first_seen_micros: u64) -> Result<KelEntry> {
        check_id("said", said)?;
        let ordinal = match self.1.get(prefix) {
            Some(o) => *o,
            None => self.next_ordinal(prefix)?,
        };
        let mut fel = KeyBuf::new().u128(sn).u64(first_seen_micros).done();
        fel.extend_from_slice(said.as_bytes());
        self.0.put(Table::Fel, &fel_key(prefix, ordinal), &fel)?;
        let idx = KeyBuf::new().u64(ordinal).tail(said).done();
        self.0.put(Table::Kel, &kel_key(prefix, sn), &idx)?;
        let next = ordinal
            .checked_add(1)
            .ok_or_else(|| Reader::new(Table::Fel, &idx, &idx).corrupt("first-seen ordinal overflow"))?;
        self.1.insert(prefix.to_owned(), next);
        Ok(KelEntry { prefix: prefix.to_owned(), sn, said: said.to_owned(), ordinal, first_seen_micros })
    }

    fn put_event(&mut self, said: &str, body: &[u8]) -> Result<()> {
        check_id("said", said)?;
        self.0.put(Table::Events, said.as_bytes(), body)
    }

    fn delete_event(&mut self, said: &str) -> Result<bool> {
        check_id("said", said)?;
        self.0.delete(Table::Events, said.as_bytes())
    }

    fn add_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<usize> {
        let mut list = self.attachments(kind, said)?;
        let before = list.len();
        for item in items {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
        let added = list.len().saturating_sub(before);
        if added > 0 {
            self.0.put(Table::Attachments, &attachment_key(kind, said), &encode_items(&list)?)?;
        }
        Ok(added)
    }

    fn set_attachments(&mut self, kind: AttachmentKind, said: &str, items: &[String]) -> Result<()> {
        check_id("said", said)?;
        let key = attachment_key(kind, said);
        if items.is_empty() {
            self.0.delete(Table::Attachments, &key)?;
            return Ok(());
        }
        let mut list: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            if !list.contains(item) {
                list.push(item.clone());
            }
        }
        self.0.put(Table::Attachments, &key, &encode_items(&list)?)
    }

    fn delete_attachments(&mut self, kind: AttachmentKind, said: &str) -> Result<bool> {
        check_id("said", said)?;
        self.0.delete(Table::Attachments, &attachment_key(kind, said))
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

    fn commit(self: Box<Self>) -> Result<()> {
        self.0.commit()
    }
}
