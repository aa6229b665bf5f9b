//! What the national CA's object identifiers mean: one table of extended key
//! usage purposes (the holder's roles among them) and one of certificate
//! policies, each OID with a short name and its meaning in kk/ru/en.
//!
//! Owns the lookup only. Refuses nothing: an OID missing from a table is
//! reported by its dotted form, never as an error.
//!
//! Sources: NCANode's `CertificateKeyUser` table (ncanode-kz/NCANode), the
//! role tables of other public Kazakh signature tools (NCANode-Go's keyUser
//! map, KncaOids), the NCA's test certificates in `../shared/realkz` (every
//! purpose they carry is in the table, `tests/test_pki_profile.rs` checks),
//! and RFC 5280 4.2.1.12 for the standard purposes. The Kazakh and English
//! wording is ours where no source gave one.

use serde::Serialize;

/// A meaning in the three languages of verdict messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Meaning {
    /// Kazakh.
    pub kk: &'static str,
    /// Russian.
    pub ru: &'static str,
    /// English.
    pub en: &'static str,
}

/// One known OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Known {
    /// Dotted OID.
    pub oid: &'static str,
    /// Short stable name (used in verdicts and by the workflow).
    pub name: &'static str,
    /// Whether the purpose is an NCA holder role (`1.2.398.…`), as opposed to
    /// a standard purpose such as e-mail protection.
    #[serde(skip)]
    pub role: bool,
    /// What it means.
    pub meaning: Meaning,
}

