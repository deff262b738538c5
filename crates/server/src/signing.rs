//! HMAC-SHA256 signing of tickets and admissions, with key ids so keys can rotate: the newest
//! key signs, every configured key verifies.

use fairline_core::wire::{to_hex, Claims, Signed};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why signed claims were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// Signed with a key id this server does not know (forged, or a retired key).
    UnknownKey,
    /// The MAC does not match the claims (tampered or forged).
    BadSignature,
}

/// One HMAC key and its id.
#[derive(Clone)]
pub struct SigningKey {
    /// Key id written into claims.
    pub id: String,
    /// Secret bytes.
    pub secret: Vec<u8>,
}

/// The keys that sign (the first) and verify (all).
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<SigningKey>,
}

impl Keyring {
    /// A keyring; `keys[0]` signs. Returns None for an empty list.
    pub fn new(keys: Vec<SigningKey>) -> Option<Self> {
        if keys.is_empty() || keys.iter().any(|key| key.secret.len() < 16) {
            return None;
        }
        Some(Self { keys })
    }

    /// The same key ids with secrets derived for `scope` (see [`scoped_secret`]): what one scope
    /// signs, no other scope verifies.
    pub fn scoped(&self, scope: &str) -> Self {
        let keys = self
            .keys
            .iter()
            .map(|key| SigningKey {
                id: key.id.clone(),
                secret: scoped_secret(&key.secret, scope),
            })
            .collect();
        Self { keys }
    }

    /// The id new claims must carry.
    pub fn signing_key_id(&self) -> &str {
        &self.keys[0].id
    }

    /// Signs claims that carry [`Self::signing_key_id`].
    pub fn sign<C: Claims>(&self, claims: C) -> Signed<C> {
        let signature = to_hex(&mac(&self.keys[0].secret, &claims.signing_bytes()));
        Signed { claims, signature }
    }

    /// Signs as [`Self::sign`] does, and gives the signed bytes as text too: the claims' compact
    /// JSON (what the store keeps and what an answer carries), serialised once for both.
    pub fn sign_json<C: Claims>(&self, claims: C) -> (Signed<C>, String) {
        let bytes = claims.signing_bytes();
        let signature = to_hex(&mac(&self.keys[0].secret, &bytes));
        // serde_json writes UTF-8, so this never falls back to re-encoding.
        let json = String::from_utf8(bytes)
            .unwrap_or_else(|bytes| String::from_utf8_lossy(bytes.as_bytes()).into_owned());
        (Signed { claims, signature }, json)
    }

    /// Checks the MAC with the key the claims name (constant-time comparison).
    pub fn verify<C: Claims>(
        &self,
        signed: &Signed<C>,
        key_id: &str,
    ) -> Result<(), SignatureError> {
        let key = self
            .keys
            .iter()
            .find(|key| key.id == key_id)
            .ok_or(SignatureError::UnknownKey)?;
        let mut check =
            HmacSha256::new_from_slice(&key.secret).map_err(|_| SignatureError::UnknownKey)?;
        check.update(&signed.claims.signing_bytes());
        let given = Some(&signed.signature)
            .filter(|hex| hex.len() <= 128)
            .and_then(|hex| from_hex(hex))
            .ok_or(SignatureError::BadSignature)?;
        check
            .verify_slice(&given)
            .map_err(|_| SignatureError::BadSignature)
    }
}

/// A secret for one scope (a campaign), derived from a deployment secret: the HMAC of the
/// scope's name under it. Scopes share no usable key, and nothing is stored per scope.
pub fn scoped_secret(secret: &[u8], scope: &str) -> Vec<u8> {
    mac(secret, format!("fairline-scope-v1\n{scope}").as_bytes())
}

/// HMAC-SHA256 of `message` under `secret`.
pub fn mac(secret: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// Bytes from hex (either case), or None.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use fairline_core::wire::{QueuePlace, TicketClaims};
    use time::macros::datetime;

    fn claims(key_id: &str) -> TicketClaims {
        TicketClaims {
            key_id: key_id.into(),
            ticket_id: "t".into(),
            campaign_id: "c".into(),
            person_key_hash: "p".into(),
            issued_at: datetime!(2021-07-12 10:00 UTC),
            place: QueuePlace::Ranked { rank: 3 },
        }
    }

    fn key(id: &str, byte: u8) -> SigningKey {
        SigningKey {
            id: id.into(),
            secret: vec![byte; 32],
        }
    }

    #[test]
    fn what_one_scope_signs_no_other_scope_verifies() {
        let deployment = Keyring::new(vec![key("k1", 1)]).unwrap();
        let (first, second) = (deployment.scoped("first"), deployment.scoped("second"));
        let ticket = first.sign(claims("k1"));
        assert_eq!(first.verify(&ticket, "k1"), Ok(()));
        assert_eq!(deployment.scoped("first").verify(&ticket, "k1"), Ok(()));
        assert_eq!(
            second.verify(&ticket, "k1"),
            Err(SignatureError::BadSignature)
        );
        assert_eq!(
            deployment.verify(&ticket, "k1"),
            Err(SignatureError::BadSignature)
        );
    }

    #[test]
    fn rotation_signs_with_the_newest_and_verifies_all_known_keys() {
        let old = Keyring::new(vec![key("k1", 1)]).unwrap();
        let rotated = Keyring::new(vec![key("k2", 2), key("k1", 1)]).unwrap();
        let old_ticket = old.sign(claims("k1"));
        assert_eq!(rotated.verify(&old_ticket, "k1"), Ok(()));
        let new_ticket = rotated.sign(claims("k2"));
        assert_eq!(
            old.verify(&new_ticket, "k2"),
            Err(SignatureError::UnknownKey)
        );
    }

    #[test]
    fn sign_json_gives_the_signed_bytes_and_the_same_signature() {
        let ring = Keyring::new(vec![key("k1", 1)]).unwrap();
        let (ticket, json) = ring.sign_json(claims("k1"));
        assert_eq!(ticket, ring.sign(claims("k1")));
        assert_eq!(json.as_bytes(), ticket.claims.signing_bytes());
        assert_eq!(json, serde_json::to_string(&ticket.claims).unwrap());
    }

    #[test]
    fn tampering_breaks_the_signature() {
        let ring = Keyring::new(vec![key("k1", 1)]).unwrap();
        let mut ticket = ring.sign(claims("k1"));
        ticket.claims.place = QueuePlace::Ranked { rank: 0 };
        assert_eq!(
            ring.verify(&ticket, "k1"),
            Err(SignatureError::BadSignature)
        );
        ticket.signature = "zz".into();
        assert_eq!(
            ring.verify(&ticket, "k1"),
            Err(SignatureError::BadSignature)
        );
    }
}
