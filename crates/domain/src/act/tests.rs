use super::*;

#[test]
fn warns_when_only_staff_are_invited() {
    let staff_only = [
        (MeetingRole::CareStaff, 6),
        (MeetingRole::TeamLeader, 1),
        (MeetingRole::Resident, 0),
    ];
    assert_eq!(
        invitation_warning(&staff_only),
        Some("meeting-warning-staff-only")
    );
    let with_family = [(MeetingRole::CareStaff, 6), (MeetingRole::Family, 2)];
    assert_eq!(invitation_warning(&with_family), None);
    let with_resident = [(MeetingRole::Resident, 1)];
    assert_eq!(invitation_warning(&with_resident), None);
    assert!(invitation_warning(&[]).is_some());
}

#[test]
fn dropping_needs_a_reason_and_closed_actions_are_not_proposed_again() {
    use ActionStatus::*;
    assert_eq!(
        Agreed.check_move(Dropped, "  ").unwrap_err().key,
        "error-drop-reason"
    );
    assert!(
        Agreed
            .check_move(Dropped, "kitchen rebuilt instead")
            .is_ok()
    );
    assert!(Proposed.check_move(Done, "").is_ok());
    assert_eq!(
        Done.check_move(Proposed, "").unwrap_err().key,
        "error-action-reopen"
    );
    assert!(Done.check_move(InProgress, "").is_ok());
    assert!(Dropped.check_move(Agreed, "").is_ok());
}

#[test]
fn overdue_is_a_passed_due_date_on_an_open_action() {
    use ActionStatus::*;
    assert!(is_overdue(Some("2026-01-31"), InProgress, "2026-02-01"));
    assert!(!is_overdue(Some("2026-02-01"), InProgress, "2026-02-01"));
    assert!(!is_overdue(Some("2026-01-31"), Done, "2026-02-01"));
    assert!(!is_overdue(Some("2026-01-31"), Dropped, "2026-02-01"));
    assert!(!is_overdue(None, Agreed, "2026-02-01"));
}

#[test]
fn dates_must_exist() {
    assert!(date("d", "2024-02-29").is_ok());
    assert!(date("d", "2023-02-29").is_err());
    assert!(date("d", "2026-13-01").is_err());
    assert!(date("d", "26-1-1").is_err());
    assert!(date("d", "").is_err());
    assert_eq!(date("d", "x").unwrap_err().key, "error-date");
}

#[test]
fn the_meeting_form_reports_every_problem() {
    let counts = |r: MeetingRole| match r {
        MeetingRole::CareStaff => "5",
        MeetingRole::Family => "-1",
        _ => "",
    };
    let attended = |_r: MeetingRole| "";
    let d = MeetingDraft {
        held_on: "morgen",
        place: "Huiskamer",
        agenda: "",
        notes: "",
        status: "cancelled",
        invited: &counts,
        attended: &attended,
    };
    let problems = check_meeting(&d).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, vec!["held_on", "status", "invited_family"]);

    let counts = |r: MeetingRole| match r {
        MeetingRole::CareStaff => "5",
        MeetingRole::Family => "2",
        _ => "",
    };
    let d = MeetingDraft {
        held_on: "2026-03-02",
        place: " Huiskamer ",
        agenda: "1. Eten",
        notes: "",
        status: "",
        invited: &counts,
        attended: &attended,
    };
    let m = check_meeting(&d).unwrap();
    assert_eq!(m.place, "Huiskamer");
    assert_eq!(m.status, MeetingStatus::Planned);
    assert!(m.invited.contains(&(MeetingRole::Family, 2)));
    assert!(m.invited.contains(&(MeetingRole::Resident, 0)));
    assert_eq!(invitation_warning(&m.invited), None);
}

#[test]
fn the_action_form_checks_owner_status_and_dates() {
    let d = ActionDraft {
        title: "",
        owner_kind: "support_service",
        owner_service: "bakery",
        due_on: "2026-02-30",
        status: "dropped",
        ..ActionDraft::default()
    };
    let fields: Vec<&str> = check_action(&d, None)
        .unwrap_err()
        .iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(
        fields,
        vec!["title", "owner_service", "due_on", "drop_reason"]
    );

    let d = ActionDraft {
        title: "Warm eten later op de avond",
        owner_kind: "support_service",
        owner_service: "kitchen",
        due_on: "2026-04-01",
        status: "agreed",
        drop_reason: "vergeten",
        public: true,
        ..ActionDraft::default()
    };
    let a = check_action(&d, None).unwrap();
    assert_eq!(a.owner_service, Some(SupportService::Kitchen));
    assert_eq!(a.drop_reason, "", "a reason is kept only when dropped");
    assert!(a.public);

    let person = ActionDraft {
        title: "Levensboek bijwerken",
        owner_kind: "person",
        ..ActionDraft::default()
    };
    assert_eq!(
        check_action(&person, None).unwrap_err()[0].key,
        "error-action-owner-person"
    );
    let reopen = ActionDraft {
        title: "x",
        owner_kind: "ward_team",
        status: "proposed",
        ..ActionDraft::default()
    };
    assert!(check_action(&reopen, Some(ActionStatus::Done)).is_err());
}

#[test]
fn notes_need_a_date_and_text() {
    assert!(check_note("2026-03-01", "Eerste gesprek met de keuken").is_ok());
    let p = check_note("", " ").unwrap_err();
    assert_eq!(p.len(), 2);
}
