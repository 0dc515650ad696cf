//! People's names as a Kazakhstan base holds them: surname, first name and patronymic in the
//! nominative case, every part agreeing with the first name's gender.
//!
//! Surnames are kept in their masculine form and declined for women (-ов/-ова, -ев/-ева, -ин/-ина,
//! -ский/-ская); surnames without gender (Ким, Петренко) stay as they are. Patronymics are made from
//! the father's name, in the Russianised form (-ович/-овна, -евич/-евна) or the Kazakh one
//! (-ұлы/-қызы), as documents in Kazakhstan write both.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// First names the demo uses, with their gender (the spec the name checks rely on).
pub const FIRST_NAMES: &[(&str, Gender)] = &[
    ("Арман", Gender::Male),
    ("Айгерим", Gender::Female),
    ("Ерлан", Gender::Male),
    ("Гульнара", Gender::Female),
    ("Данияр", Gender::Male),
    ("Светлана", Gender::Female),
    ("Асель", Gender::Female),
    ("Марат", Gender::Male),
    ("Елена", Gender::Female),
    ("Нуржан", Gender::Male),
    ("Динара", Gender::Female),
    ("Сергей", Gender::Male),
    ("Жанар", Gender::Female),
    ("Бауыржан", Gender::Male),
];

/// Surnames in their masculine form.
pub const SURNAMES: &[&str] = &[
    "Сапаров",
    "Жумабеков",
    "Ахметов",
    "Ким",
    "Иванов",
    "Нурланов",
    "Сулейменов",
    "Касымов",
    "Петренко",
    "Омаров",
    "Байжанов",
    "Смагулов",
    "Ермеков",
    "Токтаров",
    "Абдрахманов",
    "Мусин",
    "Алексеев",
    "Ковальский",
];

/// Fathers' names patronymics are made from.
pub const FATHERS: &[&str] = &[
    "Марат",
    "Серик",
    "Кайрат",
    "Ерлан",
    "Болат",
    "Нурлан",
    "Виктор",
    "Сергей",
    "Асхат",
    "Талгат",
    "Андрей",
    "Бахыт",
];

/// The gender of a first name the demo uses.
pub fn gender_of(first: &str) -> Option<Gender> {
    FIRST_NAMES
        .iter()
        .find(|(name, _)| *name == first)
        .map(|(_, g)| *g)
}

/// A surname in the form agreeing with `gender` (`masculine` is the masculine form).
pub fn surname(masculine: &str, gender: Gender) -> String {
    if gender == Gender::Male {
        return masculine.to_string();
    }
    if let Some(stem) = masculine.strip_suffix("ский") {
        return format!("{stem}ская");
    }
    if let Some(stem) = masculine.strip_suffix("цкий") {
        return format!("{stem}цкая");
    }
    if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|end| masculine.ends_with(end))
    {
        return format!("{masculine}а");
    }
    masculine.to_string()
}

/// A patronymic from the father's name: Russianised (`Маратович`) or Kazakh (`Маратұлы`).
pub fn patronymic(father: &str, gender: Gender, kazakh: bool) -> String {
    match (kazakh, gender) {
        (true, Gender::Male) => format!("{father}ұлы"),
        (true, Gender::Female) => format!("{father}қызы"),
        (false, gender) => {
            // Names ending in -й take -евич/-евна (Сергей → Сергеевич), the rest -ович/-овна.
            let (stem, vowel) = match father.strip_suffix('й') {
                Some(stem) => (stem, "е"),
                None => (father, "о"),
            };
            let ending = if gender == Gender::Male {
                "вич"
            } else {
                "вна"
            };
            format!("{stem}{vowel}{ending}")
        }
    }
}

/// A person's name in the nominative case, the parts agreeing in gender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName {
    pub surname: String,
    pub first: String,
    pub patronymic: String,
}

impl FullName {
    pub fn new(masculine_surname: &str, first: &str, father: &str, kazakh: bool) -> FullName {
        let gender = gender_of(first).unwrap_or(Gender::Male);
        FullName {
            surname: surname(masculine_surname, gender),
            first: first.to_string(),
            patronymic: patronymic(father, gender, kazakh),
        }
    }

    /// «Абдрахманова Елена Маратовна»
    pub fn full(&self) -> String {
        format!("{} {} {}", self.surname, self.first, self.patronymic)
    }

    /// «Абдрахманова Елена»
    pub fn short(&self) -> String {
        format!("{} {}", self.surname, self.first)
    }

    /// «Абдрахманова Е.М.»
    pub fn initials(&self) -> String {
        let initial = |s: &str| s.chars().next().unwrap_or('А');
        format!(
            "{} {}.{}.",
            self.surname,
            initial(&self.first),
            initial(&self.patronymic)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_decline_for_women() {
        assert_eq!(surname("Абдрахманов", Gender::Female), "Абдрахманова");
        assert_eq!(surname("Алексеев", Gender::Female), "Алексеева");
        assert_eq!(surname("Мусин", Gender::Female), "Мусина");
        assert_eq!(surname("Ковальский", Gender::Female), "Ковальская");
        assert_eq!(surname("Ким", Gender::Female), "Ким");
        assert_eq!(surname("Петренко", Gender::Female), "Петренко");
        assert_eq!(surname("Абдрахманов", Gender::Male), "Абдрахманов");
    }

    #[test]
    fn patronymics_in_both_forms() {
        assert_eq!(patronymic("Марат", Gender::Male, false), "Маратович");
        assert_eq!(patronymic("Марат", Gender::Female, false), "Маратовна");
        assert_eq!(patronymic("Сергей", Gender::Male, false), "Сергеевич");
        assert_eq!(patronymic("Сергей", Gender::Female, false), "Сергеевна");
        assert_eq!(patronymic("Марат", Gender::Male, true), "Маратұлы");
        assert_eq!(patronymic("Марат", Gender::Female, true), "Маратқызы");
    }

    #[test]
    fn full_names_agree() {
        let n = FullName::new("Абдрахманов", "Елена", "Марат", false);
        assert_eq!(n.full(), "Абдрахманова Елена Маратовна");
        assert_eq!(n.initials(), "Абдрахманова Е.М.");
        let n = FullName::new("Абдрахманов", "Ерлан", "Марат", false);
        assert_eq!(n.full(), "Абдрахманов Ерлан Маратович");
    }
}
