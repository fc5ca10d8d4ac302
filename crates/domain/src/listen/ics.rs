//! An iCalendar (RFC 5545) file of an interviewer's conversations: CRLF line ends, escaped text,
//! lines folded at 75 octets, one `UID` per conversation so that a calendar updates instead of
//! duplicating when the file is imported again.

/// One conversation in the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable and unique: the conversation's id.
    pub uid: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`, or empty for a whole-day entry.
    pub time: String,
    pub minutes: u32,
    pub summary: String,
    pub location: String,
    pub description: String,
}

/// Escapes TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets (never inside a UTF-8 character) and ends it with CRLF.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn compact_date(date: &str) -> Option<String> {
    let d: String = date.chars().filter(char::is_ascii_digit).collect();
    (d.len() == 8).then_some(d)
}

fn compact_time(time: &str) -> Option<(u32, u32)> {
    let (h, m) = time.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.get(..2)?.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// The whole calendar. `stamp` is the time of export, `YYYYMMDDTHHMMSSZ`. Times are local
/// (floating) times of the Netherlands, as the interviewer typed them; events without a valid
/// date are left out.
pub fn calendar(events: &[Event], stamp: &str) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Driehoek//Verbindende gesprekken//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(l, &mut out);
    }
    for e in events {
        let Some(date) = compact_date(&e.date) else {
            continue;
        };
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}@driehoek", escape(&e.uid)), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        if let Some((h, m)) = compact_time(&e.time) {
            fold(&format!("DTSTART:{date}T{h:02}{m:02}00"), &mut out);
            fold(&format!("DURATION:PT{}M", e.minutes.max(1)), &mut out);
        } else {
            fold(&format!("DTSTART;VALUE=DATE:{date}"), &mut out);
        }
        fold(&format!("SUMMARY:{}", escape(&e.summary)), &mut out);
        if !e.location.is_empty() {
            fold(&format!("LOCATION:{}", escape(&e.location)), &mut out);
        }
        if !e.description.is_empty() {
            fold(&format!("DESCRIPTION:{}", escape(&e.description)), &mut out);
        }
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        Event {
            uid: "0190-abc".into(),
            date: "2026-03-15".into(),
            time: "14:30".into(),
            minutes: 60,
            summary: "Gesprek T-K7MP3R, naaste".into(),
            location: "De Linde; kamer 2\nBegane grond".into(),
            description: "Gespreksleidraad: https://example.org/x".into(),
        }
    }

    #[test]
    fn the_calendar_is_rfc_5545() {
        let ics = calendar(&[event()], "20260301T090000Z");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "bare LF in {ics:?}"
        );
        assert!(ics.contains("UID:0190-abc@driehoek\r\n"));
        assert!(ics.contains("DTSTART:20260315T143000\r\n"));
        assert!(ics.contains("SUMMARY:Gesprek T-K7MP3R\\, naaste\r\n"));
        assert!(ics.contains("LOCATION:De Linde\\; kamer 2\\nBegane grond\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line longer than 75 octets: {line}");
        }
    }

    #[test]
    fn long_lines_fold_between_characters() {
        let mut e = event();
        e.description = "é".repeat(100);
        let ics = calendar(&[e], "20260301T090000Z");
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", "é".repeat(100))));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75);
        }
    }

    #[test]
    fn a_day_without_time_is_a_whole_day_and_no_date_is_left_out() {
        let mut e = event();
        e.time = String::new();
        let mut none = event();
        none.date = String::new();
        none.uid = "leeg".into();
        let ics = calendar(&[e, none], "20260301T090000Z");
        assert!(ics.contains("DTSTART;VALUE=DATE:20260315\r\n"));
        assert!(!ics.contains("leeg"));
        assert_eq!(escape("a\\b,c;d\r\ne"), "a\\\\b\\,c\\;d\\ne");
    }
}
