//! Keyed identities: the person key (a keyed hash of the normalised declared identity, never the
//! identity itself), booking references and their secrets, and fresh ids.

use fairline_core::{person::Person, wire::to_hex};
use rand::RngCore;

use crate::signing::mac;

/// HMAC of the person's normalised identity: date of birth, E.164 mobile, folded name.
pub fn person_key_hash(person_key: &[u8], person: &Person) -> String {
    let identity = format!(
        "fairline-person-v1\n{}\n{}\n{}",
        person.birth_date.date(),
        person.mobile.e164(),
        person.name.folded()
    );
    to_hex(&mac(person_key, identity.as_bytes()))
}

/// A fresh random id (128 bits, hex).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// Unambiguous letters and digits for references read aloud or typed (no 0/O, 1/I/L).
const REFERENCE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A booking reference like `FL-7K3M-Q9XD`.
pub fn new_reference() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let letters: String = bytes
        .iter()
        .map(|byte| char::from(REFERENCE_ALPHABET[usize::from(*byte) % REFERENCE_ALPHABET.len()]))
        .collect();
    format!("FL-{}-{}", &letters[..4], &letters[4..])
}

/// The secret that lets the holder of `reference` look it up or cancel it: derived, so an
/// idempotent retry returns the same one without storing it.
pub fn booking_secret(person_key: &[u8], reference: &str) -> String {
    to_hex(&mac(
        person_key,
        format!("fairline-booking-secret-v1\n{reference}").as_bytes(),
    ))[..32]
        .to_owned()
}

/// Constant-time equality for secrets.
pub fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use fairline_core::person::PersonInput;

    fn person(name: &str) -> Person {
        PersonInput {
            name: name.into(),
            birth_date: "1965-03-04".into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: None,
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn the_person_key_ignores_case_and_spacing_of_the_name() {
        let key = [7u8; 32];
        assert_eq!(
            person_key_hash(&key, &person("Kim  Minjun")),
            person_key_hash(&key, &person("kim minjun"))
        );
        assert_ne!(
            person_key_hash(&key, &person("Kim Minjun")),
            person_key_hash(&key, &person("Lee Minjun"))
        );
        assert_ne!(
            person_key_hash(&key, &person("Kim Minjun")),
            person_key_hash(&[8u8; 32], &person("Kim Minjun"))
        );
    }

    #[test]
    fn references_are_readable_and_secrets_derive_consistently() {
        let reference = new_reference();
        assert_eq!(reference.len(), 12);
        assert!(reference.starts_with("FL-"));
        let secret = booking_secret(&[1; 32], &reference);
        assert!(same_secret(&secret, &booking_secret(&[1; 32], &reference)));
        assert!(!same_secret(&secret, &booking_secret(&[2; 32], &reference)));
    }
}
