//! Theme sets for coding fragments (method.md §4).
//!
//! A theme set is versioned data, not code: networks configure their own, and the built-in sets
//! are JSON files under `crates/domain/themes/` embedded at compile time, so changing a theme
//! never needs a code change and the same validation applies to built-in and user-made sets.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A language the theme texts are written in. Reports are shown in either, so both are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nl,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Nl, Language::En];

    pub fn key(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
        }
    }
}

/// A text in Dutch and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localised {
    pub nl: String,
    pub en: String,
}

impl Localised {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Nl => &self.nl,
            Language::En => &self.en,
        }
    }
}

/// A support service a theme usually concerns, so an improvement action can be owned by the
/// service that can actually change it (method.md §1: "half change" otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportService {
    Kitchen,
    Cleaning,
    Facility,
    Hr,
    Ict,
    Communication,
    Finance,
    Planning,
    /// Whoever owns the rule in question: rules must be tested against their purpose by their owner.
    RuleOwner,
}

impl SupportService {
    pub const ALL: [SupportService; 9] = [
        SupportService::Kitchen,
        SupportService::Cleaning,
        SupportService::Facility,
        SupportService::Hr,
        SupportService::Ict,
        SupportService::Communication,
        SupportService::Finance,
        SupportService::Planning,
        SupportService::RuleOwner,
    ];

    /// The stable key used in the theme files, storage and the API.
    pub fn key(self) -> &'static str {
        match self {
            SupportService::Kitchen => "kitchen",
            SupportService::Cleaning => "cleaning",
            SupportService::Facility => "facility",
            SupportService::Hr => "hr",
            SupportService::Ict => "ict",
            SupportService::Communication => "communication",
            SupportService::Finance => "finance",
            SupportService::Planning => "planning",
            SupportService::RuleOwner => "rule_owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|service| service.key() == s)
    }

    pub fn name(self, language: Language) -> &'static str {
        match (self, language) {
            (SupportService::Kitchen, Language::Nl) => "keuken",
            (SupportService::Kitchen, Language::En) => "kitchen",
            (SupportService::Cleaning, Language::Nl) => "schoonmaak",
            (SupportService::Cleaning, Language::En) => "cleaning",
            (SupportService::Facility, Language::Nl) => "facilitair",
            (SupportService::Facility, Language::En) => "facility management",
            (SupportService::Hr, _) => "HR",
            (SupportService::Ict, _) => "ICT",
            (SupportService::Communication, Language::Nl) => "communicatie",
            (SupportService::Communication, Language::En) => "communication",
            (SupportService::Finance, Language::Nl) => "financiën",
            (SupportService::Finance, Language::En) => "finance",
            (SupportService::Planning, _) => "planning",
            (SupportService::RuleOwner, Language::Nl) => "eigenaar van de regel",
            (SupportService::RuleOwner, Language::En) => "owner of the rule",
        }
    }
}

/// One theme a fragment can be coded with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub key: String,
    pub name: Localised,
    pub description: Localised,
    #[serde(default)]
    pub support_services: Vec<SupportService>,
}

/// A versioned set of themes. Codings refer to (set key, version, theme key), so a changed set
/// gets a new version instead of silently changing the meaning of old codings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSet {
    pub key: String,
    pub version: u32,
    pub name: Localised,
    pub description: Localised,
    pub themes: Vec<Theme>,
}

impl ThemeSet {
    pub fn theme(&self, key: &str) -> Option<&Theme> {
        self.themes.iter().find(|theme| theme.key == key)
    }

    /// Checks what a user-made (or shipped) set must satisfy before it can be used for coding.
    /// Reports the first problem found, in file order.
    pub fn validate(&self) -> Result<(), ThemeSetError> {
        let at = |place: Place| move |error: ThemeError| ThemeSetError::Invalid { place, error };
        validate_theme_key(&self.key).map_err(at(Place::SetKey))?;
        for language in Language::ALL {
            validate_theme_name(self.name.get(language)).map_err(at(Place::SetName(language)))?;
        }
        if self.themes.is_empty() {
            return Err(ThemeSetError::NoThemes);
        }
        let mut seen = HashSet::new();
        for (index, theme) in self.themes.iter().enumerate() {
            validate_theme_key(&theme.key).map_err(at(Place::ThemeKey { index }))?;
            if !seen.insert(theme.key.as_str()) {
                return Err(ThemeSetError::Invalid {
                    place: Place::ThemeKey { index },
                    error: ThemeError::DuplicateKey {
                        key: theme.key.clone(),
                    },
                });
            }
            for language in Language::ALL {
                validate_theme_name(theme.name.get(language))
                    .map_err(at(Place::ThemeName { index, language }))?;
            }
        }
        Ok(())
    }
}

