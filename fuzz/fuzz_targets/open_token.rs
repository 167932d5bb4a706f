//! Any input given to the link decoder must be refused without panicking; inputs that
//! decode to the right length exercise the authentication path too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use link_token::{Keyring, OpenError, Purpose};

fuzz_target!(|data: &[u8]| {
    let ring = Keyring::new(&[(1, [1; 32]), (2, [2; 32])]).expect("valid keys");
    if let Ok(text) = std::str::from_utf8(data) {
        for purpose in [Purpose::Portal, Purpose::Preferences] {
            assert!(matches!(
                ring.open(purpose, text, 0),
                Err(OpenError::Invalid)
            ));
        }
    }
});
