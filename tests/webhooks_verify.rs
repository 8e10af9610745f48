//! Signature checks against vectors computed independently of this crate: the expected values below were
//! produced with Python's `hmac`/`hashlib` (`base64.b64encode(hmac.new(hashlib.sha256(key).digest(), body,
//! hashlib.sha256).digest())` for ConnectWise, `hmac.new(key, body, hashlib.sha1)` for Autotask) and
//! cross-checked with `openssl dgst -hmac`, over the exact UTF-8 bytes of the bodies here (non-ASCII text
//! included). Nothing here computes an expected value with the code under test.
#![cfg(feature = "webhooks")]

use psa_clients::secret::Secret;
use psa_clients::webhooks::verify::{
    autotask_signature, connectwise_signature, verify_autotask, verify_connectwise,
};
use psa_clients::webhooks::VerifyError;

/// A ticket callback; `Entity` holds German, French quotes and a check mark.
const CW_BODY: &str = r#"{"MessageId":"0b9d6a1e-3c55-4f7e-9a51-2f6f1c0d8e11","FromUrl":"api-na.myconnectwise.net","CompanyId":"acme","MemberId":"jdoe","Action":"updated","Type":"ticket","ID":4711,"ProductInstanceId":"a1b2","PartnerId":"p-9","Entity":"{\"id\":4711,\"summary\":\"Drucker im 3. Stock – Fehler «Papierstau» ✓\",\"board\":{\"id\":1,\"name\":\"Help Desk\"},\"closedFlag\":false}","Metadata":{"key_url":"https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkey/abc"},"CallbackObjectRecId":12}"#;
/// base64(HMAC-SHA256(SHA-256("cw-signing-key-1"), CW_BODY)), Python and openssl.
const CW_SIG: &str = "htFI9t5L2SQx+2cIj8dgUxmo71awXfOROWpTY7+i9wY=";
/// The same body with the non-ASCII key "schlüssel-ключ".
const CW_SIG_NON_ASCII_KEY: &str = "mjGsfp1rppiVBndpS2oHmOYSzA4qRrYa5NoL/D4H0HA=";
/// The empty body with "cw-signing-key-1".
const CW_SIG_EMPTY: &str = "43j2KLT56iYv45AK2Q2eP8Uj+qh4cUu2V1h7ZfPqFAE=";

/// A ticket update; the title holds "Zürich", a dash, a check mark and Japanese.
const AT_BODY: &str = r#"{"Action":"Update","Guid":"7c3f4b1e-0a9d-4c39-b1d2-5e8f6a7b9c01","EntityType":"Ticket","Id":29684,"Fields":{"id":29684,"title":"Zürich: Drucker – ✓ 東京","status":5,"priority":2},"EventTime":"2024-03-01T10:00:00.123Z","SequenceNumber":17,"PersonID":29682885}"#;
/// sha1=base64(HMAC-SHA1("s3cr3t-Key_10digits!", AT_BODY)), Python and openssl.
const AT_SIG: &str = "sha1=+82B6iA0xJOxzssqOlrU84x1lUA=";
/// The same body with "another-secret-0123456789".
const AT_SIG_OTHER: &str = "sha1=xA+BX+Osbfsg72ck5FnJPHkT2uM=";
/// A `Deactivated` notice (with `PersonId` spelled that way), "s3cr3t-Key_10digits!".
const AT_DEACT: &str = r#"{"Action":"Deactivated","Guid":"7c3f4b1e-0a9d-4c39-b1d2-5e8f6a7b9c01","EntityType":"Ticket","Id":0,"Fields":{},"EventTime":"2024-03-02T08:00:00Z","SequenceNumber":18,"PersonId":29682885}"#;
const AT_DEACT_SIG: &str = "sha1=6xk/sau5khsXBNw1VzJS76APHJc=";

fn cw_key() -> Secret {
    Secret::new("cw-signing-key-1")
}

fn at_secret() -> Secret {
    Secret::new("s3cr3t-Key_10digits!")
}

#[test]
fn connectwise_vectors_match() {
    assert!(
        CW_BODY.len() > CW_BODY.chars().count(),
        "the body must hold non-ASCII text"
    );
    assert_eq!(connectwise_signature(&cw_key(), CW_BODY.as_bytes()), CW_SIG);
    assert_eq!(
        connectwise_signature(&Secret::new("schlüssel-ключ"), CW_BODY.as_bytes()),
        CW_SIG_NON_ASCII_KEY
    );
    assert_eq!(connectwise_signature(&cw_key(), b""), CW_SIG_EMPTY);
    verify_connectwise(&cw_key(), CW_BODY.as_bytes(), Some(CW_SIG)).expect("valid");
    verify_connectwise(
        &Secret::new("schlüssel-ключ"),
        CW_BODY.as_bytes(),
        Some(CW_SIG_NON_ASCII_KEY),
    )
    .expect("valid with a non-ASCII key");
    // Surrounding whitespace in the header is tolerated.
    verify_connectwise(&cw_key(), CW_BODY.as_bytes(), Some(&format!(" {CW_SIG} ")))
        .expect("trimmed");
}