/// Longest key or name accepted, in characters: long enough for any real theme name, short
/// enough for a chart label and a table column.
pub const MAX_LENGTH: usize = 80;

/// What is wrong with a theme key or name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThemeError {
    #[error("the key is empty")]
    EmptyKey,
    #[error("the key is {length} characters long; at most {MAX_LENGTH} are allowed")]
    KeyTooLong { length: usize },
    #[error("the key {key:?} may contain only lowercase letters a-z, digits and underscores")]
    InvalidKey { key: String },
    #[error("the key {key:?} is used more than once in this theme set")]
    DuplicateKey { key: String },
    #[error("the name is empty")]
    EmptyName,
    #[error("the name is {length} characters long; at most {MAX_LENGTH} are allowed")]
    NameTooLong { length: usize },
}

/// Where in a theme set a problem is; `index` counts themes from 0 (shown from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    SetKey,
    SetName(Language),
    ThemeKey { index: usize },
    ThemeName { index: usize, language: Language },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::SetKey => write!(f, "key of the theme set"),
            Place::SetName(language) => write!(f, "{} name of the theme set", language.key()),
            Place::ThemeKey { index } => write!(f, "key of theme {}", index + 1),
            Place::ThemeName { index, language } => {
                write!(f, "{} name of theme {}", language.key(), index + 1)
            }
        }
    }
}

/// Why a theme set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThemeSetError {
    /// Not the theme-set JSON format; the parser's message says where.
    #[error("not a valid theme set file: {0}")]
    Format(String),
    #[error("the theme set has no themes")]
    NoThemes,
    #[error("{place}: {error}")]
    Invalid { place: Place, error: ThemeError },
}

/// A theme (or theme set) key: 1–80 characters of `[a-z0-9_]`. Keys end up in URLs, CSV headers
/// and stored codings, so they must be plain and stable.
pub fn validate_theme_key(key: &str) -> Result<(), ThemeError> {
    if key.is_empty() {
        return Err(ThemeError::EmptyKey);
    }
    let length = key.chars().count();
    if length > MAX_LENGTH {
        return Err(ThemeError::KeyTooLong { length });
    }
    let plain = key
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        return Err(ThemeError::InvalidKey {
            key: key.to_owned(),
        });
    }
    Ok(())
}

/// A theme (or theme set) name in one language: not blank, at most 80 characters once trimmed.
pub fn validate_theme_name(name: &str) -> Result<(), ThemeError> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(ThemeError::EmptyName);
    }
    let length = trimmed.chars().count();
    if length > MAX_LENGTH {
        return Err(ThemeError::NameTooLong { length });
    }
    Ok(())
}

/// Parses and validates a theme set from JSON, e.g. one uploaded by a network.
pub fn parse_theme_set(json: &str) -> Result<ThemeSet, ThemeSetError> {
    let set: ThemeSet =
        serde_json::from_str(json).map_err(|e| ThemeSetError::Format(e.to_string()))?;
    set.validate()?;
    Ok(set)
}

/// The key of the theme set a new network starts with.
pub const DEFAULT_THEME_SET_KEY: &str = "driehoek_default";

/// The JSON of the built-in theme sets, embedded so the binary needs no data directory.
pub const BUILTIN_SOURCES: [&str; 3] = [
    include_str!("../themes/driehoek-default.json"),
    include_str!("../themes/positieve-gezondheid.json"),
    include_str!("../themes/kwaliteitskader-2017.json"),
];

/// The theme sets Driehoek ships, default first. The data is embedded and covered by tests, so a
/// failure here is a build defect, not a runtime condition.
pub fn builtin_theme_sets() -> Vec<ThemeSet> {
    BUILTIN_SOURCES
        .iter()
        .map(|json| parse_theme_set(json).expect("built-in theme set is valid"))
        .collect()
}

