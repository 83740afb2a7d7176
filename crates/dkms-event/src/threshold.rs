//! Signing thresholds (`kt`, `nt`) and witness thresholds, numeric or weighted,
//! with exact rational arithmetic.
//!
//! ```
//! use dkms_event::threshold::Threshold;
//! use dkms_event::value::Value;
//!
//! let two = Threshold::numeric(2);
//! assert!(two.satisfied_by([0, 2]));
//! // The same key counted twice does not make two (keripy 1.1 would count it: reference §6.1).
//! assert!(!two.satisfied_by([1, 1]));
//!
//! let w = Threshold::parse(&Value::List(vec!["1/2".into(), "1/2".into(), "1/4".into()]), "kt")?;
//! assert_eq!(w.size(), 3);
//! assert!(w.satisfied_by([0, 1]));
//! assert!(!w.satisfied_by([0, 2]));
//! # Ok::<(), dkms_event::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::value::{Val, Value};

/// One weight of a weighted threshold: `num/den` with `0 ≤ num/den ≤ 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Weight {
    num: u64,
    den: u64,
}

impl Weight {
    /// A weight `num/den`.
    ///
    /// # Errors
    /// [`Error::Threshold`] when `den` is 0 or the weight exceeds 1.
    pub fn new(num: u64, den: u64) -> Result<Self> {
        if den == 0 || num > den {
            return Err(Error::Threshold { reason: format!("weight {num}/{den} is not in [0, 1]") });
        }
        Ok(Self { num, den })
    }

    /// Numerator.
    #[must_use]
    pub fn num(&self) -> u64 {
        self.num
    }

    /// Denominator.
    #[must_use]
    pub fn den(&self) -> u64 {
        self.den
    }

    /// Parses `"0"`, `"1"` or `"n/d"` (decimal, no sign, no leading zeros, no spaces).
    fn parse(text: &str) -> Result<Self> {
        let bad = || Error::Threshold {
            reason: format!("weight {text:?} is not \"0\", \"1\" or a fraction \"n/d\" in [0, 1]"),
        };
        let int = |s: &str| -> Result<u64> {
            if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse::<u64>().map_err(|_| bad())
        };
        match text.split_once('/') {
            None => match text {
                "0" => Ok(Self { num: 0, den: 1 }),
                "1" => Ok(Self { num: 1, den: 1 }),
                _ => Err(bad()),
            },
            Some((n, d)) => Self::new(int(n)?, int(d)?).map_err(|_| bad()),
        }
    }

    /// The weight as keripy writes it: reduced, `"0"` and `"1"` as integers.
    fn text(&self) -> String {
        let g = gcd(u128::from(self.num), u128::from(self.den)).max(1);
        let (n, d) = (u128::from(self.num) / g, u128::from(self.den) / g);
        if d == 1 { format!("{n}") } else { format!("{n}/{d}") }
    }
}

/// A threshold.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Threshold {
    /// At least `M` distinct keys must sign.
    Numeric(u64),
    /// Clauses of weights, one per key in order across clauses; every clause must reach 1.
    Weighted(Vec<Vec<Weight>>),
}

/// An exact non-negative rational, reduced.
#[derive(Clone, Copy)]
struct Ratio {
    num: u128,
    den: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    const ZERO: Ratio = Ratio { num: 0, den: 1 };

    fn add(self, w: Weight) -> Option<Ratio> {
        let (wn, wd) = (u128::from(w.num), u128::from(w.den));
        let num = self.num.checked_mul(wd)?.checked_add(wn.checked_mul(self.den)?)?;
        let den = self.den.checked_mul(wd)?;
        let g = gcd(num, den).max(1);
        Some(Ratio { num: num / g, den: den / g })
    }

    fn at_least_one(self) -> bool {
        self.num >= self.den
    }
}

impl Threshold {
    /// A numeric threshold.
    #[must_use]
    pub fn numeric(m: u64) -> Self {
        Threshold::Numeric(m)
    }

    /// A weighted threshold from clauses of weights.
    ///
    /// # Errors
    /// [`Error::Threshold`] when a clause is empty or sums to less than 1.
    pub fn weighted(clauses: Vec<Vec<Weight>>) -> Result<Self> {
        let t = Threshold::Weighted(clauses);
        t.check()?;
        Ok(t)
    }

