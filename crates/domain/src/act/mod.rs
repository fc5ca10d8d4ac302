//! Act (method.md §2 steps 10–11): the evaluation meeting with the whole care triangle, the
//! improvement actions agreed there, and their follow-up in the next round.
//!
//! Pure rules: who is invited (and the warning when only staff are), the agenda proposed from the
//! ward report ([`agenda`]), the status of an action and when it is overdue, validation of every
//! field, and the before/after figures of an action's themes ([`follow_up`]).

pub mod agenda;
pub mod follow_up;

use crate::themes::SupportService;
use crate::validate::{self, Problem};
use serde::Serialize;

/// Who may be invited to (and counted at) an evaluation meeting. Counted per role, never named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingRole {
    Resident,
    Family,
    CareStaff,
    TeamLeader,
    SupportService,
    ClientCouncil,
}

impl MeetingRole {
    pub const ALL: [MeetingRole; 6] = [
        MeetingRole::Resident,
        MeetingRole::Family,
        MeetingRole::CareStaff,
        MeetingRole::TeamLeader,
        MeetingRole::SupportService,
        MeetingRole::ClientCouncil,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MeetingRole::Resident => "resident",
            MeetingRole::Family => "family",
            MeetingRole::CareStaff => "care_staff",
            MeetingRole::TeamLeader => "team_leader",
            MeetingRole::SupportService => "support_service",
            MeetingRole::ClientCouncil => "client_council",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }

    /// Residents and families: the people whose presence keeps a meeting from staying shallow.
    pub fn is_triangle_outside_staff(self) -> bool {
        matches!(self, MeetingRole::Resident | MeetingRole::Family)
    }
}

/// The warning the meeting page shows: the 2025 study of these meetings found that meetings with
/// staff only stayed shallower than the conversations. `None` when at least one resident or
/// family member is invited.
pub fn invitation_warning(invited: &[(MeetingRole, i64)]) -> Option<&'static str> {
    let outside_staff: i64 = invited
        .iter()
        .filter(|(r, _)| r.is_triangle_outside_staff())
        .map(|(_, n)| *n)
        .sum();
    (outside_staff <= 0).then_some("meeting-warning-staff-only")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Planned,
    Held,
}

impl MeetingStatus {
    pub fn key(self) -> &'static str {
        match self {
            MeetingStatus::Planned => "planned",
            MeetingStatus::Held => "held",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "planned" => Some(MeetingStatus::Planned),
            "held" => Some(MeetingStatus::Held),
            _ => None,
        }
    }
}

/// Where an improvement action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Proposed,
    Agreed,
    InProgress,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 5] = [
        ActionStatus::Proposed,
        ActionStatus::Agreed,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Dropped,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ActionStatus::Proposed => "proposed",
            ActionStatus::Agreed => "agreed",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }

    /// Done or dropped: nothing more is expected.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Dropped)
    }

    /// May an action move from `self` to `to` (with this drop reason)? Dropping needs a reason; a
    /// closed action can be reopened (agreed or in progress) but not sent back to "proposed",
    /// because it was agreed once.
    pub fn check_move(self, to: ActionStatus, drop_reason: &str) -> Result<(), Problem> {
        if to == ActionStatus::Dropped && drop_reason.trim().is_empty() {
            return Err(Problem::new("drop_reason", "error-drop-reason"));
        }
        if self != to && self.is_closed() && to == ActionStatus::Proposed {
            return Err(Problem::new("status", "error-action-reopen"));
        }
        Ok(())
    }
}

/// Is the action overdue on `today` (`YYYY-MM-DD`)? Its due date has passed and it is neither
/// done nor dropped.
pub fn is_overdue(due_on: Option<&str>, status: ActionStatus, today: &str) -> bool {
    !status.is_closed() && due_on.is_some_and(|d| !d.is_empty() && d < today)
}

/// Who owns an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    /// A named colleague (a user of the organisation).
    Person,
    /// The ward team as a whole.
    WardTeam,
    /// A support service (kitchen, cleaning, HR, …): the system world must move too.
    SupportService,
}

impl OwnerKind {
    pub const ALL: [OwnerKind; 3] = [
        OwnerKind::Person,
        OwnerKind::WardTeam,
        OwnerKind::SupportService,
    ];
    pub fn key(self) -> &'static str {
        match self {
            OwnerKind::Person => "person",
            OwnerKind::WardTeam => "ward_team",
            OwnerKind::SupportService => "support_service",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == s)
    }
}

