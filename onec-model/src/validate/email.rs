//! E-mail addresses as 1C holds them, normalised to what Okdesk accepts.
//!
//! Real 1C data has angle brackets (`<ivanii@mail.okdesk.com>`), `mailto:` links, display names
//! («Иванов <ivanov@firm.ru>»), several addresses in one field separated by `;`, `,` or spaces,
//! and Cyrillic letters typed by mistake into Latin addresses («а» for «a»). [`normalize`] turns
//! such a field into one address and reports the rest, or explains precisely why it cannot. A
//! space inside one address («ivan ov@mail.ru») is an error naming the space, never a split.

use std::fmt;

#[cfg(test)]
mod tests;

/// An address ready to send, and what else the field held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NormalizedEmail {
    /// The first valid address of the field, with the domain in lower case.
    pub address: String,
    /// The other candidates of the field (valid or not), as written, in order.
    pub ignored: Vec<String>,
}

impl NormalizedEmail {
    /// The address in lower case, for matching with Okdesk (which compares case-insensitively).
    pub fn match_key(&self) -> String {
        self.address.to_lowercase()
    }
}

impl fmt::Display for NormalizedEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

/// The longest address SMTP allows (RFC 5321: a 256-octet path minus the brackets).
const MAX_ADDRESS: usize = 254;
/// The longest local part SMTP allows.
const MAX_LOCAL: usize = 64;
/// The longest domain label DNS allows.
const MAX_LABEL: usize = 63;

/// Why an e-mail field gives no address. Each variant names the address (the candidate) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// The field is empty or holds only separators and brackets.
    #[error("адрес электронной почты не заполнен")]
    Empty,
    /// A letter that looks Latin but is not, or any other non-ASCII character.
    #[error("«{address}»: {} «{character}» в позиции {position}{}", script_name(*.character), lookalike_hint(*.character))]
    NonAscii {
        /// The address.
        address: String,
        /// The offending character.
        character: char,
        /// Its 1-based position in the address, counted in characters.
        position: usize,
    },
    /// No `@`.
    #[error("«{address}»: нет символа @")]
    MissingAt {
        /// The address.
        address: String,
    },
    /// More than one `@`.
    #[error("«{address}»: больше одного символа @")]
    SeveralAt {
        /// The address.
        address: String,
    },
    /// Nothing before the `@`.
    #[error("«{address}»: пустое имя до @")]
    EmptyLocal {
        /// The address.
        address: String,
    },
    /// Nothing after the `@`.
    #[error("«{address}»: пустой домен после @")]
    EmptyDomain {
        /// The address.
        address: String,
    },
    /// The domain has no dot («ivan@mail»).
    #[error("«{address}»: в домене «{domain}» нет точки")]
    DomainWithoutDot {
        /// The address.
        address: String,
        /// The domain.
        domain: String,
    },
    /// Two dots in a row.
    #[error("«{address}»: две точки подряд")]
    ConsecutiveDots {
        /// The address.
        address: String,
    },
    /// A part starts or ends with a dot («.ivan@», «ivan.@», «@mail.ru.»).
    #[error("«{address}»: {part} начинается или заканчивается точкой")]
    EdgeDot {
        /// The address.
        address: String,
        /// «имя» or «домен».
        part: &'static str,
    },
    /// An ASCII character not allowed in that part (a space inside the address is one).
    #[error("«{address}»: {} в позиции {position}", describe_bad(*.character))]
    BadCharacter {
        /// The address.
        address: String,
        /// The character.
        character: char,
        /// Its 1-based position in the address.
        position: usize,
    },
    /// A domain label that DNS would not accept (empty, too long, starts or ends with a hyphen).
    #[error("«{address}»: неверная часть домена «{label}»")]
    BadDomainLabel {
        /// The address.
        address: String,
        /// The label.
        label: String,
    },
    /// The top-level domain is not letters (at least two) or punycode.
    #[error("«{address}»: неверный домен верхнего уровня «{tld}»")]
    BadTopLevelDomain {
        /// The address.
        address: String,
        /// The last label.
        tld: String,
    },
    /// Longer than SMTP allows.
    #[error("«{address}»: слишком длинный адрес ({length} символов, допустимо {max})")]
    TooLong {
        /// The address.
        address: String,
        /// Its length (or its local part's).
        length: usize,
        /// The limit.
        max: usize,
    },
}

