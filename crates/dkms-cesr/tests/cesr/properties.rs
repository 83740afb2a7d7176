//! Property tests: every code round-trips in both domains; decoding never panics.

use dkms_cesr::stream::Framer;
use dkms_cesr::{Counter, CounterTable, Domain, IndexKind, Indexer, IndexerCode, Matter, MatterCode};
use proptest::prelude::*;

fn matter() -> impl Strategy<Value = Matter> {
    (0..MatterCode::ALL.len(), proptest::collection::vec(any::<u8>(), 0..400), any::<u64>()).prop_map(
        |(i, mut raw, _)| {
            let code = MatterCode::ALL[i];
            if let Some(rs) = code.raw_size() {
                raw.resize(rs, 0xA5);
            }
            Matter::new(code, raw).unwrap()
        },
    )
}

fn indexer() -> impl Strategy<Value = Indexer> {
    (0..IndexerCode::ALL.len(), any::<u32>(), any::<u32>(), any::<u8>()).prop_map(|(i, index, ondex, fill)| {
        let code = IndexerCode::ALL[i];
        let s = code.sizes();
        let mut index = index % (s.max_index() + 1);
        if s.fs.is_none() {
            index %= 100; // variable test code: index is the length in quadlets
        }
        let ondex = match code.kind() {
            IndexKind::CurrentOnly => None,
            _ if s.os == 0 => Some(index),
            _ => Some(ondex % (s.max_ondex() + 1)),
        };
        let rs = s.raw_size().unwrap_or(index as usize * 3);
        Indexer::new(code, index, ondex, vec![fill; rs]).unwrap()
    })
}

proptest! {
    #[test]
    fn matter_round_trips_in_both_domains(m in matter()) {
        let qb64 = m.qb64b();
        let qb2 = m.qb2();
        prop_assert_eq!(qb64.len(), m.full_size());
        prop_assert_eq!(qb2.len(), m.full_size() / 4 * 3);
        prop_assert_eq!(&Matter::from_qb64b(&qb64).unwrap(), &m);
        prop_assert_eq!(&Matter::from_qb2(&qb2).unwrap(), &m);
        prop_assert_eq!(dkms_cesr::text_to_binary(&qb64).unwrap(), qb2);
    }

    #[test]
    fn indexer_round_trips_in_both_domains(s in indexer()) {
        prop_assert_eq!(&Indexer::from_qb64(&s.qb64()).unwrap(), &s);
        prop_assert_eq!(&Indexer::from_qb2(&s.qb2()).unwrap(), &s);
        prop_assert_eq!(dkms_cesr::text_to_binary(&s.qb64b()).unwrap(), s.qb2());
    }

    #[test]
    fn counter_round_trips_in_both_domains(i in 0..15usize, count in any::<u64>()) {
        let entries = CounterTable::V1.entries();
        let e = &entries[i % entries.len()];
        let c = Counter::from_entry(e, count % (e.max_count() + 1)).unwrap();
        prop_assert_eq!(Counter::from_qb64(&c.qb64()).unwrap(), c);
        prop_assert_eq!(Counter::from_qb2(&c.qb2()).unwrap(), c);
    }

    #[test]
    fn decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        for d in [Domain::Text, Domain::Binary] {
            let _ = Matter::parse(&data, d);
            let _ = Indexer::parse(&data, d);
            let _ = Counter::parse(&data, d);
        }
        for m in Framer::new().messages(&data) {
            let _ = m;
        }
    }

    #[test]
    fn any_single_character_change_is_rejected_or_changes_the_value(m in matter(), pos in any::<usize>(), c in any::<u8>()) {
        let mut q = m.qb64b();
        let i = pos % q.len();
        if q[i] != c {
            q[i] = c;
            if let Ok(back) = Matter::from_qb64b(&q) {
                prop_assert_ne!(back, m);
            }
        }
    }
}
