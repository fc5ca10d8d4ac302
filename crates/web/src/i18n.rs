//! Dutch (default) and English. Texts live in `locales/{nl,en}/<module>.ftl` as `key = text`
//! lines (a subset of Fluent: one line per message, `{ $name }` placeholders); one file per module
//! so that modules grow independently. A test checks that both languages hold the same keys, that
//! no key is defined twice, and that every key the code and templates use exists.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first guess from an Accept-Language header: the supported language with the highest
    /// weight, Dutch when none is supported.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Nl, |(_, l)| l)
    }
}

/// Every module's texts; add a module's file to both lists.
macro_rules! locale_files {
    ($lang:literal: $($module:literal),*) => {
        &[$(include_str!(concat!("../locales/", $lang, "/", $module, ".ftl"))),*]
    };
}
const NL: &[&str] = locale_files!("nl": "platform", "coding", "listen", "act_public", "act");
const EN: &[&str] = locale_files!("en": "platform", "coding", "listen", "act_public", "act");

/// Parses the `key = text` lines of several files; `#` starts a comment. Returns an error naming
/// the file number and line.
pub fn parse_ftl<'a>(files: &[&'a str]) -> Result<HashMap<&'a str, &'a str>, String> {
    let mut map = HashMap::new();
    for (f, src) in files.iter().enumerate() {
        parse_one(src, &mut map).map_err(|e| format!("file {}: {e}", f + 1))?;
    }
    Ok(map)
}

fn parse_one<'a>(src: &'a str, map: &mut HashMap<&'a str, &'a str>) -> Result<(), String> {
    for (i, line) in src.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once(" = ") else {
            return Err(format!("line {}: expected `key = text`", i + 1));
        };
        if map.insert(k.trim(), v.trim()).is_some() {
            return Err(format!("line {}: key {} twice", i + 1, k.trim()));
        }
    }
    Ok(())
}

fn table(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static NL_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    static EN_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    match lang {
        Lang::Nl => NL_T.get_or_init(|| parse_ftl(NL).expect("nl.ftl parses (checked by a test)")),
        Lang::En => EN_T.get_or_init(|| parse_ftl(EN).expect("en.ftl parses (checked by a test)")),
    }
}

/// The translator handed to every template.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The text for `key`; the key itself if missing (a test keeps that from happening).
    pub fn t(&self, key: &str) -> String {
        table(self.lang)
            .get(key)
            .map_or_else(|| key.to_string(), |s| (*s).to_string())
    }

    /// The text for `key` with `{ $name }` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key);
        for (name, value) in args {
            s = s.replace(&format!("{{ ${name} }}"), value);
        }
        s
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let nl: BTreeSet<_> = parse_ftl(NL).unwrap().into_keys().collect();
        let en: BTreeSet<_> = parse_ftl(EN).unwrap().into_keys().collect();
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "only nl: {only_nl:?}, only en: {only_en:?}"
        );
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let nl = parse_ftl(NL).unwrap();
        let key = regex_lite_keys();
        let mut missing = BTreeSet::new();
        for dir in ["src", "templates"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for path in walk(&root) {
                let text = std::fs::read_to_string(&path).unwrap();
                for k in key(&text) {
                    if !nl.contains_key(k.as_str()) {
                        missing.insert(format!("{k} ({})", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys without text: {missing:?}");
    }

    /// Finds `t("key")`, `f("key"` and `tkey("key")` uses.
    fn regex_lite_keys() -> impl Fn(&str) -> Vec<String> {
        |text: &str| {
            let mut out = Vec::new();
            for marker in [".t(\"", ".f(\"", "msg(\""] {
                let mut rest = text;
                while let Some(i) = rest.find(marker) {
                    rest = &rest[i + marker.len()..];
                    if let Some(end) = rest.find('"') {
                        let k = &rest[..end];
                        if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        {
                            out.push(k.to_string());
                        }
                    }
                }
            }
            out
        }
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    /// Keys built at run time from domain values (roles, audit actions, statuses, labels) exist too.
    #[test]
    fn every_dynamic_key_exists_in_both_languages() {
        use driehoek_domain::access::Role;
        use driehoek_domain::scores::{AgreementLevel, ValenceLabel};
        let mut keys: Vec<String> = Role::ALL
            .iter()
            .map(|r| format!("role-{}", r.key()))
            .collect();
        keys.extend(
            driehoek_storage::audit::ACTIONS
                .iter()
                .map(|a| format!("audit-{a}")),
        );
        keys.extend(
            ["planning", "collecting", "coding", "reporting", "closed"]
                .map(|s| format!("round-status-{s}")),
        );
        keys.extend(
            [
                ValenceLabel::VeryPositive,
                ValenceLabel::QuitePositive,
                ValenceLabel::QuiteNegative,
                ValenceLabel::VeryNegative,
            ]
            .map(|l| format!("valence-{}", l.key().replace(' ', "-"))),
        );
        keys.extend(
            [
                AgreementLevel::VeryHigh,
                AgreementLevel::QuiteHigh,
                AgreementLevel::QuiteLow,
                AgreementLevel::VeryLow,
            ]
            .map(|l| format!("agreement-{}", l.key().replace(' ', "-"))),
        );
        for field in [
            "name",
            "description",
            "min_group_size",
            "city",
            "email",
            "display_name",
            "password",
            "current",
            "role",
            "node",
            "language",
            "body",
        ] {
            keys.push(format!("field-{field}"));
        }
        for lang in [NL, EN] {
            let table = parse_ftl(lang).unwrap();
            let missing: Vec<_> = keys
                .iter()
                .filter(|k| !table.contains_key(k.as_str()))
                .collect();
            assert!(missing.is_empty(), "missing texts: {missing:?}");
        }
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,nl;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,nl;q=0.5,en;q=0.4"),
            Lang::Nl
        );
        assert_eq!(Lang::from_accept_language("fr"), Lang::Nl);
        assert_eq!(Lang::from_accept_language(""), Lang::Nl);
    }

    #[test]
    fn placeholders_are_filled() {
        let tr = Tr::new(Lang::En);
        assert!(tr.f("error-too-long", &[("limit", "80")]).contains("80"));
    }
}
