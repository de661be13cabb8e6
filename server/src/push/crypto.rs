//! The `aes128gcm` content encoding of a push message (RFC 8188) with Web Push's key derivation
//! (RFC 8291): only the device holding the subscription's private key can read what the push
//! service carries. A fresh server key pair and salt per message; one record (our messages are
//! small: [`MAX_PLAINTEXT`]).
//!
//! ring does it all (ECDH P-256, HKDF-SHA-256, AES-128-GCM): it is already in the tree through
//! rustls, so nothing new is built and there is no OpenSSL.

use ring::{aead, agreement, hkdf, rand::SystemRandom};

/// The record size announced in the header: one record holds the whole message.
const RECORD_SIZE: u32 = 4096;
/// The longest plaintext sent: 4096 bytes of record less the tag (16) and the delimiter (1),
/// and the header (86) that shares the push service's 4096-byte limit.
pub const MAX_PLAINTEXT: usize = 4096 - 16 - 1 - 86;

/// Why a message could not be encrypted for a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the subscription's public key is not a P-256 point")]
    Key,
    #[error("the subscription's auth secret is not 16 bytes")]
    Auth,
    #[error("the message is too long for one push")]
    TooLong,
    #[error("encryption failed")]
    Crypto,
}

/// Encrypts `plaintext` for the device whose public key is `ua_public` (65 bytes, uncompressed)
/// and auth secret `auth` (16 bytes): the request body of a push, header included.
pub fn encrypt(ua_public: &[u8], auth: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let rng = SystemRandom::new();
    let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| SealError::Crypto)?;
    let as_public = private
        .compute_public_key()
        .map_err(|_| SealError::Crypto)?;
    let mut salt = [0_u8; 16];
    ring::rand::SecureRandom::fill(&rng, &mut salt).map_err(|_| SealError::Crypto)?;
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, ua_public);
    let ecdh_secret =
        agreement::agree_ephemeral(private, &peer, <[u8]>::to_vec).map_err(|_| SealError::Key)?;
    seal(
        &ecdh_secret,
        ua_public,
        as_public.as_ref(),
        auth,
        &salt,
        plaintext,
    )
}

/// The deterministic rest of [`encrypt`], from the ECDH shared secret on (RFC 8291 section 3.4,
/// RFC 8188 section 2): what the RFC's worked example checks byte for byte.
pub fn seal(
    ecdh_secret: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    auth: &[u8],
    salt: &[u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    if auth.len() != 16 {
        return Err(SealError::Auth);
    }
    if ua_public.len() != 65 || as_public.len() != 65 {
        return Err(SealError::Key);
    }
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(SealError::TooLong);
    }
    let (cek, nonce) = content_keys(ecdh_secret, ua_public, as_public, auth, salt)?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_128_GCM, &cek).map_err(|_| SealError::Crypto)?,
    );
    // The last (and only) record ends with the delimiter 0x02 and no padding.
    let mut record = Vec::with_capacity(plaintext.len() + 17);
    record.extend_from_slice(plaintext);
    record.push(2);
    key.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::empty(),
        &mut record,
    )
    .map_err(|_| SealError::Crypto)?;
    let mut body = Vec::with_capacity(86 + record.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(65);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

/// The content encryption key and nonce: HKDF with the auth secret over the ECDH secret (bound
/// to both public keys), then HKDF with the salt.
pub fn content_keys(
    ecdh_secret: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    auth: &[u8],
    salt: &[u8],
) -> Result<([u8; 16], [u8; 12]), SealError> {
    let mut key_info = Vec::with_capacity(14 + 130);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0_u8; 32];
    expand(auth, ecdh_secret, &key_info, &mut ikm)?;
    let mut cek = [0_u8; 16];
    expand(salt, &ikm, b"Content-Encoding: aes128gcm\0", &mut cek)?;
    let mut nonce = [0_u8; 12];
    expand(salt, &ikm, b"Content-Encoding: nonce\0", &mut nonce)?;
    Ok((cek, nonce))
}

/// HKDF-SHA-256: extract with `salt` from `ikm`, expand with `info` into `out`.
fn expand(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), SealError> {
    struct Len(usize);
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let info = [info];
    prk.expand(&info, Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| SealError::Crypto)
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    use super::*;

    fn b64(text: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(text).unwrap()
    }

    /// RFC 8291, section 5 and appendix A: the worked example, from its ECDH secret on.
    #[test]
    fn the_rfc_8291_example_is_reproduced_byte_for_byte() {
        let ua_public = b64(
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
        );
        let as_public = b64(
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
        );
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let ecdh = b64("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs");
        let (cek, nonce) = content_keys(&ecdh, &ua_public, &as_public, &auth, &salt).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(cek), "oIhVW04MRdy2XN9CiKLxTg");
        assert_eq!(URL_SAFE_NO_PAD.encode(nonce), "4h_95klXJ5E_qnoN");
        let body = seal(
            &ecdh,
            &ua_public,
            &as_public,
            &auth,
            &salt,
            b"When I grow up, I want to be a watermelon",
        )
        .unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLoc\
             InmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLV\
             WGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn bad_keys_and_long_messages_are_refused_with_their_reason() {
        let rng = SystemRandom::new();
        let device = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).unwrap();
        let public = device.compute_public_key().unwrap();
        assert_eq!(
            encrypt(public.as_ref(), &[0; 15], b"hi"),
            Err(SealError::Auth)
        );
        assert_eq!(encrypt(&[4; 65], &[0; 16], b"hi"), Err(SealError::Key));
        assert_eq!(
            encrypt(public.as_ref(), &[0; 16], &[b'a'; MAX_PLAINTEXT + 1]),
            Err(SealError::TooLong)
        );
        let body = encrypt(public.as_ref(), &[0; 16], &[b'a'; MAX_PLAINTEXT]).unwrap();
        assert_eq!(
            body.len(),
            4096,
            "the longest message fills the push service's limit"
        );
    }
}
