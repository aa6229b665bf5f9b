//! The national CA's own PKCS#12 key files (`../shared/realkz`, read in
//! place, never copied here): every one imports into the key store, is
//! sealed, loads back and signs, and its signature verifies with its
//! certificate's key.
//!
//! What the files are (`openssl pkcs12 -info -legacy`): a SHA-1 MAC of 1024
//! iterations; the key in a pkcs8ShroudedKeyBag under
//! pbeWithSHAAnd3-KeyTripleDES-CBC; the certificate in an EncryptedData
//! under pbeWithSHAAnd40BitRC2-CBC; BER with indefinite lengths inside the
//! authenticated safe. The GOST PrivateKeyInfo names the key algorithm
//! (1.2.398.3.10.1.1.1.1 for GOST 34.310-2004, 1.2.398.3.10.1.1.2.2 for
//! GOST 34.10-2015/512) with its parameter set and digest, and holds the
//! private scalar as Kalkan writes it: an INTEGER (big-endian) for 2004
//! keys, an OCTET STRING of 64 bytes, little-endian, for 2015 keys. Import
//! proves the reading: it keeps a key only when the public key derived from
//! the scalar (`pki::gost::SigningKey::public_key`) is the certificate's.
//!
//! The table gives each file's password (as the source repositories publish
//! them), the key kind qoltanba names and the certificate serial. The
//! ncanode `KEY_INDIVIDUAL_*_2004` files hold RSA keys despite their names.

mod common;

use common::read_realkz;
use qoltanba::keys::{self, KeyError, KeyOptions, KeyStore, P12Problem};
use qoltanba::pki::algorithms::{self, Digest, GostFamily, KeyKind, Scheme};
use qoltanba::pki::signer::Signer;

const QW: &str = "Qwerty12";
const AA: &str = "Aa123456";
const RSA: &str = "RSA-2048";
const G2004: &str = "GOST 34.310-2004 256";
const G2015: &str = "GOST 34.10-2015 512";

