//! The rules of the Listen step (method §2 steps 1–6, §5): the round's status workflow, the
//! conversation's life cycle, consent, the cross-organisation interviewer rule, pseudonymous triad
//! codes and the role tokens that replace identifying details. Pure functions; storage calls them
//! so that every route (pages, API, command line) obeys the same rules.

pub mod guide;
pub mod ics;

use serde::Serialize;

/// A refusal by one of the rules below; the key names the message in the locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refusal(pub &'static str);

/// The status of a measurement round. It moves one step forward or one step back at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Planning,
    Collecting,
    Coding,
    Reporting,
    Closed,
}

impl RoundStatus {
    pub const ALL: [RoundStatus; 5] = [
        RoundStatus::Planning,
        RoundStatus::Collecting,
        RoundStatus::Coding,
        RoundStatus::Reporting,
        RoundStatus::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RoundStatus::Planning => "planning",
            RoundStatus::Collecting => "collecting",
            RoundStatus::Coding => "coding",
            RoundStatus::Reporting => "reporting",
            RoundStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<RoundStatus> {
        RoundStatus::ALL.into_iter().find(|r| r.key() == s)
    }

    fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Option<RoundStatus> {
        RoundStatus::ALL.get(self.index() + 1).copied()
    }

    pub fn previous(self) -> Option<RoundStatus> {
        self.index()
            .checked_sub(1)
            .and_then(|i| RoundStatus::ALL.get(i).copied())
    }

    /// A round moves only to the next or the previous status: no skipping, no staying.
    pub fn check_move(self, to: RoundStatus) -> Result<(), Refusal> {
        if Some(to) == self.next() || Some(to) == self.previous() {
            Ok(())
        } else {
            Err(Refusal("error-round-step"))
        }
    }

    /// Triads can be added while the round is planned or collecting.
    pub fn accepts_triads(self) -> bool {
        matches!(self, RoundStatus::Planning | RoundStatus::Collecting)
    }
}

/// Where one conversation stands. The first four are the schedule (planned, held, cancelled,
/// no-show); after it is held it is transcribed, then checked, then coded. A withdrawn
/// conversation lost its consent: its content is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Unscheduled,
    Planned,
    Held,
    Cancelled,
    NoShow,
    Transcribed,
    Checked,
    Coded,
    Withdrawn,
}

impl ConversationStatus {
    pub const ALL: [ConversationStatus; 9] = [
        ConversationStatus::Unscheduled,
        ConversationStatus::Planned,
        ConversationStatus::Held,
        ConversationStatus::Cancelled,
        ConversationStatus::NoShow,
        ConversationStatus::Transcribed,
        ConversationStatus::Checked,
        ConversationStatus::Coded,
        ConversationStatus::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ConversationStatus::Unscheduled => "unscheduled",
            ConversationStatus::Planned => "planned",
            ConversationStatus::Held => "held",
            ConversationStatus::Cancelled => "cancelled",
            ConversationStatus::NoShow => "no_show",
            ConversationStatus::Transcribed => "transcribed",
            ConversationStatus::Checked => "checked",
            ConversationStatus::Coded => "coded",
            ConversationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationStatus> {
        ConversationStatus::ALL.into_iter().find(|c| c.key() == s)
    }

    /// True once the conversation took place (held or later, not withdrawn).
    pub fn is_held(self) -> bool {
        matches!(
            self,
            ConversationStatus::Held
                | ConversationStatus::Transcribed
                | ConversationStatus::Checked
                | ConversationStatus::Coded
        )
    }
}

/// The statuses a person may set on the schedule.
pub const SCHEDULE_STATUSES: [ConversationStatus; 4] = [
    ConversationStatus::Planned,
    ConversationStatus::Held,
    ConversationStatus::Cancelled,
    ConversationStatus::NoShow,
];

/// Who gave consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentGiver {
    Participant,
    /// A legal representative, for a resident who cannot decide (plus the resident's assent).
    Representative,
}

impl ConsentGiver {
    pub fn key(self) -> &'static str {
        match self {
            ConsentGiver::Participant => "participant",
            ConsentGiver::Representative => "representative",
        }
    }
    pub fn parse(s: &str) -> Option<ConsentGiver> {
        match s {
            "participant" => Some(ConsentGiver::Participant),
            "representative" => Some(ConsentGiver::Representative),
            _ => None,
        }
    }
}

/// What a participant consented to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ConsentScope {
    pub conversation: bool,
    pub audio: bool,
    pub quotes: bool,
}

