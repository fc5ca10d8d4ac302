//! Transcripts: upload (.txt, .docx) or paste, review the proposed replacements, store only the
//! pseudonymised text. The raw text never reaches the database: it travels only in the review
//! form (a hidden field) between the upload and the save.

use super::super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header;
use axum::response::Response;
use driehoek_domain::listen::{self as rules, Replacement, TOKENS, check_transcript_upload};
use driehoek_domain::pseudonymise::{KnownNames, SpanKind, detect};
use driehoek_domain::validate::Problem;
use driehoek_storage::listen::{self, Conversation, transcripts};

/// Longest transcript accepted, in characters.
pub const MAX_CHARS: usize = 400_000;

/// What came in: the raw text and the names typed for this review.
pub struct Upload {
    pub raw: String,
    pub known: KnownNames,
}

fn invalid(field: &'static str, key: &'static str) -> AppError {
    AppError::Invalid(vec![Problem::new(field, key)])
}

/// The text of an uploaded file by its name: `.txt` (UTF-8) or `.docx`; anything else refused.
pub fn file_text(name: &str, bytes: &[u8]) -> Result<String, AppError> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "txt" {
        let s = std::str::from_utf8(bytes).map_err(|_| invalid("file", "error-not-utf8"))?;
        Ok(s.trim_start_matches('\u{feff}').replace("\r\n", "\n"))
    } else if ext == "docx" {
        super::docx::text(bytes).map_err(|e| match e {
            super::docx::DocxError::NotDocx => invalid("file", "error-not-docx"),
            super::docx::DocxError::TooLarge => invalid("file", "error-file-too-large"),
        })
    } else {
        Err(invalid("file", "error-file-type"))
    }
}

/// Reads a multipart upload (file or pasted text, plus names) or a urlencoded/JSON paste.
pub async fn read_upload(req: Request) -> Result<Upload, AppError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    if multipart {
        let mut mp = Multipart::from_request(req, &())
            .await
            .map_err(|_| invalid("body", "error-form"))?;
        while let Some(f) = mp
            .next_field()
            .await
            .map_err(|_| invalid("file", "error-file-too-large"))?
        {
            let name = f.name().unwrap_or("").to_string();
            if name == "file" {
                let fname = f.file_name().unwrap_or("").to_string();
                let bytes = f
                    .bytes()
                    .await
                    .map_err(|_| invalid("file", "error-file-too-large"))?;
                if !fname.is_empty() || !bytes.is_empty() {
                    file = Some((fname, bytes.to_vec()));
                }
            } else {
                let v = f.text().await.map_err(|_| invalid("body", "error-form"))?;
                fields.push((name, v));
            }
        }
    } else {
        let input = Input::from_request(req, &()).await?;
        for k in ["text", "resident_names", "family_names", "staff_names"] {
            fields.push((k.to_string(), input.get(k).to_string()));
        }
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let raw = match file {
        Some((name, bytes)) => file_text(&name, &bytes)?,
        None => get("text").replace("\r\n", "\n"),
    };
    if raw.trim().is_empty() {
        return Err(invalid("text", "error-transcript-empty"));
    }
    if raw.chars().count() > MAX_CHARS {
        return Err(AppError::Invalid(vec![Problem::with_limit(
            "text",
            "error-too-long",
            MAX_CHARS,
        )]));
    }
    Ok(Upload {
        raw,
        known: KnownNames {
            resident: super::names(get("resident_names")),
            family: super::names(get("family_names")),
            staff: super::names(get("staff_names")),
        },
    })
}

/// One proposed (or added) replacement on the review page.
#[derive(Debug, Clone)]
pub struct Item {
    pub start: usize,
    pub end: usize,
    pub original: String,
    pub token: String,
    /// Message key of the kind ("kind-name"…, "kind-added").
    pub kind: String,
    pub accepted: bool,
    pub before: String,
    pub after: String,
}

fn kind_key(k: SpanKind) -> String {
    format!("kind-{}", k.key())
}

/// Items for the detector's spans.
pub fn proposals(raw: &str, known: &KnownNames) -> Vec<Item> {
    let chars: Vec<char> = raw.chars().collect();
    detect(raw, known)
        .into_iter()
        .map(|s| {
            item(
                &chars,
                s.start,
                s.end,
                s.replacement,
                kind_key(s.kind),
                true,
            )
        })
        .collect()
}

fn item(
    chars: &[char],
    start: usize,
    end: usize,
    token: String,
    kind: String,
    accepted: bool,
) -> Item {
    let from = start.saturating_sub(30);
    let to = (end + 30).min(chars.len());
    Item {
        start,
        end,
        original: chars[start..end].iter().collect(),
        token,
        kind,
        accepted,
        before: chars[from..start]
            .iter()
            .collect::<String>()
            .replace('\n', " "),
        after: chars[end..to].iter().collect::<String>().replace('\n', " "),
    }
}