/// Every PKCS#12 of the material: file, password, key kind, certificate serial.
#[rustfmt::skip]
const FILES: &[(&str, &str, &str, &str)] = &[
    ("danikarik-ncanode-go/testdata__organization__active__AUTH_RSA256_d682726b55b3e62600ea8fe1c74e75fc96f47790.p12", QW, RSA, "35588A098DBAB52C87A442605F6DAAC22C823C6F"),
    ("danikarik-ncanode-go/testdata__organization__active__GOSTKNCA_13a3741b52d7bf860aab199b56fad1f4652e357b.p12", QW, G2004, "10DCD6F16215ED03AA57856AC168ADEAA534F3BF"),
    ("danikarik-ncanode-go/testdata__organization__revoked__AUTH_RSA256_7d6d313ac5bf7367a2a69f28607a8deb80dd3ba9.p12", QW, RSA, "47621DB6103EED03029A1E00005F5C707A1C9432"),
    ("danikarik-ncanode-go/testdata__organization__revoked__GOSTKNCA_c372b7809440fcb681051bbc89ea2f089fd2fe16.p12", QW, G2004, "6724A08CCD56299DE8C8896CD1F5D667AF3807EE"),
    ("danikarik-ncanode-go/testdata__personal__active__AUTH_RSA256_b2c70a9ff7a5dc59de0ccc3c0ddde3437cc1f12d.p12", QW, RSA, "391759E5658DCA490117417838E6C72CD8A853E7"),
    ("danikarik-ncanode-go/testdata__personal__active__RSA256_11c707bd54cbfcccb3815e39c4eb57b1dc7dfea9.p12", QW, RSA, "1C1C4ADB45086B3529E004C96302AE974D4F09A4"),
    ("danikarik-ncanode-go/testdata__personal__revoked__AUTH_RSA256_60d5a0346dd52fb5f3b9148e6cfbcd6cf323d119.p12", QW, RSA, "28E7785D5DC29A84F1939EB3D91FE9114DAB491F"),
    ("danikarik-ncanode-go/testdata__personal__revoked__RSA256_346a7e57c2995259140b6fc375b6ff3bba7e852f.p12", QW, RSA, "4BBAD346A4703C9FD00A8F146AE0C62A0A8E2A14"),
    ("gokalkan/internal__testdata__test__certs__gost1.p12", QW, G2004, "6CBD4560A33A58C0B07C3363C9AE0674A0838E58"),
    ("gokalkan/internal__testdata__test__certs__gost2.p12", QW, G2004, "79B3E650CE74AB9792B81902504E1D669606C52D"),
    ("gokalkan/test_cert__GOSTKNCA.p12", QW, G2004, "76D701FD31A25BC868DAC46CABB1C935FAA8F44C"),
    ("mitwork-kalkan/certificates.yml.0.GOST2015.active.p12", QW, G2015, "10F5125FB9E52F84C42CBAD8E451C68F10A5E869"),
    ("mitwork-kalkan/certificates.yml.1.GOST2015.active.p12", QW, G2015, "1D79679F360A2DA49A631A0B1AC76F76C34B6F24"),
    ("mitwork-kalkan/certificates.yml.2.GOST2015.revoked.p12", QW, G2015, "52BA32BC28B37DDB5AD4E0E279FDE31695C10C1D"),
    ("mitwork-kalkan/certificates.yml.3.GOST2015.revoked.p12", QW, G2015, "12C7A21F2DF78B99CB67323E2E255779BB6AE309"),
    ("ncanode-go/internal__testdata__certs__individual__revoked__individual_revoked.p12", QW, G2015, "3ACEA55CBCDF38C861FB3F341854C53EC9ED6ECD"),
    ("ncanode-go/internal__testdata__certs__individual__valid__individual_valid.p12", QW, G2015, "6C425659BD2FC6DC587B871AEDE1857727CF8451"),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee.p12", QW, G2015, "663FCDB0C09DA1533E23E5DC52D2756664AD0F92"),
    ("ncanode-go/internal__testdata__certs__legal__revoked__employee_signright.p12", QW, G2015, "12490D7BA57B59EFEA8433349D75CC807B168957"),
    ("ncanode-go/internal__testdata__certs__legal__revoked__head.p12", QW, G2015, "5BFAB68530D2A5DAF87B65E29A105A7BEA75B411"),
    ("ncanode-go/internal__testdata__certs__legal__revoked__infosystem.p12", QW, G2015, "54A51A9D554FE48A5588C26B2A05F71D576A6C48"),
    ("ncanode-go/internal__testdata__certs__legal__revoked__treasury_client.p12", QW, G2015, "6B4FA0C2B2F483B4CCF9D9B019706E283C58EE41"),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee.p12", QW, G2015, "130D7A4B878F28BF1B2B7A223BD7C03CE78C7481"),
    ("ncanode-go/internal__testdata__certs__legal__valid__employee_signright.p12", QW, G2015, "179FDD544A7F9A19B77AD38275CA45F20B84E590"),
    ("ncanode-go/internal__testdata__certs__legal__valid__head.p12", QW, G2015, "303EEBDF17969F3EDEDE9BD9828FB1355AABBE4E"),
    ("ncanode-go/internal__testdata__certs__legal__valid__infosystem.p12", QW, G2015, "60954F23D41DB3F42FB04DB6F538609D98978D32"),
    ("ncanode-go/internal__testdata__certs__legal__valid__treasury_client.p12", QW, G2015, "689BD2C53A2E05AAF877569F47DFFF2E7C314FE0"),
    ("ncanode/groovy/WithTestData.KEY_CEO_REVOKED_2015.p12", AA, G2015, "3A90343E720594C55204B19CB9A402422EF0E622"),
    ("ncanode/groovy/WithTestData.KEY_CEO_SIGN_REVOKED_2004.p12", QW, G2004, "12E3E7B9966D09EB9CDA64251457E815C2A8DDED"),
    ("ncanode/groovy/WithTestData.KEY_INDIVIDUAL_AUTH_REVOKED_2004.p12", QW, RSA, "1AB11253653B2537F2EDD55F0F66281CA4FA3F98"),
    ("ncanode/groovy/WithTestData.KEY_INDIVIDUAL_SIGN_REVOKED_2004.p12", QW, RSA, "46757A2158A604189C40FB1FCDAB1143F83F32DB"),
    ("ncanode/groovy/WithTestData.KEY_INDIVIDUAL_VALID_2015.p12", AA, G2015, "0FF06211DC82BEB00253FFA000F1DE84ABEF454F"),
    ("ncanode/groovy/WithTestData.KEY_INDIVIDUAL_VALID_SIGN_2004.p12", QW, RSA, "4279390A141F5353A62947B61ED65E81741467D1"),
    ("ncanode/history-2018/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12", QW, RSA, "157D5C497A54FD2757B38AFBE0F4BC605B956C0A"),
    ("ncanode/history-2018/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12", QW, G2004, "20F1B57ED3185056BDF3F7004CE3881157ABF844"),
    ("ncanode/history-2018/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12", QW, RSA, "744CC3275FB3519EFF1CA31EFC9CED3321B87C12"),
    ("skarm-kalkan/testdata__p12__GOST512_02c7a21f2df78b99cb67323e2e255779bb6ae309.p12", QW, G2015, "12C7A21F2DF78B99CB67323E2E255779BB6AE309"),
    ("skarm-kalkan/testdata__p12__GOST512_0860d9665327c26760c213126760a3b73072218d.p12", QW, G2015, "1860D9665327C26760C213126760A3B73072218D"),
    ("skarm-kalkan/testdata__p12__GOST512_0d79679f360a2da49a631a0b1ac76f76c34b6f24.p12", QW, G2015, "1D79679F360A2DA49A631A0B1AC76F76C34B6F24"),
    ("skarm-kalkan/testdata__p12__GOST512_0ec06df66e692b2929391857a75490754c6424b1.p12", QW, G2015, "1EC06DF66E692B2929391857A75490754C6424B1"),
    ("skarm-kalkan/testdata__p12__GOST512_10f5125fb9e52f84c42cbad8e451c68f10a5e869.p12", QW, G2015, "10F5125FB9E52F84C42CBAD8E451C68F10A5E869"),
    ("skarm-kalkan/testdata__p12__GOST512_145fc4910ee07ff689aeceee0f1d09d2441d0670.p12", QW, G2015, "145FC4910EE07FF689AECEEE0F1D09D2441D0670"),
    ("skarm-kalkan/testdata__p12__GOST512_1fc27b2d34352e12507d72b4eef6df1f50c8fb59.p12", QW, G2015, "1FC27B2D34352E12507D72B4EEF6DF1F50C8FB59"),
    ("skarm-kalkan/testdata__p12__GOST512_25bae2ec55e0929fc77114432b71790e58066a38.p12", QW, G2015, "25BAE2EC55E0929FC77114432B71790E58066A38"),
    ("skarm-kalkan/testdata__p12__GOST512_417f8277a760119bff13fdf7bb1721d1cc15c417.p12", QW, G2015, "417F8277A760119BFF13FDF7BB1721D1CC15C417"),
    ("skarm-kalkan/testdata__p12__GOST512_4d4503d38ba20f0af98e07568cb67379d537def7.p12", QW, G2015, "4D4503D38BA20F0AF98E07568CB67379D537DEF7"),
    ("skarm-kalkan/testdata__p12__GOST512_54878937544452191dc1fdd7f55524acf1540794.p12", QW, G2015, "54878937544452191DC1FDD7F55524ACF1540794"),
    ("skarm-kalkan/testdata__p12__GOST512_65cbffa7d55cfd5564be5fda053ad17fe8008f8e.p12", QW, G2015, "65CBFFA7D55CFD5564BE5FDA053AD17FE8008F8E"),
    ("skarm-kalkan/testdata__p12__GOST512_6dba535d60e55c61d30ec7ec8984b1b332f12027.p12", QW, G2015, "6DBA535D60E55C61D30EC7EC8984B1B332F12027"),
    ("skarm-kalkan/testdata__p12__GOST512_6ef98aece8760b2fd3ea4fb971b254a99e15c288.p12", QW, G2015, "6EF98AECE8760B2FD3EA4FB971B254A99E15C288"),
    ("skarm-kalkan/testdata__p12__GOST512_8147287582df9bb4710e461804acd49b88bf45c4.p12", QW, G2015, "1147287582DF9BB4710E461804ACD49B88BF45C4"),
    ("skarm-kalkan/testdata__p12__GOST512_81d1311b5629a88f2a8b4e5cb4b00cab12734fdf.p12", QW, G2015, "11D1311B5629A88F2A8B4E5CB4B00CAB12734FDF"),
    ("skarm-kalkan/testdata__p12__GOST512_9a829c92ec3edb25807287b7d58af90a52c734f5.p12", QW, G2015, "1A829C92EC3EDB25807287B7D58AF90A52C734F5"),
    ("skarm-kalkan/testdata__p12__GOST512_bb83cadcb3587c894537e69e5da75770de3ab43f.p12", QW, G2015, "3B83CADCB3587C894537E69E5DA75770DE3AB43F"),
    ("skarm-kalkan/testdata__p12__GOST512_d199fb1e5f3b3c6a23832a47d248b102e4378613.p12", QW, G2015, "5199FB1E5F3B3C6A23832A47D248B102E4378613"),
    ("skarm-kalkan/testdata__p12__GOST512_d2ba32bc28b37ddb5ad4e0e279fde31695c10c1d.p12", QW, G2015, "52BA32BC28B37DDB5AD4E0E279FDE31695C10C1D"),
    ("skarm-kalkan/testdata__p12__GOST512_d3f9632e6e9f1189237312077187d27150474e52.p12", QW, G2015, "53F9632E6E9F1189237312077187D27150474E52"),
    ("skarm-kalkan/testdata__p12__GOST512_e097b3111e6edd9a3d4354930280f6a2b54c5a09.p12", QW, G2015, "6097B3111E6EDD9A3D4354930280F6A2B54C5A09"),
    ("skarm-kalkan/testdata__p12__GOST512_e16b231106ac8cc8eb0dd2ee83dca302ef07f592.p12", QW, G2015, "616B231106AC8CC8EB0DD2EE83DCA302EF07F592"),
    ("skarm-kalkan/testdata__p12__GOST512_ee14bbfd06e9c661f4e992278bb0aff023399fc1.p12", QW, G2015, "6E14BBFD06E9C661F4E992278BB0AFF023399FC1"),
];

