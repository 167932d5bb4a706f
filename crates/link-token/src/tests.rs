use super::*;
use proptest::prelude::*;

fn ring(ids: &[u8]) -> Keyring {
    let keys: Vec<(u8, [u8; 32])> = ids.iter().map(|id| (*id, [*id; 32])).collect();
    Keyring::new(&keys).unwrap()
}

const NOW: i64 = 1_795_000_000;

#[test]
fn a_token_opens_until_one_second_before_expiry_and_not_after() {
    let r = ring(&[1]);
    let claims = Claims {
        subject: 42,
        expires_at: NOW,
    };
    let t = r.seal(Purpose::Portal, claims);
    assert_eq!(t.len(), TOKEN_CHARS);
    assert_eq!(r.open(Purpose::Portal, &t, NOW - 1), Ok(claims));
    assert_eq!(
        r.open(Purpose::Portal, &t, NOW),
        Err(OpenError::Expired(claims))
    );
    assert_eq!(
        r.open(Purpose::Portal, &t, NOW + 1),
        Err(OpenError::Expired(claims))
    );
}

#[test]
fn a_token_for_one_purpose_does_not_open_another() {
    let r = ring(&[1]);
    let claims = Claims {
        subject: 7,
        expires_at: NOW + 60,
    };
    let portal = r.seal(Purpose::Portal, claims);
    let prefs = r.seal(Purpose::Preferences, claims);
    assert_eq!(
        r.open(Purpose::Preferences, &portal, NOW),
        Err(OpenError::Invalid)
    );
    assert_eq!(
        r.open(Purpose::Portal, &prefs, NOW),
        Err(OpenError::Invalid)
    );
}

#[test]
fn an_old_key_opens_while_configured_and_not_after_it_is_dropped() {
    let old = ring(&[1]);
    let claims = Claims {
        subject: 9,
        expires_at: NOW + 60,
    };
    let t = old.seal(Purpose::Portal, claims);
    let rotated = ring(&[2, 1]);
    assert_eq!(rotated.active_id(), 2);
    assert_eq!(rotated.open(Purpose::Portal, &t, NOW), Ok(claims));
    let new = rotated.seal(Purpose::Portal, claims);
    assert_eq!(
        old.open(Purpose::Portal, &new, NOW),
        Err(OpenError::Invalid),
        "the old ring does not know key 2"
    );
    let dropped = ring(&[2]);
    assert_eq!(
        dropped.open(Purpose::Portal, &t, NOW),
        Err(OpenError::Invalid)
    );
    assert_eq!(dropped.open(Purpose::Portal, &new, NOW), Ok(claims));
}

#[test]
fn relabelling_a_token_to_another_key_id_fails() {
    // Two ids holding the same key bytes: the id is authenticated, not only looked up.
    let r = Keyring::new(&[(1, [5; 32]), (2, [5; 32])]).unwrap();
    let t = r.seal(
        Purpose::Portal,
        Claims {
            subject: 1,
            expires_at: NOW + 1,
        },
    );
    let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
    bytes[0] = 2;
    let forged = URL_SAFE_NO_PAD.encode(bytes);
    assert_eq!(
        r.open(Purpose::Portal, &forged, NOW),
        Err(OpenError::Invalid)
    );
}

#[test]
fn two_seals_of_the_same_claims_differ() {
    let r = ring(&[1]);
    let c = Claims {
        subject: 1,
        expires_at: NOW,
    };
    assert_ne!(r.seal(Purpose::Portal, c), r.seal(Purpose::Portal, c));
}