pub const MAX_PLACE: usize = 200;
pub const MAX_LONG_TEXT: usize = 20_000;
pub const MAX_NOTE: usize = 4_000;
pub const MAX_COUNT: i64 = 999;

/// A calendar date `YYYY-MM-DD` that exists.
pub fn date(field: &'static str, raw: &str) -> Result<String, Problem> {
    let s = raw.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return Err(Problem::new(field, "error-date"));
    }
    let year: u32 = s[0..4].parse().unwrap_or(0);
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if year < 1900 || day == 0 || day > days {
        return Err(Problem::new(field, "error-date"));
    }
    Ok(s.to_string())
}

/// A count of people: empty means 0.
pub fn count(field: &'static str, raw: &str) -> Result<i64, Problem> {
    if raw.trim().is_empty() {
        return Ok(0);
    }
    validate::number_in(field, raw, 0, MAX_COUNT)
}

/// The meeting form, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFields {
    pub held_on: String,
    pub place: String,
    pub agenda: String,
    pub notes: String,
    pub status: MeetingStatus,
    /// Invited per role, every role present (0 when none).
    pub invited: Vec<(MeetingRole, i64)>,
    pub attended: Vec<(MeetingRole, i64)>,
}

/// The meeting form as typed: `invited`/`attended` look up the count typed for a role.
pub struct MeetingDraft<'a> {
    pub held_on: &'a str,
    pub place: &'a str,
    pub agenda: &'a str,
    pub notes: &'a str,
    pub status: &'a str,
    pub invited: &'a dyn Fn(MeetingRole) -> &'a str,
    pub attended: &'a dyn Fn(MeetingRole) -> &'a str,
}

/// Field names of the per-role counts: `invited_resident`, `attended_family`, …
pub fn invited_field(role: MeetingRole) -> &'static str {
    match role {
        MeetingRole::Resident => "invited_resident",
        MeetingRole::Family => "invited_family",
        MeetingRole::CareStaff => "invited_care_staff",
        MeetingRole::TeamLeader => "invited_team_leader",
        MeetingRole::SupportService => "invited_support_service",
        MeetingRole::ClientCouncil => "invited_client_council",
    }
}

pub fn attended_field(role: MeetingRole) -> &'static str {
    match role {
        MeetingRole::Resident => "attended_resident",
        MeetingRole::Family => "attended_family",
        MeetingRole::CareStaff => "attended_care_staff",
        MeetingRole::TeamLeader => "attended_team_leader",
        MeetingRole::SupportService => "attended_support_service",
        MeetingRole::ClientCouncil => "attended_client_council",
    }
}

fn collect<T>(problems: &mut Vec<Problem>, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

/// Checks the meeting form; every problem at once.
pub fn check_meeting(d: &MeetingDraft<'_>) -> Result<MeetingFields, Vec<Problem>> {
    let mut p = Vec::new();
    let held_on = collect(&mut p, date("held_on", d.held_on));
    let place = collect(&mut p, validate::text("place", d.place, MAX_PLACE));
    let agenda = collect(&mut p, validate::text("agenda", d.agenda, MAX_LONG_TEXT));
    let notes = collect(&mut p, validate::text("notes", d.notes, MAX_LONG_TEXT));
    let status = if d.status.trim().is_empty() {
        Some(MeetingStatus::Planned)
    } else {
        let s = MeetingStatus::parse(d.status.trim());
        if s.is_none() {
            p.push(Problem::new("status", "error-choice"));
        }
        s
    };
    let mut invited = Vec::new();
    let mut attended = Vec::new();
    for role in MeetingRole::ALL {
        if let Some(n) = collect(&mut p, count(invited_field(role), (d.invited)(role))) {
            invited.push((role, n));
        }
        if let Some(n) = collect(&mut p, count(attended_field(role), (d.attended)(role))) {
            attended.push((role, n));
        }
    }
    match (held_on, place, agenda, notes, status) {
        (Some(held_on), Some(place), Some(agenda), Some(notes), Some(status)) if p.is_empty() => {
            Ok(MeetingFields {
                held_on,
                place,
                agenda,
                notes,
                status,
                invited,
                attended,
            })
        }
        _ => Err(p),
    }
}

/// An agreement made at the meeting: not empty, not too long.
pub fn agreement_text(raw: &str) -> Result<String, Problem> {
    let t = validate::text("agreement", raw, MAX_NOTE)?;
    if t.is_empty() {
        return Err(Problem::new("agreement", "error-empty"));
    }
    Ok(t)
}

/// The action form as typed.
#[derive(Debug, Clone, Default)]
pub struct ActionDraft<'a> {
    pub title: &'a str,
    pub why: &'a str,
    pub owner_kind: &'a str,
    pub owner_user_id: &'a str,
    pub owner_service: &'a str,
    pub due_on: &'a str,
    pub status: &'a str,
    pub drop_reason: &'a str,
    pub public: bool,
}