/// Moves a conversation on the schedule. Held needs consent for the conversation; a conversation
/// already transcribed (or later) or withdrawn no longer moves on the schedule.
pub fn check_schedule_move(
    from: ConversationStatus,
    to: ConversationStatus,
    consent: Option<ConsentScope>,
) -> Result<(), Refusal> {
    use ConversationStatus as S;
    if !SCHEDULE_STATUSES.contains(&to) {
        return Err(Refusal("error-conversation-status"));
    }
    match from {
        S::Transcribed | S::Checked | S::Coded => return Err(Refusal("error-already-transcribed")),
        S::Withdrawn => return Err(Refusal("error-withdrawn")),
        _ => {}
    }
    if to == S::Held && !consent.is_some_and(|c| c.conversation) {
        return Err(Refusal("error-no-consent"));
    }
    Ok(())
}

/// Audio may be uploaded only with consent for a recording, and only until the transcript is
/// checked (the audio is deleted then).
pub fn check_audio_upload(
    status: ConversationStatus,
    consent: Option<ConsentScope>,
) -> Result<(), Refusal> {
    if !consent.is_some_and(|c| c.audio) {
        return Err(Refusal("error-no-audio-consent"));
    }
    if !matches!(
        status,
        ConversationStatus::Held | ConversationStatus::Transcribed
    ) {
        return Err(Refusal("error-audio-not-now"));
    }
    Ok(())
}

/// A transcript may be saved once the conversation is held (again while transcribed, to correct
/// it); never after it is checked or coded, never after withdrawal.
pub fn check_transcript_upload(status: ConversationStatus) -> Result<(), Refusal> {
    match status {
        ConversationStatus::Held | ConversationStatus::Transcribed => Ok(()),
        ConversationStatus::Checked | ConversationStatus::Coded => {
            Err(Refusal("error-already-checked"))
        }
        ConversationStatus::Withdrawn => Err(Refusal("error-withdrawn")),
        _ => Err(Refusal("error-not-held")),
    }
}

/// Marking a transcript checked needs a transcript.
pub fn check_mark_checked(status: ConversationStatus) -> Result<(), Refusal> {
    if status == ConversationStatus::Transcribed {
        Ok(())
    } else {
        Err(Refusal("error-no-transcript"))
    }
}

/// The cross-organisation rule of the method (§2 step 1): an interviewer never holds a
/// conversation in a home of their own employer. `interviewer_organisations` are the
/// organisations the interviewer works for (their employer and any organisation they hold a role
/// in); `ward_organisation` owns the ward of the conversation. The interviewer must also belong to
/// the ward's learning network.
pub fn check_interviewer(
    interviewer_organisations: &[String],
    interviewer_network: &str,
    ward_organisation: &str,
    ward_network: &str,
) -> Result<(), Refusal> {
    if interviewer_network != ward_network {
        return Err(Refusal("error-interviewer-network"));
    }
    if interviewer_organisations
        .iter()
        .any(|o| o == ward_organisation)
    {
        return Err(Refusal("error-own-employer"));
    }
    Ok(())
}

/// An interviewer's training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingStatus {
    InTraining,
    Trained,
    RefresherDue,
}

impl TrainingStatus {
    pub const ALL: [TrainingStatus; 3] = [
        TrainingStatus::InTraining,
        TrainingStatus::Trained,
        TrainingStatus::RefresherDue,
    ];
    pub fn key(self) -> &'static str {
        match self {
            TrainingStatus::InTraining => "in_training",
            TrainingStatus::Trained => "trained",
            TrainingStatus::RefresherDue => "refresher_due",
        }
    }
    pub fn parse(s: &str) -> Option<TrainingStatus> {
        TrainingStatus::ALL.into_iter().find(|t| t.key() == s)
    }
}

/// Letters and digits for triad codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V that are easily misread.
const CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTWXY34679";

/// A pseudonymous triad code such as `T-K7MP3R`, derived only from random bits (the caller passes
/// them, e.g. from a fresh UUID). It carries nothing of the resident: no name, no client number,
/// no room.
pub fn triad_code(random: u128) -> String {
    let mut n = random;
    let base = CODE_ALPHABET.len() as u128;
    let mut code = String::from("T-");
    for _ in 0..6 {
        code.push(char::from(CODE_ALPHABET[(n % base) as usize]));
        n /= base;
    }
    code
}

/// The role tokens a reviewer may use for a replacement.
pub const TOKENS: [&str; 14] = [
    "[bewoner]",
    "[naaste]",
    "[medewerker]",
    "[naam]",
    "[kamer]",
    "[datum]",
    "[telefoon]",
    "[e-mail]",
    "[postcode]",
    "[adres]",
    "[nummer]",
    "[plaats]",
    "[organisatie]",
    "[detail]",
];

pub fn is_token(s: &str) -> bool {
    TOKENS.contains(&s)
}

/// One replacement in the pseudonymisation review, in code points of the raw text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub token: String,
}

