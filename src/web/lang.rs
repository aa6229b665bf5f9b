//! Which language a page speaks: the `lang` the reader chose (the switch on
//! every page), else the best of the browser's `Accept-Language`, else
//! Kazakh, the state language.
//!
//! Owns only the choice; the texts are `texts`'. Reads at most
//! [`MAX_ACCEPT_LANGUAGE`] bytes and [`MAX_RANGES`] ranges of the header,
//! so a hostile header costs nothing.

/// Longest `Accept-Language` header read.
pub const MAX_ACCEPT_LANGUAGE: usize = 512;
/// Most language ranges weighed.
pub const MAX_RANGES: usize = 16;

/// A language of the pages and reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Kazakh.
    #[default]
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 code: `kk`, `ru`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
        }
    }

    /// `kk`, `ru` or `en` (any case); anything else is None.
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|l| s.eq_ignore_ascii_case(l.code()))
    }

    /// The reader's choice when it names one of ours, else the browser's
    /// best, else Kazakh.
    pub fn negotiate(chosen: Option<&str>, accept_language: Option<&str>) -> Lang {
        chosen
            .and_then(Lang::parse)
            .or_else(|| accept_language.and_then(from_accept_language))
            .unwrap_or_default()
    }

    /// The message of a verdict code in this language.
    pub fn pick(self, m: &crate::verdict::Message) -> &'static str {
        match self {
            Lang::Kk => m.kk,
            Lang::Ru => m.ru,
            Lang::En => m.en,
        }
    }
}

/// The most preferred of our languages in an `Accept-Language` header
/// (RFC 9110 12.5.4: ranges with q-values; `kk-KZ` counts as `kk`).
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let header = match header.char_indices().nth(MAX_ACCEPT_LANGUAGE) {
        Some((i, _)) => &header[..i],
        None => header,
    };
    let mut best: Option<(u16, Lang)> = None;
    for range in header.split(',').take(MAX_RANGES) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let primary = tag.split('-').next().unwrap_or("");
        let Some(lang) = Lang::parse(primary) else {
            continue;
        };
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(Some(1000), quality);
        let Some(q) = q.filter(|q| *q > 0) else {
            continue;
        };
        // The first range wins a tie, as browsers list them in order.
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// A q-value in thousandths (`0`, `0.5`, `1.000`); None when malformed.
fn quality(s: &str) -> Option<u16> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    let mut thousandths = 0u16;
    for (i, b) in frac.bytes().enumerate() {
        thousandths += u16::from(b - b'0') * [100, 10, 1][i];
    }
    if whole == 1000 && thousandths > 0 {
        return None;
    }
    Some(whole + thousandths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_then_browser_then_kazakh() {
        assert_eq!(Lang::negotiate(Some("EN"), Some("ru")), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("fr"), Some("ru-RU,ru;q=0.9")),
            Lang::Ru
        );
        assert_eq!(
            Lang::negotiate(None, Some("de-DE,en;q=0.5,ru;q=0.7")),
            Lang::Ru
        );
        assert_eq!(
            Lang::negotiate(None, Some("kk-KZ;q=0.8,en;q=0.8")),
            Lang::Kk
        );
        assert_eq!(Lang::negotiate(None, Some("en;q=0,fr")), Lang::Kk);
        assert_eq!(Lang::negotiate(None, Some("ru;q=2,en;q=0.1")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::Kk);
        let hostile = "x;q=0.1,".repeat(10_000) + "en";
        assert_eq!(Lang::negotiate(None, Some(&hostile)), Lang::Kk);
    }

    #[test]
    fn q_values() {
        assert_eq!(quality("0.5"), Some(500));
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("0.123"), Some(123));
        assert_eq!(quality("0.1234"), None);
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("abc"), None);
    }
}