    fn check(&self) -> Result<()> {
        if let Threshold::Weighted(clauses) = self {
            if clauses.is_empty() {
                return Err(Error::Threshold { reason: "weighted threshold without clauses".into() });
            }
            for clause in clauses {
                if clause.is_empty() {
                    return Err(Error::Threshold { reason: "empty clause".into() });
                }
                let sum = clause
                    .iter()
                    .try_fold(Ratio::ZERO, |acc, w| acc.add(*w))
                    .ok_or_else(|| Error::Threshold { reason: "weights too large to add exactly".into() })?;
                if !sum.at_least_one() {
                    return Err(Error::Threshold { reason: "a clause's weights sum to less than 1".into() });
                }
            }
        }
        Ok(())
    }

    /// Parses a threshold field value: a canonical lowercase hex string or a
    /// non-negative integer (numeric), a list of weight strings (one clause), or a
    /// list of such lists.
    ///
    /// Integers are what keripy 1.1.17 writes with `intive=True` (`eventing.incept`,
    /// `rotate`, …) and what its `Tholder` reads (`isinstance(sith, int)`); as in
    /// keripy, weights stay strings (a clause with an integer weight is refused).
    /// Stricter than keripy (see `docs/interop.md`): non-canonical hex (`"01"`,
    /// `"0xA"`, `"A"`), JSON booleans (Python's `bool` is an `int`, so keripy reads
    /// `true` as 1), JSON text of a list inside a string, and nested weight maps are
    /// rejected. A negative, fractional or too large number is rejected as in keripy.
    ///
    /// # Errors
    /// [`Error::Field`] naming `label` for a malformed value, [`Error::Threshold`] for invalid weights.
    pub fn parse(value: &Value, label: &str) -> Result<Self> {
        Self::parse_val(&Val::of(value), label)
    }

    /// As [`Threshold::parse`], on a borrowed value.
    pub(crate) fn parse_val(value: &Val<'_>, label: &str) -> Result<Self> {
        match value {
            Val::Str(s) => Ok(Threshold::Numeric(parse_hex(s, label)?)),
            Val::Int(i) => Ok(Threshold::Numeric(parse_int(*i, label)?)),
            Val::List(items) if items.iter().all(|v| matches!(v, Val::Str(_))) => {
                let clause =
                    items.iter().map(|v| Weight::parse(v.as_str().unwrap_or_default())).collect::<Result<_>>()?;
                Self::weighted(vec![clause])
            }
            Val::List(items) if items.iter().all(|v| matches!(v, Val::List(_))) => {
                let mut clauses = Vec::with_capacity(items.len());
                for c in items {
                    let clause = c.as_list().unwrap_or_default();
                    if !clause.iter().all(|v| matches!(v, Val::Str(_))) {
                        return Err(Error::field(label, "weights must be strings"));
                    }
                    clauses.push(
                        clause.iter().map(|v| Weight::parse(v.as_str().unwrap_or_default())).collect::<Result<_>>()?,
                    );
                }
                Self::weighted(clauses)
            }
            Val::List(_) => Err(Error::field(
                label,
                "weighted threshold mixes weights and clauses, has a weight that is not a string, or nests maps",
            )),
            other => Err(Error::field(
                label,
                format!("threshold must be a hex string, an integer or a list, not {}", other.type_name()),
            )),
        }
    }

    /// The field value as keripy writes it with `intive=True`: a numeric threshold of at
    /// most `2^32 - 1` (keripy's `MaxIntThold`) as an integer, anything else as
    /// [`Threshold::to_value`] writes it.
    #[must_use]
    pub fn to_int_value(&self) -> Value {
        match self {
            Threshold::Numeric(m) if *m <= MAX_INT_THOLD => Value::Int(i128::from(*m)),
            other => other.to_value(),
        }
    }