/// Every whole-word occurrence of `needle` in `text` as a replacement by `token` (for a
/// replacement the reviewer adds by hand: "Bep" → `[naam]` everywhere). Offsets in code points.
pub fn occurrences(text: &str, needle: &str, token: &str) -> Vec<Replacement> {
    let needle = needle.trim();
    if needle.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            let cs = text[..start].chars().count();
            out.push(Replacement {
                start: cs,
                end: cs + needle.chars().count(),
                token: token.to_string(),
            });
        }
        from = end;
    }
    out
}

/// Merges replacements: sorted by start; of overlapping ones the earlier (then longer) wins.
pub fn merge(mut all: Vec<Replacement>) -> Vec<Replacement> {
    all.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut out: Vec<Replacement> = Vec::with_capacity(all.len());
    for r in all {
        if r.end <= r.start {
            continue;
        }
        if out.last().is_some_and(|l| r.start < l.end) {
            continue;
        }
        out.push(r);
    }
    out
}

/// Applies replacements (sorted, non-overlapping, within the text) to the raw text.
pub fn apply(text: &str, replacements: &[Replacement]) -> String {
    let spans: Vec<crate::pseudonymise::Span> = replacements
        .iter()
        .map(|r| crate::pseudonymise::Span {
            start: r.start,
            end: r.end,
            kind: crate::pseudonymise::SpanKind::Name,
            text: String::new(),
            replacement: r.token.clone(),
        })
        .collect();
    crate::pseudonymise::apply(text, &spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_move_one_step_forward_or_back() {
        use RoundStatus as R;
        assert!(R::Planning.check_move(R::Collecting).is_ok());
        assert!(R::Collecting.check_move(R::Planning).is_ok());
        assert_eq!(
            R::Planning.check_move(R::Coding),
            Err(Refusal("error-round-step"))
        );
        assert!(R::Closed.check_move(R::Reporting).is_ok());
        assert!(R::Closed.check_move(R::Closed).is_err());
        assert_eq!(R::Closed.next(), None);
        assert_eq!(R::Planning.previous(), None);
    }

    #[test]
    fn held_needs_consent_for_the_conversation() {
        use ConversationStatus as S;
        let no = ConsentScope::default();
        let yes = ConsentScope {
            conversation: true,
            ..no
        };
        assert_eq!(
            check_schedule_move(S::Planned, S::Held, None),
            Err(Refusal("error-no-consent"))
        );
        assert!(check_schedule_move(S::Planned, S::Held, Some(no)).is_err());
        assert!(check_schedule_move(S::Planned, S::Held, Some(yes)).is_ok());
        assert!(check_schedule_move(S::Unscheduled, S::Planned, None).is_ok());
        assert!(check_schedule_move(S::Checked, S::Planned, Some(yes)).is_err());
        assert!(check_schedule_move(S::Planned, S::Checked, Some(yes)).is_err());
    }

    #[test]
    fn audio_needs_audio_consent() {
        use ConversationStatus as S;
        let talk = ConsentScope {
            conversation: true,
            ..ConsentScope::default()
        };
        let audio = ConsentScope {
            audio: true,
            ..talk
        };
        assert_eq!(
            check_audio_upload(S::Held, Some(talk)),
            Err(Refusal("error-no-audio-consent"))
        );
        assert!(check_audio_upload(S::Held, Some(audio)).is_ok());
        assert!(check_audio_upload(S::Checked, Some(audio)).is_err());
    }

    #[test]
    fn an_interviewer_never_visits_their_own_employer() {
        let orgs = vec!["hl".to_string()];
        assert_eq!(
            check_interviewer(&orgs, "n", "hl", "n"),
            Err(Refusal("error-own-employer"))
        );
        assert!(check_interviewer(&orgs, "n", "md", "n").is_ok());
        assert_eq!(
            check_interviewer(&orgs, "m", "md", "n"),
            Err(Refusal("error-interviewer-network"))
        );
    }

    #[test]
    fn triad_codes_carry_only_random_letters() {
        let a = triad_code(0x1234_5678_9abc_def0);
        let b = triad_code(0x1234_5678_9abc_def1);
        assert_ne!(a, b);
        assert_eq!(a.len(), 8);
        assert!(a.starts_with("T-"));
        assert!(a[2..].bytes().all(|c| CODE_ALPHABET.contains(&c)));
    }

    #[test]
    fn added_replacements_find_whole_words_and_merge() {
        let text = "Bep zei: Bepaald niet, zei Bep tegen Één.";
        let r = occurrences(text, "Bep", "[naam]");
        assert_eq!(r.len(), 2);
        let e = occurrences(text, "Één", "[naam]");
        assert_eq!(e.len(), 1);
        let merged = merge([r, e].concat());
        assert_eq!(
            apply(text, &merged),
            "[naam] zei: Bepaald niet, zei [naam] tegen [naam]."
        );
    }
}
