//! Phones are stored as `+7XXXXXXXXXX`, whatever was typed.

/// Why a phone was refused (the message is shown to the person).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Номер телефона должен быть казахстанским: +7 и 10 цифр, например +7 701 123 45 67")]
pub struct PhoneError;

/// `+7XXXXXXXXXX` from what a person types: `8 701 …`, `+7 (701) …`, `7701…`, `701…` (10 digits).
/// Spaces, brackets, dashes and dots are ignored; anything else is an error.
pub fn normalize(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(11);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '(' | ')' | '-' | '.' | '\u{a0}' => {}
            _ => return Err(PhoneError),
        }
    }
    let national = match (plus, digits.len()) {
        (true, 11) if digits.starts_with('7') => &digits[1..],
        (false, 11) if digits.starts_with('7') || digits.starts_with('8') => &digits[1..],
        (false, 10) => &digits[..],
        _ => return Err(PhoneError),
    };
    // Kazakhstan's numbers are +7 6xx/7xx; +7 9xx is Russia, also served by +7.
    if !national.starts_with(['3', '4', '6', '7', '8', '9']) {
        return Err(PhoneError);
    }
    Ok(format!("+7{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_typing_gives_one_form() {
        for typed in [
            "8 701 000 00 01",
            "+7 (701) 000-00-01",
            "77010000001",
            "87010000001",
            "+77010000001",
            "7010000001",
            " 8 (701) 000-00-01 ",
        ] {
            assert_eq!(normalize(typed).as_deref(), Ok("+77010000001"), "{typed}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for typed in [
            "",
            "+8 701 000 00 01",
            "701000000",
            "8701000000011",
            "+1 202 555 0100",
            "8 701 000 00 0x",
            "07010000001",
            "+7 (001) 000-00-01",
        ] {
            assert_eq!(normalize(typed), Err(PhoneError), "{typed}");
        }
    }
}