fn code<T>(r: Result<T, KeyError>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

/// Each file imports (the kind and serial as the table says), is sealed,
/// loads back, and signs: the signature verifies with the certificate's key
/// under the scheme the key's family fixes (GOST 34.311-95 for 2004 keys,
/// Streebog-512 for 2015/512 keys, SHA-256 PKCS#1 v1.5 for RSA). The same
/// file opened in memory (`sign --p12`) gives the same certificate.
#[test]
fn every_real_pkcs12_imports_seals_and_signs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = KeyStore::open(dir.path(), None).expect("store");
    let mut seen = std::collections::BTreeSet::new();
    for (i, (file, password, kind, serial)) in FILES.iter().enumerate() {
        let bytes = read_realkz(file);
        let id = format!("k{i}");
        let info = store
            .import_p12(&bytes, password, &id, false)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(info.key_algorithm, *kind, "{file}");
        assert_eq!(info.serial, *serial, "{file}");
        seen.insert(*kind);
        let sealed = std::fs::read_to_string(store.path_of(&id).expect("path")).expect("file");
        assert!(sealed.contains("\"AES-256-GCM\""), "{file}: sealed");
        let key = store.load(&id).unwrap_or_else(|e| panic!("{file}: {e}"));
        let cert = key.certificate().expect("certificate");
        let public = cert.key.clone().expect("a key qoltanba accepts");
        let want = match public.kind {
            KeyKind::Rsa { .. } => Scheme::RsaPkcs1(Digest::Sha256),
            KeyKind::Gost {
                family: GostFamily::Kz2004,
                ..
            } => Scheme::Gost(Digest::Gost34311),
            KeyKind::Gost { .. } => Scheme::Gost(Digest::Streebog512),
            other => panic!("{file}: {other:?}"),
        };
        assert_eq!(key.scheme(), want, "{file}");
        let msg = format!("qoltanba signs with {file}");
        let sig = key.sign(msg.as_bytes()).expect("signs");
        algorithms::verify(want, &public, msg.as_bytes(), &sig)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        // A GOST nonce is fresh each time: two signatures differ, both verify.
        if matches!(want, Scheme::Gost(_)) {
            let again = key.sign(msg.as_bytes()).expect("signs");
            assert_ne!(again, sig, "{file}: the same nonce twice");
            algorithms::verify(want, &public, msg.as_bytes(), &again).expect("verifies");
        }
        let mem = keys::open_p12(&bytes, password).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(mem.cert_der, key.cert_der, "{file}");
    }
    assert_eq!(seen.len(), 3, "RSA, GOST 2004 and GOST 2015 keys");
    assert_eq!(store.list().expect("list").len(), FILES.len());
}

