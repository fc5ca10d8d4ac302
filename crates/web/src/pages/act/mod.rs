//! Act in pages (method.md §2 steps 10–11): the evaluation meeting of a ward and round with the
//! proposed agenda and the warning when only staff are invited, printable story cards,
//! improvement actions with their links and follow-up notes, and the action boards per ward,
//! location, organisation and support service. Form parsing here is shared with the API
//! (`api/act.rs`).

pub mod actions;
pub mod follow_up;
pub mod meeting;
pub mod services;

use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use driehoek_domain::act::{ActionDraft, ActionFields, ActionStatus, OwnerKind, check_action};
use driehoek_domain::themes::SupportService;
use driehoek_domain::validate::Problem;
use driehoek_storage::Db;
use driehoek_storage::act::actions::{self as store, Action, Links};
use driehoek_storage::reports::ThemeInfo;
use driehoek_storage::structure::Ward;

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A field that may come as repeated form fields or as one comma-separated JSON string.
pub fn list(input: &Input, name: &str) -> Vec<String> {
    input
        .all(name)
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn flag(input: &Input, name: &str) -> bool {
    matches!(input.get(name), "on" | "true" | "1" | "yes")
}

/// The action form (page or API), checked field by field, and its links checked against the
/// ward: themes of the organisation's theme sets, fragments and triads of the ward, owners of the
/// organisation. Nothing is saved when anything is wrong.
pub async fn parse_action(
    db: &Db,
    ward: &Ward,
    input: &Input,
    previous: Option<ActionStatus>,
) -> Result<(ActionFields, Links), AppError> {
    let draft = ActionDraft {
        title: input.get("title"),
        why: input.get("why"),
        owner_kind: input.get("owner_kind"),
        owner_user_id: input.get("owner_user_id"),
        owner_service: input.get("owner_service"),
        due_on: input.get("due_on"),
        status: input.get("status"),
        drop_reason: input.get("drop_reason"),
        public: flag(input, "public"),
    };
    let mut problems = Vec::new();
    let fields = check_action(&draft, previous)
        .map_err(|p| problems.extend(p))
        .ok();
    let options = store::link_options(db, ward).await?;
    let themes = list(input, "themes");
    if themes
        .iter()
        .any(|k| !options.theme_keys.iter().any(|(key, _, _)| key == k))
    {
        problems.push(Problem::new("themes", "error-choice"));
    }
    let fragments = list(input, "fragments");
    if store::fragments_of_ward(db, &ward.id, &fragments)
        .await?
        .len()
        != fragments.len()
    {
        problems.push(Problem::new("fragments", "error-action-link"));
    }
    let triad_values = list(input, "triads");
    let found = store::triads_of_ward(db, &ward.id, &triad_values).await?;
    if found.iter().any(Option::is_none) {
        problems.push(Problem::new("triads", "error-action-link"));
    }
    if let Some(f) = &fields
        && let Some(u) = &f.owner_user_id
        && !options.users.iter().any(|(id, _)| id == u)
    {
        problems.push(Problem::new("owner_user_id", "error-choice"));
    }
    match fields {
        Some(f) if problems.is_empty() => Ok((
            f,
            Links {
                themes,
                fragments,
                triads: found.into_iter().flatten().collect(),
            },
        )),
        _ => Err(AppError::Invalid(problems)),
    }
}

pub(crate) use crate::pages::report::parse_codes as codes;

/// A theme key's name in the user's language (the key itself when unknown).
pub fn theme_name(themes: &[(String, String, String)], key: &str, lang: Lang) -> String {
    themes.iter().find(|(k, _, _)| k == key).map_or_else(
        || key.to_string(),
        |(_, nl, en)| {
            if lang == Lang::En {
                en.clone()
            } else {
                nl.clone()
            }
        },
    )
}

/// Theme names of a set by id.
pub fn theme_by_id<'a>(themes: &'a [ThemeInfo], id: &str) -> Option<&'a ThemeInfo> {
    themes.iter().find(|t| t.id == id)
}

/// Who owns an action, in words.
pub fn owner_text(tr: Tr, a: &Action) -> String {
    match OwnerKind::parse(&a.owner_kind) {
        Some(OwnerKind::Person) => a
            .owner_name
            .clone()
            .unwrap_or_else(|| tr.t("action-owner-gone")),
        Some(OwnerKind::WardTeam) => tr.t("owner-kind-ward_team"),
        Some(OwnerKind::SupportService) => a
            .owner_service
            .as_deref()
            .and_then(SupportService::parse)
            .map_or_else(String::new, |s| {
                format!(
                    "{}: {}",
                    tr.t("owner-kind-support_service"),
                    s.name(if tr.lang == Lang::En {
                        driehoek_domain::themes::Language::En
                    } else {
                        driehoek_domain::themes::Language::Nl
                    })
                )
            }),
        None => String::new(),
    }
}

/// One row of a board.
pub struct BoardRow {
    pub id: String,
    pub title: String,
    pub ward: String,
    pub location: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
    pub status_key: String,
    pub overdue: bool,
    pub public: bool,
}

pub fn board_rows(tr: Tr, actions: &[Action]) -> Vec<BoardRow> {
    let today = today();
    actions
        .iter()
        .map(|a| BoardRow {
            id: a.id.clone(),
            title: a.title.clone(),
            ward: a.ward_name.clone(),
            location: a.location_name.clone(),
            owner: owner_text(tr, a),
            due_on: a.due_on.clone().unwrap_or_default(),
            status: tr.t(&format!("action-status-{}", a.status)),
            status_key: a.status.replace('_', "-"),
            overdue: a.is_overdue(&today),
            public: a.public != 0,
        })
        .collect()
}
