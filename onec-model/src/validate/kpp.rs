//! KPP («КПП»), the code of the reason for tax registration of an organization: 9 characters,
//! `NNNNPPXXX` — the tax office (4 digits), the reason (2 digits or capital Latin letters since
//! 2013) and a serial number (3 digits).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A well-formed KPP.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kpp(String);

/// Why a text is not a valid KPP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KppError {
    /// Nothing but spaces.
    #[error("КПП не заполнен")]
    Empty,
    /// Not 9 characters.
    #[error("КПП «{value}»: {length} символов, а должно быть 9")]
    WrongLength {
        /// The trimmed text.
        value: String,
        /// Its length in characters.
        length: usize,
    },
    /// A character not allowed at its position.
    #[error("КПП «{value}»: в позиции {position} недопустимый символ «{character}» ({expected})")]
    BadCharacter {
        /// The trimmed text.
        value: String,
        /// The 1-based position.
        position: usize,
        /// The character.
        character: char,
        /// What is allowed there.
        expected: &'static str,
    },
}

impl Kpp {
    /// Parses a KPP, ignoring spaces around it.
    pub fn parse(text: &str) -> Result<Kpp, KppError> {
        let value = text.trim();
        if value.is_empty() {
            return Err(KppError::Empty);
        }
        let length = value.chars().count();
        if length != 9 {
            return Err(KppError::WrongLength {
                value: value.to_owned(),
                length,
            });
        }
        for (index, character) in value.chars().enumerate() {
            let position = index + 1;
            let (ok, expected) = if (5..=6).contains(&position) {
                (
                    character.is_ascii_digit() || character.is_ascii_uppercase(),
                    "здесь цифра или заглавная латинская буква",
                )
            } else {
                (character.is_ascii_digit(), "здесь цифра")
            };
            if !ok {
                return Err(KppError::BadCharacter {
                    value: value.to_owned(),
                    position,
                    character,
                    expected,
                });
            }
        }
        Ok(Kpp(value.to_owned()))
    }

    /// The nine characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tax office code: the first four digits.
    pub fn tax_office(&self) -> &str {
        &self.0[..4]
    }
}

impl fmt::Display for Kpp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Kpp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kpp({})", self.0)
    }
}

impl AsRef<str> for Kpp {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Kpp {
    type Err = KppError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kpp::parse(s)
    }
}

impl Serialize for Kpp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Kpp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Kpp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_kpps() {
        assert_eq!(Kpp::parse("773601001").unwrap().tax_office(), "7736");
        assert_eq!(Kpp::parse(" 770701001 ").unwrap().as_str(), "770701001");
        // Reason codes with letters exist since 2013 (e.g. «AE» for large taxpayers' branches).
        assert!(Kpp::parse("7736AE001").is_ok());
    }

    #[test]
    fn bad_kpps_name_the_problem() {
        assert_eq!(Kpp::parse(""), Err(KppError::Empty));
        assert!(matches!(
            Kpp::parse("77360100"),
            Err(KppError::WrongLength { length: 8, .. })
        ));
        let err = Kpp::parse("7736ae001").unwrap_err();
        assert!(matches!(
            err,
            KppError::BadCharacter {
                position: 5,
                character: 'a',
                ..
            }
        ));
        // A Cyrillic «А» looks Latin but is not allowed.
        let err = Kpp::parse("7736АE001").unwrap_err();
        assert_eq!(
            err.to_string(),
            "КПП «7736АE001»: в позиции 5 недопустимый символ «А» (здесь цифра или заглавная латинская буква)"
        );
        assert!(matches!(
            Kpp::parse("77360100A"),
            Err(KppError::BadCharacter { position: 9, .. })
        ));
    }
}