    /// The field value: hex string, flat list for one clause, list of lists otherwise.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Threshold::Numeric(m) => Value::Str(format!("{m:x}")),
            Threshold::Weighted(clauses) => {
                let clause = |c: &Vec<Weight>| Value::List(c.iter().map(|w| Value::Str(w.text())).collect());
                match clauses.as_slice() {
                    [one] => clause(one),
                    many => Value::List(many.iter().map(clause).collect()),
                }
            }
        }
    }

    /// The number of keys the threshold speaks of: `M` for numeric, the number of weights otherwise.
    #[must_use]
    pub fn size(&self) -> usize {
        match self {
            Threshold::Numeric(m) => usize::try_from(*m).unwrap_or(usize::MAX),
            Threshold::Weighted(c) => c.iter().map(Vec::len).sum(),
        }
    }

    /// Whether the signatures of the keys at `indices` meet the threshold. Each
    /// key counts once however often its index appears. A weighted threshold is
    /// not met when any index lies beyond its weights (as in keripy 1.1).
    pub fn satisfied_by(&self, indices: impl IntoIterator<Item = u32>) -> bool {
        let mut seen: Vec<u32> = indices.into_iter().collect();
        seen.sort_unstable();
        seen.dedup();
        match self {
            Threshold::Numeric(m) => *m > 0 && u64::try_from(seen.len()).unwrap_or(u64::MAX) >= *m,
            Threshold::Weighted(clauses) => {
                // keripy 1.1 fails a weighted threshold when a key beyond the weights
                // signs (reference §6.2); we do the same, which is the stricter choice.
                let size = u32::try_from(self.size()).unwrap_or(u32::MAX);
                if seen.is_empty() || seen.last().is_some_and(|last| *last >= size) {
                    return false;
                }
                let mut base = 0usize;
                for clause in clauses {
                    let mut sum = Ratio::ZERO;
                    for (j, w) in clause.iter().enumerate() {
                        let idx = u32::try_from(base + j).unwrap_or(u32::MAX);
                        if seen.binary_search(&idx).is_ok() {
                            match sum.add(*w) {
                                Some(s) => sum = s,
                                None => return false,
                            }
                        }
                    }
                    if !sum.at_least_one() {
                        return false;
                    }
                    base += clause.len();
                }
                true
            }
        }
    }

    /// Whether some set of at most `keys` keys can meet the threshold.
    #[must_use]
    pub fn satisfiable_with(&self, keys: usize) -> bool {
        match self {
            Threshold::Numeric(m) => *m >= 1 && self.size() <= keys,
            Threshold::Weighted(_) => self.size() <= keys,
        }
    }
}

/// keripy's `MaxIntThold`: the largest threshold or toad its builders write as an
/// integer when asked to (`intive=True`); larger ones stay hex strings.
pub const MAX_INT_THOLD: u64 = (1 << 32) - 1;

/// Reads an integer threshold or toad: `0 ..= u64::MAX` (keripy takes any
/// non-negative integer; one beyond `u64` could never be met by a list of keys anyway).
pub(crate) fn parse_int(i: i128, label: &str) -> Result<u64> {
    if i < 0 {
        return Err(Error::field(label, format!("{i} is negative")));
    }
    u64::try_from(i).map_err(|_| Error::field(label, format!("{i} is too large")))
}

/// Parses canonical lowercase hex (no leading zeros, no prefix, at most 16 digits).
pub(crate) fn parse_hex(s: &str, label: &str) -> Result<u64> {
    let ok = !s.is_empty()
        && s.len() <= 16
        && !(s.len() > 1 && s.starts_with('0'))
        && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        return Err(Error::field(label, format!("{s:?} is not canonical lowercase hex without leading zeros")));
    }
    u64::from_str_radix(s, 16).map_err(|_| Error::field(label, "hex number out of range"))
}

/// Parses a canonical hex sequence number (up to 128 bits, as keripy's `validateSN` allows).
pub(crate) fn parse_hex_u128(s: &str, label: &str) -> Result<u128> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && !(s.len() > 1 && s.starts_with('0'))
        && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        return Err(Error::field(label, format!("{s:?} is not canonical lowercase hex without leading zeros")));
    }
    u128::from_str_radix(s, 16).map_err(|_| Error::field(label, "hex number out of range"))
}

/// Why a threshold's text form ([`Threshold::from_str`](std::str::FromStr)) was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ThresholdSyntaxError {
    /// Nothing but spaces.
    #[error("empty threshold")]
    Empty,
    /// A numeric threshold that is not a decimal number of at most 64 bits.
    #[error("threshold {text:?} is not a number or weights")]
    Number {
        /// The text.
        text: String,
    },
    /// A weight that is not `n` or `n/d` with decimal `n` and `d`.
    #[error("weight {text:?} is not n or n/d")]
    Weight {
        /// The weight's text.
        text: String,
    },
    /// JSON text (starting with `[`) that is not a list of strings or of lists of strings.
    #[error("threshold JSON at byte {offset}: {reason}")]
    Json {
        /// Byte offset in the trimmed text.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Well-formed text for a threshold that is not valid (a weight above 1, a clause
    /// summing to less than 1, …).
    #[error("{0}")]
    Invalid(String),
}

