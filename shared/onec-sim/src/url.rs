//! Decoding the raw request as 1C receives it: percent-encoded UTF-8 path and query, `+` is not a space.

use percent_encoding::percent_decode_str;

use crate::error::{ODataError, Result};

pub fn decode(s: &str) -> Result<String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| {
            ODataError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "6",
                "Неверная кодировка URL",
            )
        })
}

/// Query parameters in order, split on `&` before decoding so encoded `&` inside literals survive.
pub fn query_params(raw: Option<&str>) -> Result<Vec<(String, String)>> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// Splits on `sep` outside quotes and parentheses.
pub fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            c if c == sep && !quoted && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Splits `Name(args)` into the name and the text inside the parentheses.
pub fn name_and_args(seg: &str) -> Result<(&str, Option<&str>)> {
    match seg.find('(') {
        None => Ok((seg, None)),
        Some(open) if seg.ends_with(')') => Ok((&seg[..open], Some(&seg[open + 1..seg.len() - 1]))),
        Some(_) => Err(ODataError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "6",
            format!("Неверный URL: {seg}"),
        )),
    }
}

/// Splits virtual-table arguments `A=…,B=…`. Commas inside quoted literals do not split (doubled
/// quotes stay inside a literal); if that leaves a part without `=`, the literal used 1C's documented
/// single inner quotes around text with a comma, and the split falls back to commas that start a new
/// `Name=`. Both quoting styles are therefore accepted.
pub fn function_args(args: &str) -> Vec<(String, String)> {
    let quoted: Vec<String> = split_top(args, ',')
        .into_iter()
        .map(str::to_string)
        .collect();
    let parts = if quoted
        .iter()
        .all(|p| p.trim().is_empty() || p.contains('='))
    {
        quoted
    } else {
        split_before_names(args)
    };
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_string(), v.trim().to_string()),
            None => (p.trim().to_string(), String::new()),
        })
        .collect()
}

fn split_before_names(args: &str) -> Vec<String> {
    let chars: Vec<char> = args.chars().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 0..chars.len() {
        if chars[i] == ',' && starts_param(&chars[i + 1..]) {
            parts.push(chars[start..i].iter().collect::<String>());
            start = i + 1;
        }
    }
    parts.push(chars[start..].iter().collect::<String>());
    parts
}

fn starts_param(rest: &[char]) -> bool {
    let n = rest.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    n > 0 && rest.get(n) == Some(&'=')
}

/// The text of a `'…'` parameter literal: doubled inner quotes are unescaped; single inner quotes (as
/// in 1C's own documentation examples) are kept as they are.
pub fn string_param(v: &str) -> Option<String> {
    let inner = v.strip_prefix('\'')?.strip_suffix('\'')?;
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    let mut all_doubled = true;
    while i < chars.len() {
        if chars[i] == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                i += 2;
                continue;
            }
            all_doubled = false;
            break;
        }
        i += 1;
    }
    Some(if all_doubled {
        inner.replace("''", "'")
    } else {
        inner.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_is_not_space_and_cyrillic_decodes() {
        let q = query_params(Some("$filter=a%20eq%20%27x+y%27&$select=%D0%90")).unwrap();
        assert_eq!(q[0].1, "a eq 'x+y'");
        assert_eq!(q[1].1, "А");
    }

    #[test]
    fn condition_quotes_both_styles() {
        let a = function_args(
            "Period=datetime'2026-03-20T00:00:00',Condition='ВидЦены_Key eq guid''2b3c''',Dimensions='А,Б'",
        );
        assert_eq!(a.len(), 3);
        assert_eq!(string_param(&a[1].1).unwrap(), "ВидЦены_Key eq guid'2b3c'");
        assert_eq!(string_param(&a[2].1).unwrap(), "А,Б");
        let b = function_args("Condition='ВидЦены_Key eq guid'2b3c''");
        assert_eq!(string_param(&b[0].1).unwrap(), "ВидЦены_Key eq guid'2b3c'");
        let c = function_args("Condition='Description eq ''a,Period=b''',Dimensions='А'");
        assert_eq!(c.len(), 2);
        assert_eq!(
            string_param(&c[0].1).unwrap(),
            "Description eq 'a,Period=b'"
        );
    }
}
