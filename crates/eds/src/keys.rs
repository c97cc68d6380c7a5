//! RSA keys and PKCS#1 v1.5 / SHA-256 signatures: the one algorithm the suite accepts.

use der::referenced::OwnedToRef;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use sha2::Sha256;
use spki::SubjectPublicKeyInfoOwned;

use crate::oid;

/// The smallest RSA modulus accepted, in bits: the centre issues RSA-2048, and
/// anything smaller is breakable.
pub const MINIMUM_RSA_MODULUS_BITS: usize = 2048;

/// The RSA key of a `SubjectPublicKeyInfo`, as a SHA-256 PKCS#1 v1.5 verifier,
/// when it is an RSA key of at least [`MINIMUM_RSA_MODULUS_BITS`].
pub(crate) fn rsa_sha256_verifying_key(
    public_key_info: &SubjectPublicKeyInfoOwned,
) -> Option<VerifyingKey<Sha256>> {
    if public_key_info.algorithm.oid != oid::RSA_ENCRYPTION {
        return None;
    }
    let public_key = RsaPublicKey::try_from(public_key_info.owned_to_ref()).ok()?;
    if public_key.n().bits() < MINIMUM_RSA_MODULUS_BITS {
        return None;
    }
    Some(VerifyingKey::new(public_key))
}

/// Whether `signature` is `key`'s RSA PKCS#1 v1.5 signature of SHA-256(`message`).
pub(crate) fn rsa_sha256_signature_verifies(
    key: &VerifyingKey<Sha256>,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Ok(signature) = Signature::try_from(signature) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}
