//! IIN and BIN: the 12-digit identification numbers of Kazakhstan.
//!
//! Owns parsing, the check digit, and what an IIN says about its holder
//! (birth date, sex, century). Refuses anything that is not exactly twelve
//! ASCII digits with a valid check digit.

use serde::Serialize;
use std::fmt;

/// Why a string is not a valid IIN or BIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not exactly twelve ASCII digits.
    #[error("not twelve digits")]
    NotTwelveDigits,
    /// The twelfth digit does not match the checksum, or the checksum is 10 twice.
    #[error("check digit does not match")]
    BadCheckDigit,
    /// The first six digits are not a real calendar date (IIN only).
    #[error("birth date is not a real date")]
    BadBirthDate,
    /// The seventh digit is not a known century-and-sex digit (IIN only).
    #[error("century-and-sex digit is not 1..6")]
    BadCenturyDigit,
}

/// The check digit of the first eleven digits, or `None` when both passes give 10.
pub fn check_digit(d: &[u8; 12]) -> Option<u8> {
    const W1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const W2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum = |w: &[u32; 11]| -> u32 {
        d.iter()
            .take(11)
            .zip(w.iter())
            .map(|(x, w)| u32::from(*x) * w)
            .sum::<u32>()
            % 11
    };
    let mut s = sum(&W1);
    if s == 10 {
        s = sum(&W2);
    }
    if s == 10 { None } else { Some(s as u8) }
}

fn digits(s: &str) -> Result<[u8; 12], IdNumberError> {
    let b = s.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return Err(IdNumberError::NotTwelveDigits);
    }
    let mut d = [0u8; 12];
    for (i, c) in b.iter().enumerate() {
        d[i] = c - b'0';
    }
    Ok(d)
}

fn checked_digits(s: &str) -> Result<[u8; 12], IdNumberError> {
    let d = digits(s)?;
    match check_digit(&d) {
        Some(c) if c == d[11] => Ok(d),
        _ => Err(IdNumberError::BadCheckDigit),
    }
}

/// Sex of an individual as encoded in the IIN's seventh digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Odd century digit.
    Male,
    /// Even century digit.
    Female,
}

/// A valid individual identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iin([u8; 12]);

impl Iin {
    /// Parses and checks an IIN (check digit, birth date, century digit).
    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        let d = checked_digits(s)?;
        let iin = Iin(d);
        if !(1..=6).contains(&d[6]) {
            return Err(IdNumberError::BadCenturyDigit);
        }
        iin.birth_date().ok_or(IdNumberError::BadBirthDate)?;
        Ok(iin)
    }

    /// The twelve digits as text.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// Birth date from YYMMDD and the century digit (1-2: 1800s, 3-4: 1900s, 5-6: 2000s).
    pub fn birth_date(&self) -> Option<time::Date> {
        let d = &self.0;
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return None,
        };
        let year = century + i32::from(d[0] * 10 + d[1]);
        let month = time::Month::try_from(d[2] * 10 + d[3]).ok()?;
        time::Date::from_calendar_date(year, month, d[4] * 10 + d[5]).ok()
    }

    /// Sex from the century digit: odd is male, even is female.
    pub fn sex(&self) -> Sex {
        if self.0[6] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// A business identification number: twelve digits with the same check digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bin([u8; 12]);

impl Bin {
    /// Parses and checks a BIN (length and check digit).
    pub fn parse(s: &str) -> Result<Self, IdNumberError> {
        checked_digits(s).map(Bin)
    }

    /// The twelve digits as text.
    pub fn as_string(&self) -> String {
        self.0.iter().map(|d| char::from(b'0' + d)).collect()
    }
}

impl fmt::Display for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_string())
    }
}

/// Completes eleven digits with their check digit, if one exists (used by the demo PKI).
pub fn complete(eleven: &str) -> Option<String> {
    let mut s = eleven.to_string();
    s.push('0');
    let mut d = digits(&s).ok()?;
    let c = check_digit(&d)?;
    d[11] = c;
    Some(d.iter().map(|x| char::from(b'0' + x)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_iins() {
        // Check digits computed by hand from the published algorithm.
        let iin = complete("88010130012").unwrap();
        let p = Iin::parse(&iin).unwrap();
        assert_eq!(
            p.birth_date(),
            time::Date::from_calendar_date(1988, time::Month::January, 1).ok()
        );
        assert_eq!(p.sex(), Sex::Male);
    }

    #[test]
    fn first_pass_checksum() {
        // 9 0 0 1 0 1 4 0 0 0 1 -> 9*1+1*4+1*6+4*7+1*11 = 58 mod 11 = 3
        assert_eq!(check_digit(&[9, 0, 0, 1, 0, 1, 4, 0, 0, 0, 1, 0]), Some(3));
        assert!(Iin::parse("900101400013").is_ok());
        assert_eq!(
            Iin::parse("900101400014"),
            Err(IdNumberError::BadCheckDigit)
        );
    }

    #[test]
    fn second_pass_checksum() {
        // First pass gives 10: 1*1 + 9*10 = 91 mod 11 = 3, so build one that gives 10.
        // d = 0 0 0 0 0 0 0 0 0 1 0: 1*10 = 10 -> second pass 1*1 = 1.
        assert_eq!(check_digit(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]), Some(1));
    }

    #[test]
    fn rejects_shapes() {
        assert_eq!(Iin::parse("12345"), Err(IdNumberError::NotTwelveDigits));
        assert_eq!(
            Iin::parse("12345678901a"),
            Err(IdNumberError::NotTwelveDigits)
        );
        assert_eq!(
            Iin::parse("１２３４５６７８９０１２"),
            Err(IdNumberError::NotTwelveDigits)
        );
        // Bad month with a right check digit.
        let s = complete("88130130012").unwrap();
        assert_eq!(Iin::parse(&s), Err(IdNumberError::BadBirthDate));
        // Century digit 0 with a right check digit.
        let s = complete("88010100012").unwrap();
        assert_eq!(Iin::parse(&s), Err(IdNumberError::BadCenturyDigit));
    }

    #[test]
    fn bin_checks_digit_only() {
        let b = complete("12034000123").unwrap();
        assert!(Bin::parse(&b).is_ok());
    }
}