/// One built-in theme set by key.
pub fn builtin_theme_set(key: &str) -> Option<ThemeSet> {
    builtin_theme_sets().into_iter().find(|set| set.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(set: &ThemeSet) -> Vec<&str> {
        set.themes.iter().map(|t| t.key.as_str()).collect()
    }

    fn services(set: &ThemeSet, key: &str) -> Vec<SupportService> {
        set.theme(key)
            .expect("theme exists")
            .support_services
            .clone()
    }

    #[test]
    fn every_builtin_parses_and_is_valid() {
        let sets = builtin_theme_sets();
        assert_eq!(sets.len(), BUILTIN_SOURCES.len());
        let mut set_keys = HashSet::new();
        for set in &sets {
            assert!(
                set_keys.insert(set.key.clone()),
                "duplicate set {}",
                set.key
            );
            assert_eq!(set.validate(), Ok(()), "{}", set.key);
            assert!(set.version >= 1);
            let theme_keys: HashSet<&str> = keys(set).into_iter().collect();
            assert_eq!(theme_keys.len(), set.themes.len(), "{}", set.key);
            for theme in &set.themes {
                for language in Language::ALL {
                    assert!(!theme.name.get(language).trim().is_empty(), "{}", theme.key);
                    assert!(
                        !theme.description.get(language).trim().is_empty(),
                        "{}",
                        theme.key
                    );
                }
            }
        }
        assert_eq!(sets[0].key, DEFAULT_THEME_SET_KEY);
        assert!(builtin_theme_set("positieve_gezondheid").is_some());
        assert!(builtin_theme_set("kwaliteitskader_2017").is_some());
        assert_eq!(builtin_theme_set("nope"), None);
    }

    #[test]
    fn default_set_has_the_twelve_themes_of_the_method() {
        use SupportService as S;
        let set = builtin_theme_set(DEFAULT_THEME_SET_KEY).unwrap();
        assert_eq!(
            keys(&set),
            [
                "knowing_the_person",
                "attention_respect",
                "own_choices",
                "meaningful_activities",
                "social_contact",
                "care_health",
                "food_drink",
                "living_environment",
                "communication_family",
                "familiar_staff",
                "safety",
                "rules_organisation",
            ]
        );
        assert_eq!(services(&set, "food_drink"), [S::Kitchen]);
        assert_eq!(
            services(&set, "living_environment"),
            [S::Cleaning, S::Facility]
        );
        assert_eq!(services(&set, "rules_organisation"), [S::RuleOwner]);
        assert_eq!(services(&set, "familiar_staff"), [S::Hr, S::Planning]);
        assert_eq!(services(&set, "communication_family"), [S::Communication]);
        assert_eq!(services(&set, "safety"), [S::Facility]);
        assert_eq!(services(&set, "knowing_the_person"), []);
    }

    #[test]
    fn positieve_gezondheid_uses_the_six_dimensions() {
        let set = builtin_theme_set("positieve_gezondheid").unwrap();
        let names: Vec<&str> = set.themes.iter().map(|t| t.name.nl.as_str()).collect();
        assert_eq!(
            names,
            [
                "Lichaamsfuncties",
                "Mentaal welbevinden",
                "Zingeving",
                "Kwaliteit van leven",
                "Meedoen",
                "Dagelijks functioneren",
            ]
        );
    }

    #[test]
    fn kwaliteitskader_covers_the_care_themes() {
        let set = builtin_theme_set("kwaliteitskader_2017").unwrap();
        for key in [
            "compassion",
            "uniqueness",
            "autonomy",
            "care_goals",
            "meaning",
            "meaningful_activities",
            "body_clothing",
            "family_volunteers",
            "living_comfort",
            "medication_safety",
            "pressure_ulcers",
            "challenging_behaviour",
            "restraint",
            "hospital_admissions",
        ] {
            assert!(set.theme(key).is_some(), "{key}");
        }
    }

    #[test]
    fn support_services_have_keys_and_names() {
        for service in SupportService::ALL {
            assert_eq!(SupportService::parse(service.key()), Some(service));
            let json = serde_json::to_string(&service).unwrap();
            assert_eq!(json, format!("\"{}\"", service.key()));
        }
        let nl: Vec<&str> = SupportService::ALL
            .iter()
            .map(|s| s.name(Language::Nl))
            .collect();
        assert_eq!(
            nl,
            [
                "keuken",
                "schoonmaak",
                "facilitair",
                "HR",
                "ICT",
                "communicatie",
                "financiën",
                "planning",
                "eigenaar van de regel",
            ]
        );
        assert_eq!(
            SupportService::RuleOwner.name(Language::En),
            "owner of the rule"
        );
        assert_eq!(SupportService::parse("laundry"), None);
    }

    #[test]
    fn theme_keys_are_validated() {
        assert_eq!(validate_theme_key("food_drink"), Ok(()));
        assert_eq!(validate_theme_key("theme_2"), Ok(()));
        assert_eq!(validate_theme_key(""), Err(ThemeError::EmptyKey));
        assert_eq!(
            validate_theme_key(&"a".repeat(81)),
            Err(ThemeError::KeyTooLong { length: 81 })
        );
        assert_eq!(validate_theme_key(&"a".repeat(80)), Ok(()));
        for bad in [
            "Food",
            "food drink",
            "food-drink",
            "eten_en_drinken!",
            "café",
        ] {
            assert_eq!(
                validate_theme_key(bad),
                Err(ThemeError::InvalidKey {
                    key: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn theme_names_are_validated() {
        assert_eq!(validate_theme_name("Eten en drinken"), Ok(()));
        assert_eq!(validate_theme_name(""), Err(ThemeError::EmptyName));
        assert_eq!(validate_theme_name("   "), Err(ThemeError::EmptyName));
        // Characters, not bytes: 80 accented letters are fine.
        assert_eq!(validate_theme_name(&"é".repeat(80)), Ok(()));
        assert_eq!(
            validate_theme_name(&"é".repeat(81)),
            Err(ThemeError::NameTooLong { length: 81 })
        );
    }

    fn user_set(themes: &str) -> String {
        format!(
            r#"{{"key": "mijn_set", "version": 1,
                "name": {{"nl": "Mijn set", "en": "My set"}},
                "description": {{"nl": "", "en": ""}},
                "themes": [{themes}]}}"#
        )
    }

    fn theme_json(key: &str, nl: &str) -> String {
        format!(
            r#"{{"key": "{key}", "name": {{"nl": "{nl}", "en": "Name"}},
                "description": {{"nl": "", "en": ""}}}}"#
        )
    }

    #[test]
    fn user_sets_are_validated() {
        let ok = user_set(&[theme_json("a", "A"), theme_json("b", "B")].join(","));
        let set = parse_theme_set(&ok).unwrap();
        assert!(set.themes[0].support_services.is_empty());

        let dup = user_set(&[theme_json("a", "A"), theme_json("a", "B")].join(","));
        assert_eq!(
            parse_theme_set(&dup),
            Err(ThemeSetError::Invalid {
                place: Place::ThemeKey { index: 1 },
                error: ThemeError::DuplicateKey { key: "a".into() },
            })
        );

        let blank = user_set(&theme_json("a", " "));
        let err = parse_theme_set(&blank).unwrap_err();
        assert_eq!(
            err,
            ThemeSetError::Invalid {
                place: Place::ThemeName {
                    index: 0,
                    language: Language::Nl
                },
                error: ThemeError::EmptyName,
            }
        );
        assert_eq!(err.to_string(), "nl name of theme 1: the name is empty");

        assert_eq!(parse_theme_set(&user_set("")), Err(ThemeSetError::NoThemes));
        let unknown_service = user_set(
            r#"{"key": "a", "name": {"nl": "A", "en": "A"},
                "description": {"nl": "", "en": ""}, "support_services": ["laundry"]}"#,
        );
        assert!(matches!(
            parse_theme_set(&unknown_service),
            Err(ThemeSetError::Format(_))
        ));
        let bad_set_key = ok.replace("mijn_set", "Mijn set");
        assert!(matches!(
            parse_theme_set(&bad_set_key),
            Err(ThemeSetError::Invalid {
                place: Place::SetKey,
                error: ThemeError::InvalidKey { .. }
            })
        ));
    }

    #[test]
    fn theme_sets_round_trip_through_json() {
        for set in builtin_theme_sets() {
            let json = serde_json::to_string(&set).unwrap();
            assert_eq!(parse_theme_set(&json), Ok(set));
        }
    }
}
