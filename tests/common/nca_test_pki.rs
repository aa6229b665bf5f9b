//! The national CA's GOST 2022 test PKI in the real material (paths under
//! `../shared/realkz/`, for `super::realkz`): its root and intermediate,
//! its current CRL, a time inside all of them, and the officers' keys of
//! the test legal entity (PKCS#12, password `Qwerty12`).

/// The GOST 34.10-2015 test root ("TEST 2022").
pub const ROOT_2022: &str = "skarm-kalkan/testdata__certs__root_test_gost_2022.cer";
/// The NCA's GOST 2022 test intermediate.
pub const CA_2022: &str = "skarm-kalkan/testdata__certs__nca_gost2022_test.cer";
/// Its current CRL: 2026-08-11 … 2027-02-07, 195 entries.
pub const CRL_2022: &str = "ncanode-go/internal__testdata__certs__nca_gost2022_test.crl";
/// Inside the current CRL's window and the officers' validity.
pub const AT_2022: &str = "2026-09-01T00:00:00Z";
/// The employee: `legal/valid/employee_signright` (IIN 123456789012). Its
/// sibling `legal/valid/employee.p12` (130D7A4B…) is on the CA's current CRL
/// since 2026-06-02 (superseded), so it cannot sign at 2026-09-01.
pub const EMPLOYEE_P12: &str =
    "ncanode-go/internal__testdata__certs__legal__valid__employee_signright.p12";
/// The legal entity's head (GOST 34.10-2015/512).
pub const HEAD_P12: &str = "ncanode-go/internal__testdata__certs__legal__valid__head.p12";