/// How a non-ASCII character is named in a message: the script matters to the user, who typed a
/// Cyrillic letter on the wrong keyboard layout.
fn script_name(c: char) -> &'static str {
    match c {
        '\u{0400}'..='\u{052F}' => "Кириллическая буква",
        '\u{0370}'..='\u{03FF}' => "Греческая буква",
        c if c.is_whitespace() => "Пробельный символ",
        c if c.is_alphabetic() => "Нелатинская буква",
        _ => "Недопустимый символ",
    }
}

/// How a disallowed ASCII character is named: a space is invisible in «« »», so it is named in words.
fn describe_bad(c: char) -> String {
    match c {
        ' ' => "пробел внутри адреса".to_owned(),
        '\t' => "табуляция внутри адреса".to_owned(),
        c if c.is_ascii_control() => format!("управляющий символ U+{:04X}", u32::from(c)),
        c => format!("недопустимый символ «{c}»"),
    }
}

/// The Latin letter a look-alike stands for, if it is one.
fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'е' => 'e',
        'ё' => 'e',
        'к' => 'k',
        'м' => 'm',
        'н' => 'h',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'т' => 't',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'ο' => 'o',
        'α' => 'a',
        'ν' => 'v',
        'ρ' => 'p',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Χ' => 'X',
        _ => return None,
    })
}

fn lookalike_hint(c: char) -> String {
    match latin_lookalike(c) {
        Some(latin) => format!(" (похожа на латинскую «{latin}»)"),
        None if c.is_alphabetic() => String::new(),
        None => format!(" (U+{:04X})", u32::from(c)),
    }
}

/// Invisible characters that copy-paste from web pages and office documents leaves in fields.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Splits a field into candidate addresses: list separators are `;`, `,` and whitespace; a part
/// with `<…>` contributes only what is inside the brackets (the rest is a display name).
fn candidates(field: &str) -> Vec<String> {
    let cleaned: String = field.chars().filter(|c| !is_invisible(*c)).collect();
    let mut out = Vec::new();
    for part in cleaned.split([';', ',']) {
        let mut rest = part;
        let mut bracketed = false;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('>') else { break };
            bracketed = true;
            push_tokens(&after[..close], &mut out);
            rest = &after[close + 1..];
        }
        if !bracketed {
            push_tokens(part, &mut out);
        }
    }
    out
}

/// Splits a part of the field at whitespace when the whitespace separates list items or a display
/// name; keeps the part whole when the whitespace sits inside one address.
///
/// «a@x.ru b@y.ru» is a list (every word is a full address) and «Иванов ivanov@x.ru» is a display
/// name and an address, but in «ivan ov@mail.ru» the word «ivan» is a piece of the address: taking
/// «ov@mail.ru» would send a wrong address, so the whole text becomes the candidate and the
/// validator names the space and its position.
fn push_tokens(text: &str, out: &mut Vec<String>) {
    let tokens: Vec<&str> = text
        .split(char::is_whitespace)
        .map(clean_token)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() > 1 && tokens.iter().any(|t| is_address_fragment(t)) {
        out.push(clean_token(text.trim()).to_owned());
        return;
    }
    out.extend(tokens.into_iter().map(str::to_owned));
}

/// A word without `@` that could only be a piece of an address: ASCII address characters with at
/// least one letter or digit (a display name has non-ASCII letters or punctuation like `:`).
fn is_address_fragment(token: &str) -> bool {
    !token.contains('@')
        && token.chars().any(|c| c.is_ascii_alphanumeric())
        && token.chars().all(local_char_ok)
}

/// Strips what surrounds an address in 1C fields: brackets, quotes and a `mailto:` scheme.
fn clean_token(token: &str) -> &str {
    let mut t =
        token.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'' | '«' | '»' | '(' | ')'));
    // `get` rather than slicing: the text may hold multi-byte characters at any byte offset.
    if t.get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
    {
        t = &t[7..];
    }
    // A `mailto:` link may carry `?subject=…`; the address ends before it.
    if let Some(q) = t.find('?') {
        if t[..q].contains('@') {
            t = &t[..q];
        }
    }
    t.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\''))
}

/// Characters allowed in the local part besides ASCII letters and digits (RFC 5322 atext and dot).
fn local_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c)
}

