//! Text rules of the catalogue: what search compares (lower case, ё as е), the words of a query,
//! and a product's readable address part (its name in Latin letters).

/// Lower case, `ё` as `е`, runs of anything but letters and digits as one space: the form both
/// the stored search text and a query are compared in, so «Ёлочка», «ЕЛОЧКА» and «елочка» match.
/// Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і) are letters like any other.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// The words of a search query, normalized, at most `MAX_WORDS` (a longer query adds nothing but
/// cost); every word must occur in a product's search text, in any order, as part of a word.
pub fn query_words(q: &str) -> Vec<String> {
    const MAX_WORDS: usize = 8;
    normalize(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_owned)
        .collect()
}

/// A `LIKE` pattern that finds `word` anywhere (`%` and `_` in it matched literally).
pub fn contains_pattern(word: &str) -> String {
    let mut p = String::with_capacity(word.len() + 2);
    p.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The readable part of a product's address: its name transliterated (Russian and Kazakh
/// letters), lower case, words joined by `-`, at most 60 characters, `tovar` for a name with
/// nothing to show.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let latin = transliterate(c);
        let piece = match latin {
            Some(l) => l,
            None if c.is_ascii_alphanumeric() => {
                push_piece(&mut out, &mut gap, c.encode_utf8(&mut [0; 4]));
                continue;
            }
            None => {
                gap = true;
                continue;
            }
        };
        push_piece(&mut out, &mut gap, piece);
    }
    let mut s: String = out.chars().take(60).collect();
    while s.ends_with('-') {
        s.pop();
    }
    if s.is_empty() { "tovar".to_owned() } else { s }
}

fn push_piece(out: &mut String, gap: &mut bool, piece: &str) {
    if piece.is_empty() {
        return;
    }
    if *gap && !out.is_empty() {
        out.push('-');
    }
    *gap = false;
    out.push_str(piece);
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'й' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' | 'ң' => "n",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "sch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_ignores_case_yo_and_punctuation() {
        assert_eq!(normalize("Конфеты «Ёлочка», 1 КГ"), "конфеты елочка 1 кг");
        assert_eq!(normalize("ҚАЗАҚ Ұны"), "қазақ ұны");
        assert_eq!(query_words("  ёлочка   КОНФ "), ["елочка", "конф"]);
        assert!(query_words(" ,. ").is_empty());
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(contains_pattern("50%_x"), "%50\\%\\_x%");
    }

    #[test]
    fn slugs_are_readable_latin() {
        assert_eq!(slug("Конфеты «Ёлочка» 1 кг"), "konfety-elochka-1-kg");
        assert_eq!(slug("Қазақ шай"), "kazak-shai");
        assert_eq!(slug("Подъезд — 500г"), "podezd-500g");
        assert_eq!(slug("«»"), "tovar");
        assert!(slug(&"очень длинное название ".repeat(10)).len() <= 60);
    }
}