impl std::str::FromStr for Threshold {
    type Err = ThresholdSyntaxError;

    /// Reads the text form the command line takes (`docs/guide.md`), surrounding spaces
    /// ignored: a decimal number (`2`); weights `n/d` or `n` separated by `,`
    /// (`1/2,1/2,1/4`), clauses separated by `;` (`1/2,1/2;1,1`); or the field's JSON
    /// (`["1/2","1/2"]`, `[["1/2","1/2"],["1","1"]]`).
    fn from_str(text: &str) -> Result<Self, ThresholdSyntaxError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ThresholdSyntaxError::Empty);
        }
        if text.starts_with('[') {
            let value = json_list(text)?;
            return Threshold::parse(&value, "kt").map_err(|e| ThresholdSyntaxError::Invalid(e.to_string()));
        }
        if !text.contains(['/', ',', ';']) {
            return text
                .parse::<u64>()
                .map(Threshold::Numeric)
                .map_err(|_| ThresholdSyntaxError::Number { text: text.to_owned() });
        }
        let weight = |w: &str| -> Result<Weight, ThresholdSyntaxError> {
            let w = w.trim();
            let bad = || ThresholdSyntaxError::Weight { text: w.to_owned() };
            let (n, d) = w.split_once('/').unwrap_or((w, "1"));
            let (n, d) = (n.trim().parse::<u64>().map_err(|_| bad())?, d.trim().parse::<u64>().map_err(|_| bad())?);
            Weight::new(n, d).map_err(|e| ThresholdSyntaxError::Invalid(e.to_string()))
        };
        let clauses = text
            .split(';')
            .map(|c| c.split(',').map(weight).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        Threshold::weighted(clauses).map_err(|e| ThresholdSyntaxError::Invalid(e.to_string()))
    }
}

/// Reads JSON made of lists, strings without escapes and integers, with any spaces
/// between tokens: enough for a threshold's JSON form.
fn json_list(text: &str) -> Result<Value, ThresholdSyntaxError> {
    struct P<'a> {
        b: &'a [u8],
        pos: usize,
    }
    impl P<'_> {
        fn err(&self, reason: &'static str) -> ThresholdSyntaxError {
            ThresholdSyntaxError::Json { offset: self.pos, reason }
        }
        fn skip(&mut self) {
            while self.b.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
                self.pos += 1;
            }
        }
        fn value(&mut self, depth: usize) -> Result<Value, ThresholdSyntaxError> {
            self.skip();
            match self.b.get(self.pos) {
                Some(b'[') if depth < 3 => {
                    self.pos += 1;
                    let mut items = Vec::new();
                    self.skip();
                    if self.b.get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        return Ok(Value::List(items));
                    }
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip();
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                return Ok(Value::List(items));
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Some(b'[') => Err(self.err("lists nested too deep")),
                Some(b'"') => {
                    let start = self.pos + 1;
                    let len = self
                        .b
                        .get(start..)
                        .and_then(|r| r.iter().position(|c| *c == b'"' || *c == b'\\'))
                        .ok_or_else(|| self.err("unterminated string"))?;
                    let end = start + len;
                    if self.b.get(end) == Some(&b'\\') {
                        return Err(self.err("escapes are not used in weights"));
                    }
                    let s = self.b.get(start..end).ok_or_else(|| self.err("unterminated string"))?;
                    self.pos = end + 1;
                    Ok(Value::Str(String::from_utf8_lossy(s).into_owned()))
                }
                Some(b'0'..=b'9') => {
                    let start = self.pos;
                    while self.b.get(self.pos).is_some_and(u8::is_ascii_digit) {
                        self.pos += 1;
                    }
                    let digits = self.b.get(start..self.pos).unwrap_or_default();
                    let n = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<u64>().ok());
                    n.map(Value::from).ok_or_else(|| self.err("number out of range"))
                }
                _ => Err(self.err("expected a list, a string or a number")),
            }
        }
    }
    let mut p = P { b: text.as_bytes(), pos: 0 };
    let v = p.value(0)?;
    p.skip();
    if p.pos != p.b.len() {
        return Err(p.err("text after the JSON value"));
    }
    Ok(v)
}