#[test]
fn keys_parse_from_configuration_with_the_active_one_first() {
    let k1 = STANDARD.encode([1u8; 32]);
    let k2 = URL_SAFE_NO_PAD.encode([2u8; 32]);
    let r = Keyring::parse(&format!(" 2:{k2} , 1:{k1}")).unwrap();
    assert_eq!(r.active_id(), 2);
    assert_eq!(r.key_ids().collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(Keyring::parse("").unwrap_err(), KeyringError::Empty);
    assert_eq!(
        Keyring::parse(&format!("1:{k1},1:{k2}")).unwrap_err(),
        KeyringError::DuplicateId(1)
    );
    assert_eq!(
        Keyring::parse("3:c2hvcnQ=").unwrap_err(),
        KeyringError::BadKey(3)
    );
    let err = Keyring::parse(&k1).unwrap_err();
    assert!(matches!(err, KeyringError::Malformed(_)));
    assert!(!err.to_string().contains(&k1), "errors never echo a key");
    assert!(Keyring::parse(&format!("0:{k1}")).is_err());
    assert!(Keyring::parse(&format!("256:{k1}")).is_err());
}

#[test]
fn debug_output_names_key_ids_only() {
    let r = ring(&[3]);
    assert_eq!(format!("{r:?}"), "Keyring { key_ids: [3] }");
}

proptest! {
    #[test]
    fn round_trip(subject in any::<u64>(), expires_at in any::<i64>(), now in any::<i64>()) {
        let r = ring(&[1, 2]);
        let claims = Claims { subject, expires_at };
        let t = r.seal(Purpose::Portal, claims);
        let expected = if now < expires_at { Ok(claims) } else { Err(OpenError::Expired(claims)) };
        prop_assert_eq!(r.open(Purpose::Portal, &t, now), expected);
    }

    #[test]
    fn any_bit_flip_fails(subject in any::<u64>(), bit in 0usize..TOKEN_BYTES * 8) {
        let r = ring(&[1]);
        let t = r.seal(Purpose::Portal, Claims { subject, expires_at: i64::MAX });
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[bit / 8] ^= 1 << (bit % 8);
        let flipped = URL_SAFE_NO_PAD.encode(bytes);
        prop_assert_eq!(r.open(Purpose::Portal, &flipped, 0), Err(OpenError::Invalid));
    }

    #[test]
    fn any_character_change_fails(pos in 0usize..TOKEN_CHARS, c in "[A-Za-z0-9_=+/. -]") {
        let r = ring(&[1]);
        let t = r.seal(Purpose::Portal, Claims { subject: 1, expires_at: i64::MAX });
        let mut chars: Vec<char> = t.chars().collect();
        let new = c.chars().next().unwrap();
        prop_assume!(chars[pos] != new);
        chars[pos] = new;
        let changed: String = chars.into_iter().collect();
        // The last character carries 2 spare bits; the strict decoder rejects
        // non-canonical endings, so every change fails.
        prop_assert_eq!(r.open(Purpose::Portal, &changed, 0), Err(OpenError::Invalid));
    }

    #[test]
    fn truncation_and_extension_fail(cut in 0usize..TOKEN_CHARS, extra in "[A-Za-z0-9_-]{1,40}") {
        let r = ring(&[1]);
        let t = r.seal(Purpose::Portal, Claims { subject: 1, expires_at: i64::MAX });
        prop_assert_eq!(r.open(Purpose::Portal, &t[..cut], 0), Err(OpenError::Invalid));
        let longer = format!("{t}{extra}");
        prop_assert_eq!(r.open(Purpose::Portal, &longer, 0), Err(OpenError::Invalid));
    }

    #[test]
    fn arbitrary_input_never_panics(s in ".{0,200}") {
        let r = ring(&[1]);
        prop_assert!(r.open(Purpose::Portal, &s, 0).is_err());
    }

    #[test]
    fn arbitrary_bytes_of_token_length_never_open(bytes in proptest::collection::vec(any::<u8>(), TOKEN_BYTES)) {
        let r = ring(&[1]);
        let s = URL_SAFE_NO_PAD.encode(bytes);
        prop_assert_eq!(r.open(Purpose::Portal, &s, 0), Err(OpenError::Invalid));
    }
}