const fn purpose(oid: &'static str, name: &'static str, role: bool, m: [&'static str; 3]) -> Known {
    Known {
        oid,
        name,
        role,
        meaning: Meaning {
            kk: m[0],
            ru: m[1],
            en: m[2],
        },
    }
}

/// Extended key usage purposes: NCA holder roles first, then the standard
/// purposes the NCA's certificates carry.
pub const PURPOSES: &[Known] = &[
    purpose(
        "1.2.398.3.3.4.1.1",
        "individual",
        true,
        ["Жеке тұлға", "Физическое лицо", "Individual"],
    ),
    purpose(
        "1.2.398.3.3.4.1.1.1",
        "individual_information_system",
        true,
        [
            "Жеке тұлғаның ақпараттық жүйесі",
            "Информационная система физического лица",
            "Information system of an individual",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2",
        "organisation",
        true,
        [
            "Заңды тұлға",
            "Юридическое лицо (индивидуальный предприниматель, осуществляющий деятельность в виде совместного предпринимательства)",
            "Legal entity (or joint individual entrepreneurs)",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.1",
        "head",
        true,
        [
            "Бірінші басшы",
            "Первый руководитель",
            "First head (chief executive)",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.2",
        "may_sign",
        true,
        [
            "Қол қою құқығы бар тұлға",
            "Лицо, наделенное правом подписи",
            "Person with the right to sign",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.3",
        "financial",
        true,
        [
            "Қаржы құжаттарына қол қою құқығы бар тұлға",
            "Лицо, наделенное правом подписи финансовых документов",
            "Person with the right to sign financial documents",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.4",
        "hr",
        true,
        [
            "Кадр бөлімінің қызметкері",
            "Сотрудник отдела кадров",
            "Human resources employee",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.5",
        "employee",
        true,
        [
            "Ұйым қызметкері",
            "Сотрудник организации",
            "Employee of the organisation",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.1.2.6",
        "information_system",
        true,
        [
            "Заңды тұлғаның ақпараттық жүйесі",
            "Информационная система юридического лица",
            "Information system of a legal entity",
        ],
    ),
    purpose(
        "1.2.398.5.19.1.2.2.1",
        "treasury_client",
        true,
        [
            "«Қазынашылық – Клиент» цифрлық жүйесінің қатысушысы",
            "Участник цифровой системы «Казначейство – Клиент»",
            "Participant of the Treasury–Client digital system",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.2",
        "nca_privileges",
        true,
        [
            "ҰКО ақпараттық жүйесіндегі өкілеттіктер",
            "Полномочия в информационной системе НУЦ РК",
            "Privileges in the NCA's information system",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.2.1",
        "nca_admin",
        true,
        ["ҰКО әкімшісі", "Администратор НУЦ РК", "NCA administrator"],
    ),
    purpose(
        "1.2.398.3.3.4.2.2",
        "nca_manager",
        true,
        ["ҰКО менеджері", "Менеджер НУЦ РК", "NCA manager"],
    ),
    purpose(
        "1.2.398.3.3.4.2.3",
        "nca_operator",
        true,
        ["ҰКО операторы", "Оператор НУЦ РК", "NCA operator"],
    ),
    purpose(
        "1.2.398.3.3.4.3",
        "identification",
        true,
        [
            "Пайдаланушыны сәйкестендіру әдісі",
            "Метод идентификации пользователя",
            "How the holder was identified",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.3.1",
        "identification_con",
        true,
        [
            "ХҚКО операторы арқылы сәйкестендіру",
            "Идентификация через оператора ЦОН",
            "Identified by a public service centre operator",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.3.2",
        "identification_remote",
        true,
        [
            "Қашықтан сәйкестендіру",
            "Удаленная идентификация",
            "Identified remotely",
        ],
    ),
    purpose(
        "1.2.398.3.3.4.3.2.1",
        "identification_digital_id",
        true,
        [
            "Digital-ID арқылы сәйкестендіру",
            "Идентификация Digital-ID",
            "Identified through Digital-ID",
        ],
    ),
    purpose(
        "2.5.29.37.0",
        "any_purpose",
        false,
        ["Кез келген мақсат", "Любое назначение", "Any purpose"],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.1",
        "server_auth",
        false,
        [
            "Серверді аутентификациялау",
            "Аутентификация сервера",
            "TLS server authentication",
        ],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.2",
        "client_auth",
        false,
        [
            "Клиентті аутентификациялау",
            "Аутентификация клиента",
            "Client authentication",
        ],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.3",
        "code_signing",
        false,
        ["Бағдарлама кодына қол қою", "Подпись кода", "Code signing"],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.4",
        "email_protection",
        false,
        [
            "Электрондық поштаны қорғау",
            "Защита электронной почты",
            "E-mail protection",
        ],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.8",
        "time_stamping",
        false,
        [
            "Уақыт белгісін қою",
            "Проставление метки времени",
            "Time stamping",
        ],
    ),
    purpose(
        "1.3.6.1.5.5.7.3.9",
        "ocsp_signing",
        false,
        [
            "OCSP жауаптарына қол қою",
            "Подпись ответов OCSP",
            "OCSP response signing",
        ],
    ),
];

/// The NCA numbers each legal entity's information system under this arc
/// (`1.2.398.3.3.4.1.2.6.N`); every one is the `information_system` role.
const INFORMATION_SYSTEM_ARC: &str = "1.2.398.3.3.4.1.2.6.";

/// Certificate policy: legal-entity signing.
pub const POLICY_LEGAL_SIGN: &str = "1.2.398.3.3.2.1";
/// Certificate policy: legal-entity authentication.
pub const POLICY_LEGAL_AUTH: &str = "1.2.398.3.3.2.2";
/// Certificate policy: individual signing.
pub const POLICY_INDIVIDUAL_SIGN: &str = "1.2.398.3.3.2.3";
/// Certificate policy: individual authentication.
pub const POLICY_INDIVIDUAL_AUTH: &str = "1.2.398.3.3.2.4";

/// Certificate policies seen on the national CA's certificates.
pub const POLICIES: &[Known] = &[
    purpose(
        POLICY_LEGAL_SIGN,
        "legal_entity_signing",
        false,
        [
            "Заңды тұлғаның қол қою кілті",
            "Ключ подписи юридического лица",
            "Legal entity: signing key",
        ],
    ),
    purpose(
        POLICY_LEGAL_AUTH,
        "legal_entity_authentication",
        false,
        [
            "Заңды тұлғаның аутентификация кілті",
            "Ключ аутентификации юридического лица",
            "Legal entity: authentication key",
        ],
    ),
    purpose(
        POLICY_INDIVIDUAL_SIGN,
        "individual_signing",
        false,
        [
            "Жеке тұлғаның қол қою кілті",
            "Ключ подписи физического лица",
            "Individual: signing key",
        ],
    ),
    purpose(
        POLICY_INDIVIDUAL_AUTH,
        "individual_authentication",
        false,
        [
            "Жеке тұлғаның аутентификация кілті",
            "Ключ аутентификации физического лица",
            "Individual: authentication key",
        ],
    ),
    // The arc of the four above; the certificates the NCA issues since 2022
    // (GOST 34.10-2015, one key per holder) carry it alone.
    purpose(
        "1.2.398.3.3.2",
        "nca_certificate_policy",
        false,
        [
            "ҰКО тіркеу куәліктерін қолдану саясаты",
            "Политика применения регистрационных свидетельств НУЦ РК",
            "NCA RK certificate policy",
        ],
    ),
    purpose(
        "1.2.398.3.3.1.1",
        "nca_ca_policy",
        false,
        [
            "ҰКО куәландырушы орталығының саясаты",
            "Политика удостоверяющего центра НУЦ РК",
            "NCA RK certification authority policy",
        ],
    ),
    purpose(
        "1.2.398.3.1.2",
        "root_ca_policy",
        false,
        [
            "Негізгі куәландырушы орталықтың саясаты",
            "Политика корневого удостоверяющего центра РК",
            "Root certification authority of Kazakhstan policy",
        ],
    ),
];

/// The meaning of an extended key usage purpose, if it is known.
pub fn purpose_of(oid: &str) -> Option<&'static Known> {
    PURPOSES.iter().find(|k| k.oid == oid).or_else(|| {
        oid.starts_with(INFORMATION_SYSTEM_ARC)
            .then(|| PURPOSES.iter().find(|k| k.name == "information_system"))
            .flatten()
    })
}

/// The meaning of a certificate policy, if it is known.
pub fn policy_of(oid: &str) -> Option<&'static Known> {
    POLICIES.iter().find(|k| k.oid == oid)
}

/// An OID with its meaning when known: `{oid, name, meaning}` or `{oid}`.
pub fn described(oid: &str, known: Option<&Known>) -> serde_json::Value {
    match known {
        Some(k) => serde_json::json!({ "oid": oid, "name": k.name, "meaning": k.meaning }),
        None => serde_json::json!({ "oid": oid, "name": null }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_entry_per_oid_and_name() {
        for table in [PURPOSES, POLICIES] {
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    assert_ne!(a.oid, b.oid);
                    assert_ne!(a.name, b.name);
                }
            }
        }
    }

    #[test]
    fn information_systems_are_numbered_under_their_arc() {
        assert_eq!(
            purpose_of("1.2.398.3.3.4.1.2.6.71").map(|k| k.name),
            Some("information_system")
        );
        assert_eq!(purpose_of("1.2.398.3.3.4.1.2.66"), None);
        assert_eq!(purpose_of("1.2.3.4"), None);
    }
}