/// One file of each kind: a wrong password, a changed MAC and changed
/// encrypted bytes are refused with KEY_P12_INVALID (wrong password or
/// damaged file); a truncated file is malformed.
#[test]
fn wrong_password_and_damage_are_refused() {
    for (file, password, _, _) in FILES.iter().filter(|(f, ..)| {
        f.contains("legal__valid__head")
            || f.contains("gost1.p12")
            || f.contains("personal__active__RSA256")
    }) {
        let bytes = read_realkz(file);
        let wrong = keys::open_p12(&bytes, &format!("{password}!"));
        assert_eq!(
            wrong.err(),
            Some(KeyError::P12Invalid {
                problem: P12Problem::WrongPassword
            }),
            "{file}"
        );
        assert_eq!(
            code(keys::open_p12(&bytes, "")),
            "KEY_P12_INVALID",
            "{file}"
        );
        // The MAC's last byte (the PFX ends with macSalt, then iterations 1024).
        let mut mac = bytes.clone();
        let at = mac.len() - 5;
        mac[at] ^= 1;
        assert_eq!(
            keys::open_p12(&mac, password).err(),
            Some(KeyError::P12Invalid {
                problem: P12Problem::WrongPassword
            }),
            "{file}: changed MAC salt"
        );
        let mut body = bytes.clone();
        let mid = body.len() / 2;
        body[mid] ^= 0x40;
        assert_eq!(
            code(keys::open_p12(&body, password)),
            "KEY_P12_INVALID",
            "{file}"
        );
        let short = &bytes[..bytes.len() - 30];
        assert_eq!(
            keys::open_p12(short, password).err(),
            Some(KeyError::P12Invalid {
                problem: P12Problem::Malformed
            }),
            "{file}: truncated"
        );
    }
}

/// A GOST key signs with its own digest only: another digest or PSS is
/// KEY_UNSUPPORTED, named with the key ("GOST 34.10-2015 512 with sha256").
#[test]
fn a_gost_key_signs_with_its_own_digest_only() {
    let file = "ncanode-go/internal__testdata__certs__legal__valid__head.p12";
    let bytes = read_realkz(file);
    for (options, named) in [
        (
            KeyOptions {
                digest: Some(Digest::Sha256),
                pss: false,
            },
            "GOST 34.10-2015 512 with sha256",
        ),
        (
            KeyOptions {
                digest: None,
                pss: true,
            },
            "GOST 34.10-2015 512 with gost34.11-2015-512 PSS",
        ),
        (
            KeyOptions {
                digest: Some(Digest::Streebog256),
                pss: false,
            },
            "GOST 34.10-2015 512 with gost34.11-2015-256",
        ),
    ] {
        assert_eq!(
            keys::open_p12_with(&bytes, QW, options).err(),
            Some(KeyError::Unsupported {
                algorithm: named.into()
            })
        );
    }
    let own = KeyOptions {
        digest: Some(Digest::Streebog512),
        pss: false,
    };
    assert!(keys::open_p12_with(&bytes, QW, own).is_ok());
}