/// The action form, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFields {
    pub title: String,
    pub why: String,
    pub owner_kind: OwnerKind,
    pub owner_user_id: Option<String>,
    pub owner_service: Option<SupportService>,
    pub due_on: Option<String>,
    pub status: ActionStatus,
    pub drop_reason: String,
    pub public: bool,
}

/// Checks the action form; every problem at once. `previous` is the action's status before this
/// change (`None` for a new action), for [`ActionStatus::check_move`].
pub fn check_action(
    d: &ActionDraft<'_>,
    previous: Option<ActionStatus>,
) -> Result<ActionFields, Vec<Problem>> {
    let mut p = Vec::new();
    let title = collect(&mut p, validate::name("title", d.title));
    let why = collect(&mut p, validate::text("why", d.why, MAX_LONG_TEXT));
    let owner_kind = OwnerKind::parse(d.owner_kind.trim());
    if owner_kind.is_none() {
        p.push(Problem::new("owner_kind", "error-choice"));
    }
    let mut owner_user_id = None;
    let mut owner_service = None;
    match owner_kind {
        Some(OwnerKind::Person) => {
            let u = d.owner_user_id.trim();
            if u.is_empty() {
                p.push(Problem::new("owner_user_id", "error-action-owner-person"));
            } else {
                owner_user_id = Some(u.to_string());
            }
        }
        Some(OwnerKind::SupportService) => {
            owner_service = SupportService::parse(d.owner_service.trim());
            if owner_service.is_none() {
                p.push(Problem::new("owner_service", "error-action-owner-service"));
            }
        }
        Some(OwnerKind::WardTeam) | None => {}
    }
    let due_on = if d.due_on.trim().is_empty() {
        Some(None)
    } else {
        collect(&mut p, date("due_on", d.due_on)).map(Some)
    };
    let status = if d.status.trim().is_empty() {
        Some(ActionStatus::Proposed)
    } else {
        let s = ActionStatus::parse(d.status.trim());
        if s.is_none() {
            p.push(Problem::new("status", "error-choice"));
        }
        s
    };
    let drop_reason = collect(
        &mut p,
        validate::text("drop_reason", d.drop_reason, MAX_NOTE),
    );
    if let (Some(s), Some(reason)) = (status, &drop_reason) {
        let from = previous.unwrap_or(ActionStatus::Proposed);
        if let Err(e) = from.check_move(s, reason) {
            p.push(e);
        }
    }
    match (title, why, owner_kind, due_on, status, drop_reason) {
        (Some(title), Some(why), Some(owner_kind), Some(due_on), Some(status), Some(reason))
            if p.is_empty() =>
        {
            Ok(ActionFields {
                title,
                why,
                owner_kind,
                owner_user_id,
                owner_service,
                due_on,
                // A reason is kept only for a dropped action.
                drop_reason: if status == ActionStatus::Dropped {
                    reason
                } else {
                    String::new()
                },
                status,
                public: d.public,
            })
        }
        _ => Err(p),
    }
}

/// A follow-up note: a date and some text.
pub fn check_note(noted_on: &str, text: &str) -> Result<(String, String), Vec<Problem>> {
    let mut p = Vec::new();
    let on = collect(&mut p, date("noted_on", noted_on));
    let t = collect(&mut p, validate::text("note", text, MAX_NOTE));
    if t.as_ref().is_some_and(String::is_empty) {
        p.push(Problem::new("note", "error-empty"));
    }
    match (on, t) {
        (Some(on), Some(t)) if p.is_empty() => Ok((on, t)),
        _ => Err(p),
    }
}

#[cfg(test)]
mod tests;