/// Validates one candidate address and returns it with the domain in lower case.
pub fn validate(address: &str) -> Result<String, EmailError> {
    let owned = || address.to_owned();
    if address.is_empty() {
        return Err(EmailError::Empty);
    }
    // Non-ASCII first: a Cyrillic letter is the most common and most confusing defect, and it
    // deserves its own message even where other rules would also fail.
    if let Some((index, character)) = address
        .char_indices()
        .enumerate()
        .find_map(|(i, (_, c))| (!c.is_ascii()).then_some((i, c)))
    {
        return Err(EmailError::NonAscii {
            address: owned(),
            character,
            position: index + 1,
        });
    }
    let length = address.len();
    if length > MAX_ADDRESS {
        return Err(EmailError::TooLong {
            address: owned(),
            length,
            max: MAX_ADDRESS,
        });
    }
    let Some(at) = address.find('@') else {
        return Err(EmailError::MissingAt { address: owned() });
    };
    let (local, domain) = (&address[..at], &address[at + 1..]);
    if domain.contains('@') {
        return Err(EmailError::SeveralAt { address: owned() });
    }
    if local.is_empty() {
        return Err(EmailError::EmptyLocal { address: owned() });
    }
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain { address: owned() });
    }
    if let Some(i) = address.find(|c: char| c.is_ascii_whitespace() || c.is_ascii_control()) {
        return Err(EmailError::BadCharacter {
            address: owned(),
            character: address[i..].chars().next().unwrap_or(' '),
            position: i + 1,
        });
    }
    if address.contains("..") {
        return Err(EmailError::ConsecutiveDots { address: owned() });
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err(EmailError::EdgeDot {
            address: owned(),
            part: "имя",
        });
    }
    if domain.starts_with('.') || domain.ends_with('.') {
        return Err(EmailError::EdgeDot {
            address: owned(),
            part: "домен",
        });
    }
    if local.len() > MAX_LOCAL {
        return Err(EmailError::TooLong {
            address: owned(),
            length: local.len(),
            max: MAX_LOCAL,
        });
    }
    // ASCII only from here on, so byte positions are character positions.
    if let Some(i) = local.find(|c: char| !local_char_ok(c)) {
        return Err(EmailError::BadCharacter {
            address: owned(),
            character: local[i..].chars().next().unwrap_or('?'),
            position: i + 1,
        });
    }
    if let Some(i) = domain.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')) {
        return Err(EmailError::BadCharacter {
            address: owned(),
            character: domain[i..].chars().next().unwrap_or('?'),
            position: at + 1 + i + 1,
        });
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainWithoutDot {
            address: owned(),
            domain: domain.to_owned(),
        });
    }
    for label in domain.split('.') {
        if label.is_empty()
            || label.len() > MAX_LABEL
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(EmailError::BadDomainLabel {
                address: owned(),
                label: label.to_owned(),
            });
        }
    }
    let tld = domain.rsplit('.').next().unwrap_or_default();
    let tld_ok = (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        || (tld.len() > 4 && tld[..4].eq_ignore_ascii_case("xn--"));
    if !tld_ok {
        return Err(EmailError::BadTopLevelDomain {
            address: owned(),
            tld: tld.to_owned(),
        });
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// Normalises an e-mail field from 1C: the first valid address, and the other candidates.
///
/// When no candidate is valid, the error is the first candidate's: it names that address and
/// what is wrong with it.
pub fn normalize(field: &str) -> Result<NormalizedEmail, EmailError> {
    let all = candidates(field);
    let mut first_error = None;
    for (index, candidate) in all.iter().enumerate() {
        match validate(candidate) {
            Ok(address) => {
                let ignored = all
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, c)| c.clone())
                    .collect();
                return Ok(NormalizedEmail { address, ignored });
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or(EmailError::Empty))
}

/// Normalises every valid address of a field, in order, with the candidates that are not valid.
///
/// For fields where several addresses are all wanted (Okdesk's `additional_emails`).
pub fn normalize_all(field: &str) -> (Vec<String>, Vec<(String, EmailError)>) {
    let mut valid: Vec<String> = Vec::new();
    let mut invalid = Vec::new();
    for candidate in candidates(field) {
        match validate(&candidate) {
            Ok(address) => {
                if !valid.iter().any(|v| v.eq_ignore_ascii_case(&address)) {
                    valid.push(address);
                }
            }
            Err(error) => invalid.push((candidate, error)),
        }
    }
    (valid, invalid)
}
