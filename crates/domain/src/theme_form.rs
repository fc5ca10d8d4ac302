//! A network's own theme set as a coordinator types it: a name in Dutch and English and one theme
//! per line, `key; Dutch name; English name; support services` (services comma-separated keys,
//! may be empty). Parsed into a [`ThemeSet`] and checked with the same validators as the built-in
//! sets; every problem names the line.

use crate::themes::{Localised, Place, SupportService, Theme, ThemeError, ThemeSet, ThemeSetError};
use crate::validate::Problem;

/// A key from a name: lowercase ASCII letters and digits, other characters become `_`.
pub fn key_from_name(name: &str) -> String {
    let mut key = String::new();
    for ch in name.trim().to_lowercase().chars() {
        let ch = match ch {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            key.push(ch);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').chars().take(80).collect()
}

/// The form's lines back from a set, for editing (a new version).
pub fn to_lines(set: &ThemeSet) -> String {
    set.themes
        .iter()
        .map(|t| {
            let services: Vec<&str> = t.support_services.iter().map(|s| s.key()).collect();
            format!(
                "{}; {}; {}; {}",
                t.key,
                t.name.nl,
                t.name.en,
                services.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the form. `version` is the version the new set gets.
pub fn parse(
    key: &str,
    version: u32,
    name_nl: &str,
    name_en: &str,
    lines: &str,
) -> Result<ThemeSet, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut themes = Vec::new();
    for (i, line) in lines.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        if parts.len() < 3 || parts.len() > 4 {
            problems.push(Problem::with_limit("themes", "theme-line-format", i + 1));
            continue;
        }
        let mut services = Vec::new();
        for s in parts
            .get(3)
            .copied()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
        {
            if s.is_empty() {
                continue;
            }
            match SupportService::parse(s) {
                Some(service) => services.push(service),
                None => problems.push(Problem::with_limit("themes", "theme-line-service", i + 1)),
            }
        }
        let key = if parts[0].is_empty() {
            key_from_name(parts[1])
        } else {
            parts[0].to_string()
        };
        themes.push((
            i + 1,
            Theme {
                key,
                name: Localised {
                    nl: parts[1].to_string(),
                    en: parts[2].to_string(),
                },
                description: Localised {
                    nl: String::new(),
                    en: String::new(),
                },
                support_services: services,
            },
        ));
    }
    let line_of: Vec<usize> = themes.iter().map(|(l, _)| *l).collect();
    let set = ThemeSet {
        key: if key.trim().is_empty() {
            key_from_name(name_nl)
        } else {
            key.trim().to_string()
        },
        version,
        name: Localised {
            nl: name_nl.trim().to_string(),
            en: name_en.trim().to_string(),
        },
        description: Localised {
            nl: String::new(),
            en: String::new(),
        },
        themes: themes.into_iter().map(|(_, t)| t).collect(),
    };
    if let Err(e) = set.validate() {
        problems.push(match e {
            ThemeSetError::NoThemes => Problem::new("themes", "theme-set-no-themes"),
            ThemeSetError::Invalid { place, error } => match place {
                Place::SetKey => Problem::new("name_nl", "theme-set-name-invalid"),
                Place::SetName(crate::themes::Language::Nl) => {
                    Problem::new("name_nl", "theme-set-name-invalid")
                }
                Place::SetName(crate::themes::Language::En) => {
                    Problem::new("name_en", "theme-set-name-invalid")
                }
                Place::ThemeKey { index } | Place::ThemeName { index, .. } => {
                    let line = line_of.get(index).copied().unwrap_or(index + 1);
                    let key = match error {
                        ThemeError::DuplicateKey { .. } => "theme-line-duplicate",
                        _ => "theme-line-invalid",
                    };
                    Problem::with_limit("themes", key, line)
                }
            },
            ThemeSetError::Format(_) => Problem::new("themes", "theme-line-format"),
        });
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_from_lines_with_services() {
        let set = parse(
            "",
            1,
            "Onze thema's",
            "Our themes",
            "eten; Eten en drinken; Food and drink; kitchen\n\n; Schoon wonen; Clean living; cleaning, facility\nregels; Regels; Rules;",
        )
        .unwrap();
        assert_eq!(set.key, "onze_thema_s");
        assert_eq!(set.themes.len(), 3);
        assert_eq!(set.themes[1].key, "schoon_wonen");
        assert_eq!(
            set.themes[1].support_services,
            vec![SupportService::Cleaning, SupportService::Facility]
        );
        assert!(set.themes[2].support_services.is_empty());
        let again = parse(&set.key, 2, "Onze thema's", "Our themes", &to_lines(&set)).unwrap();
        assert_eq!(again.themes, set.themes);
        assert_eq!(again.version, 2);
    }

    #[test]
    fn problems_name_the_line() {
        let e = parse("x", 1, "X", "X", "a; A\nb; B; B; bakery\nc; C; C\nc; D; D").unwrap_err();
        let got: Vec<(&str, Option<usize>)> = e.iter().map(|p| (p.key, p.limit)).collect();
        assert_eq!(
            got,
            vec![
                ("theme-line-format", Some(1)),
                ("theme-line-service", Some(2)),
                ("theme-line-duplicate", Some(4)),
            ]
        );
        let e = parse("x", 1, "X", "X", "c; C; C\nc; D; D").unwrap_err();
        assert_eq!((e[0].key, e[0].limit), ("theme-line-duplicate", Some(2)));
        let e = parse("x", 1, "X", "", "c; C; C").unwrap_err();
        assert_eq!(
            (e[0].field, e[0].key),
            ("name_en", "theme-set-name-invalid")
        );
        let e = parse("x", 1, "X", "X", "").unwrap_err();
        assert_eq!(e[0].key, "theme-set-no-themes");
        let e = parse("x", 1, "X", "X", "Bad Key; C; C").unwrap_err();
        assert_eq!((e[0].key, e[0].limit), ("theme-line-invalid", Some(1)));
    }

    #[test]
    fn keys_from_names() {
        assert_eq!(key_from_name("Eten & drinken"), "eten_drinken");
        assert_eq!(key_from_name("  Café-bezoek 2 "), "cafe_bezoek_2");
    }
}
