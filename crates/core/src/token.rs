//! Signed claims as one opaque header-safe string (base64url of their JSON), so an admission can
//! travel in `Authorization: Bearer …` and a ticket in local storage.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{de::DeserializeOwned, Serialize};

use crate::wire::Signed;

/// Why a token string could not be read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenDecodeError {
    /// Longer than any token the server issues.
    TooLong,
    /// Not base64url.
    NotBase64,
    /// Not the JSON of signed claims.
    NotClaims,
}

/// Tokens longer than this are refused before decoding (server tokens are well under 1 KiB).
pub const MAX_TOKEN_LEN: usize = 4096;

/// The token for `signed`.
pub fn encode<C: Serialize + DeserializeOwned>(signed: &Signed<C>) -> String {
    encode_json(&serde_json::to_string(signed).unwrap_or_default())
}

/// The token for signed claims already written as JSON (the widget writes them with core's
/// writer, byte for byte what serde writes; `write`'s tests check the two tokens are equal):
/// base64url without padding,
/// written here so the widget carries neither serde's writer nor a base64 library for it.
pub fn encode_json(json: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = json.as_bytes();
    let mut token = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (i, byte)| {
            group | u32::from(*byte) << (16 - 8 * i)
        });
        // Three bytes make four characters; a last chunk of one or two makes two or three.
        for i in 0..=chunk.len() {
            let index = (group >> (18 - 6 * i)) & 63;
            token.push(char::from(ALPHABET[index as usize]));
        }
    }
    token
}

/// The signed claims inside `token` (not yet verified: the server checks the MAC).
pub fn decode<C: Serialize + DeserializeOwned>(token: &str) -> Result<Signed<C>, TokenDecodeError> {
    let token = token.trim();
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenDecodeError::TooLong);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| TokenDecodeError::NotBase64)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenDecodeError::NotClaims)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::wire::{QueuePlace, TicketClaims};
    use time::macros::datetime;

    #[test]
    fn the_hand_written_encoder_writes_what_base64_writes() {
        let bytes: Vec<u8> = (0..=255u8).rev().chain(0..=255).collect();
        for end in 0..bytes.len() {
            // Only the encoder's bytes matter here; a JSON text is any valid UTF-8.
            let text = String::from_utf8_lossy(&bytes[..end]).into_owned();
            assert_eq!(
                encode_json(&text),
                URL_SAFE_NO_PAD.encode(text.as_bytes()),
                "{end}"
            );
        }
    }

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let signed = Signed {
            claims: TicketClaims {
                key_id: "k1".into(),
                ticket_id: "t1".into(),
                campaign_id: "demo".into(),
                person_key_hash: "ab".into(),
                issued_at: datetime!(2021-07-12 11:00 UTC),
                place: QueuePlace::Ranked { rank: 7 },
            },
            signature: "00".into(),
        };
        let token = encode(&signed);
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode::<TicketClaims>(&token).unwrap(), signed);
        assert_eq!(
            decode::<TicketClaims>("%%%"),
            Err(TokenDecodeError::NotBase64)
        );
        assert_eq!(
            decode::<TicketClaims>("e30"),
            Err(TokenDecodeError::NotClaims)
        );
        assert_eq!(
            decode::<TicketClaims>(&"A".repeat(MAX_TOKEN_LEN + 1)),
            Err(TokenDecodeError::TooLong)
        );
    }
}
