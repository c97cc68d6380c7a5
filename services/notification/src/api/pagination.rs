//! `page_size` and `page_token` (AIP-158).
//!
//! A token is opaque to clients: hex of `v1:{list}:{last key}:{filter digest}`.
//! The digest ties a token to the filters of the request that produced it, so
//! a token replayed with other filters is refused instead of paging wrongly.

use housing_platform::error::ServiceError;
use sha2::{Digest, Sha256};

/// Page size when the request gives none.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// Largest page; larger requests are served this many (AIP-158 coerces).
pub const MAX_PAGE_SIZE: u32 = 500;

const TOKEN_VERSION: &str = "v1";

/// The page size of a request: 0 is the default, above the maximum is the maximum.
pub fn page_size(requested: i32) -> Result<u32, ServiceError> {
    match u32::try_from(requested) {
        Ok(0) => Ok(DEFAULT_PAGE_SIZE),
        Ok(size) => Ok(size.min(MAX_PAGE_SIZE)),
        Err(_) => Err(ServiceError::invalid_field(
            "page_size",
            "must not be negative",
        )),
    }
}

/// The token of the page after the one ending at `last_key`.
pub fn encode(list: &str, last_key: i64, filter: &str) -> String {
    hex::encode(format!(
        "{TOKEN_VERSION}:{list}:{last_key}:{}",
        filter_digest(filter)
    ))
}

/// The last key of the previous page, or `None` for the first page (empty token).
pub fn decode(token: &str, list: &str, filter: &str) -> Result<Option<i64>, ServiceError> {
    if token.is_empty() {
        return Ok(None);
    }
    let refused = || {
        ServiceError::invalid_field(
            "page_token",
            "is not a token this list gave out for these filters",
        )
    };
    let bytes = hex::decode(token).map_err(|_| refused())?;
    let text = String::from_utf8(bytes).map_err(|_| refused())?;
    let mut parts = text.split(':');
    let (Some(version), Some(token_list), Some(last_key), Some(digest), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(refused());
    };
    if version != TOKEN_VERSION || token_list != list || digest != filter_digest(filter) {
        return Err(refused());
    }
    last_key.parse::<i64>().map(Some).map_err(|_| refused())
}

fn filter_digest(filter: &str) -> String {
    hex::encode(&Sha256::digest(filter.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_default_and_cap() {
        assert_eq!(page_size(0).expect("valid"), 50);
        assert_eq!(page_size(7).expect("valid"), 7);
        assert_eq!(page_size(10_000).expect("valid"), 500);
        assert!(page_size(-1).is_err());
    }

    #[test]
    fn tokens_round_trip_and_are_tied_to_list_and_filters() {
        let token = encode("notifications", 42, "application=applications/1");
        assert_eq!(
            decode(&token, "notifications", "application=applications/1").expect("valid"),
            Some(42)
        );
        assert_eq!(decode("", "notifications", "").expect("valid"), None);
        assert!(decode(&token, "notifications", "application=applications/2").is_err());
        assert!(decode(&token, "outbox", "application=applications/1").is_err());
        assert!(decode("zz", "notifications", "").is_err());
        assert!(decode(&hex::encode("v1:notifications:x:y"), "notifications", "").is_err());
    }
}