/// Reads the review form back: the raw text, the items with the user's choices, and the
/// replacements the user added (every whole-word occurrence of the typed text).
pub fn review_items(input: &Input) -> Result<(String, Vec<Item>), AppError> {
    let raw = input.get("raw").replace("\r\n", "\n");
    if raw.trim().is_empty() {
        return Err(invalid("text", "error-transcript-empty"));
    }
    let chars: Vec<char> = raw.chars().collect();
    let accepted: Vec<&str> = input.all("accept").iter().map(String::as_str).collect();
    let mut items = Vec::new();
    for (i, s) in input.all("span").iter().enumerate() {
        let mut parts = s.splitn(3, ':');
        let (Some(a), Some(b), Some(kind)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid("body", "error-form"));
        };
        let (Ok(start), Ok(end)) = (a.parse::<usize>(), b.parse::<usize>()) else {
            return Err(invalid("body", "error-form"));
        };
        if start >= end || end > chars.len() || !kind.starts_with("kind-") {
            return Err(invalid("body", "error-form"));
        }
        let token = input.get(&format!("token-{i}")).to_string();
        if !rules::is_token(&token) {
            return Err(invalid("body", "error-form"));
        }
        let on = accepted.contains(&i.to_string().as_str());
        items.push(item(&chars, start, end, token, kind.to_string(), on));
    }
    let texts = input.all("add_text");
    let tokens = input.all("add_token");
    for (n, text) in texts.iter().enumerate() {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let token = tokens.get(n).map_or("[naam]", String::as_str);
        if !rules::is_token(token) {
            return Err(invalid("add_token", "error-choice"));
        }
        let found = rules::occurrences(&raw, text, token);
        if found.is_empty() {
            return Err(AppError::Invalid(vec![Problem::new(
                "add_text",
                "error-not-in-text",
            )]));
        }
        for r in found {
            if items
                .iter()
                .any(|i| i.accepted && r.start < i.end && i.start < r.end)
            {
                continue;
            }
            items.push(item(
                &chars,
                r.start,
                r.end,
                r.token,
                "kind-added".into(),
                true,
            ));
        }
    }
    items.sort_by_key(|i| (i.start, std::cmp::Reverse(i.end)));
    Ok((raw, items))
}

/// The pseudonymised text from the accepted items.
pub fn result(raw: &str, items: &[Item]) -> (String, usize) {
    let merged = rules::merge(
        items
            .iter()
            .filter(|i| i.accepted)
            .map(|i| Replacement {
                start: i.start,
                end: i.end,
                token: i.token.clone(),
            })
            .collect(),
    );
    (rules::apply(raw, &merged), merged.len())
}

#[derive(Template)]
#[template(path = "listen_review.html")]
struct ReviewPage {
    layout: Layout,
    c: Conversation,
    raw: String,
    items: Vec<Item>,
    preview: String,
    tokens: [&'static str; 14],
}

fn review_page(
    me: &Me,
    c: Conversation,
    raw: String,
    items: Vec<Item>,
) -> Result<Response, AppError> {
    let (preview, _) = result(&raw, &items);
    render(&ReviewPage {
        layout: Layout::new(&me.1),
        c,
        raw,
        items,
        preview,
        tokens: TOKENS,
    })
}

/// Upload or paste: runs the detector and shows the review (nothing is stored yet).
pub async fn upload(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    let (c, _) = listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    check_transcript_upload(c.status()).map_err(|r| AppError::Conflict(r.0))?;
    let up = read_upload(req).await?;
    let items = proposals(&up.raw, &up.known);
    review_page(&me, c, up.raw, items)
}

/// The review form: "preview" shows it again with the added replacements, "save" stores the
/// pseudonymised text.
pub async fn review(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let (c, _) = listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    check_transcript_upload(c.status()).map_err(|r| AppError::Conflict(r.0))?;
    let (raw, items) = review_items(&input)?;
    if input.get("action") == "save" {
        let (text, n) = result(&raw, &items);
        transcripts::save(&app.db, me.tenant(), me.email(), &id, &text, n).await?;
        return Ok(see_other(&format!("/conversations/{id}/transcript")));
    }
    review_page(&me, c, raw, items)
}

#[derive(Template)]
#[template(path = "listen_transcript.html")]
struct TranscriptPage {
    layout: Layout,
    c: Conversation,
    text: String,
    may_check: bool,
}

/// The stored (pseudonymised) transcript; every read is audited.
pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (c, access) = listen::conversation(&app.db, me.tenant(), &id).await?;
    let text = transcripts::read(&app.db, me.tenant(), me.email(), &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_check = access != listen::Access::Read
        && driehoek_domain::listen::check_mark_checked(c.status()).is_ok();
    render(&TranscriptPage {
        layout: Layout::new(&me.1),
        c,
        text,
        may_check,
    })
}

/// Marks the transcript checked; the audio file goes at once.
pub async fn checked_in(app: &AppState, me: &Me, id: &str) -> Result<(), AppError> {
    let audio = transcripts::mark_checked(&app.db, me.tenant(), me.email(), id).await?;
    if let Some(f) = audio {
        super::audio::delete_file(app, &f).await;
    }
    Ok(())
}

pub async fn mark_checked(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    checked_in(&app, &me, &id).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}