#[test]
fn connectwise_refuses_what_does_not_match() {
    let body = CW_BODY.as_bytes();
    let wrong = |result: Result<(), VerifyError>| result.expect_err("must be refused");
    assert_eq!(
        wrong(verify_connectwise(
            &Secret::new("other"),
            body,
            Some(CW_SIG)
        )),
        VerifyError::Mismatch
    );
    assert_eq!(
        wrong(verify_connectwise(&cw_key(), b"{}", Some(CW_SIG))),
        VerifyError::Mismatch
    );
    // One byte changed inside the non-ASCII text (ü → u would change the length; swap the check mark's last byte).
    let mut tampered = body.to_vec();
    let at = CW_BODY.find('✓').expect("check mark") + 2;
    tampered[at] ^= 1;
    assert_eq!(
        wrong(verify_connectwise(&cw_key(), &tampered, Some(CW_SIG))),
        VerifyError::Mismatch
    );
    // The body re-serialised (whitespace added) no longer matches: verification is over the raw bytes.
    let reformatted = CW_BODY.replacen(':', ": ", 1);
    assert_eq!(
        wrong(verify_connectwise(
            &cw_key(),
            reformatted.as_bytes(),
            Some(CW_SIG)
        )),
        VerifyError::Mismatch
    );
    assert_eq!(
        wrong(verify_connectwise(&cw_key(), body, None)),
        VerifyError::MissingSignature {
            header: "x-content-signature"
        }
    );
    assert!(matches!(
        wrong(verify_connectwise(&cw_key(), body, Some("not base64!"))),
        VerifyError::MalformedSignature { .. }
    ));
    // A truncated MAC (valid base64, 16 bytes) is a mismatch, not a prefix match.
    assert_eq!(
        wrong(verify_connectwise(
            &cw_key(),
            body,
            Some("htFI9t5L2SQx+2cIj8dgUw==")
        )),
        VerifyError::Mismatch
    );
    assert_eq!(
        wrong(verify_connectwise(&Secret::new(""), body, Some(CW_SIG))),
        VerifyError::NoSecret
    );
}

#[test]
fn autotask_vectors_match() {
    assert!(
        AT_BODY.len() > AT_BODY.chars().count(),
        "the body must hold non-ASCII text"
    );
    assert_eq!(autotask_signature(&at_secret(), AT_BODY.as_bytes()), AT_SIG);
    assert_eq!(
        autotask_signature(
            &Secret::new("another-secret-0123456789"),
            AT_BODY.as_bytes()
        ),
        AT_SIG_OTHER
    );
    verify_autotask(&[at_secret()], AT_BODY.as_bytes(), Some(AT_SIG)).expect("valid");
    // The prefix is compared ignoring case.
    verify_autotask(
        &[at_secret()],
        AT_BODY.as_bytes(),
        Some(&AT_SIG.replace("sha1=", "SHA1=")),
    )
    .expect("prefix case");
    // During a rotation either secret verifies.
    let both = [Secret::new("another-secret-0123456789"), at_secret()];
    verify_autotask(&both, AT_BODY.as_bytes(), Some(AT_SIG)).expect("second secret");
    verify_autotask(&both, AT_BODY.as_bytes(), Some(AT_SIG_OTHER)).expect("first secret");
}

#[test]
fn autotask_deactivated_is_verified_like_every_message() {
    verify_autotask(&[at_secret()], AT_DEACT.as_bytes(), Some(AT_DEACT_SIG))
        .expect("signed deactivation");
    assert_eq!(
        verify_autotask(&[at_secret()], AT_DEACT.as_bytes(), None),
        Err(VerifyError::MissingSignature {
            header: "x-hook-signature"
        })
    );
    assert_eq!(
        verify_autotask(&[at_secret()], AT_DEACT.as_bytes(), Some(AT_SIG)),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn autotask_fails_closed() {
    let body = AT_BODY.as_bytes();
    assert_eq!(
        verify_autotask(&[], body, Some(AT_SIG)),
        Err(VerifyError::NoSecret)
    );
    assert_eq!(
        verify_autotask(&[Secret::new("")], body, Some(AT_SIG)),
        Err(VerifyError::NoSecret)
    );
    assert_eq!(
        verify_autotask(&[Secret::new("wrong")], body, Some(AT_SIG)),
        Err(VerifyError::Mismatch)
    );
    // Without the `sha1=` prefix, or a bare hex digest: not Autotask's format.
    assert!(matches!(
        verify_autotask(&[at_secret()], body, Some("+82B6iA0xJOxzssqOlrU84x1lUA=")),
        Err(VerifyError::MalformedSignature { .. })
    ));
    assert!(matches!(
        verify_autotask(&[at_secret()], body, Some("sha1=zz")),
        Err(VerifyError::MalformedSignature { .. })
    ));
    assert_eq!(
        verify_autotask(&[at_secret()], b"", Some(AT_SIG)),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn errors_and_debug_never_show_secrets_or_signatures() {
    let errors = [
        verify_connectwise(&Secret::new("cw-signing-key-1"), b"x", Some(CW_SIG)).unwrap_err(),
        verify_autotask(&[at_secret()], b"x", Some(AT_SIG)).unwrap_err(),
        verify_autotask(&[at_secret()], b"x", Some("sha1=###")).unwrap_err(),
    ];
    for error in errors {
        let text = format!("{error} {error:?}");
        for secret in [
            "cw-signing-key-1",
            "s3cr3t-Key_10digits!",
            CW_SIG,
            "+82B6iA0",
        ] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let verifier = psa_clients::webhooks::autotask::Verifier::new(at_secret());
    assert!(!format!("{verifier:?}").contains("s3cr3t"));
}
