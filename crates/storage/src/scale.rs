//! A generated learning network at the scale of a real one, for benchmarks: by default 20
//! organisations × 8 locations × 4 wards, 12 triads per ward per yearly round, 3 conversations
//! per triad and about 60 coded fragments per conversation (≈ 1.4 million fragments a year).
//! Deterministic: the same spec gives the same network.

use crate::accounts::{self, NewUser};
use crate::bulk::{Val, insert_many};
use crate::db::{Db, StoreError, new_id, now};
use crate::{in_tx, structure, themes};
use driehoek_domain::Valence;
use driehoek_domain::access::{NodePath, Role};
use driehoek_domain::demo_content::{self, DemoFragment, DemoTriad, Speaker};

#[derive(Debug, Clone, Copy)]
pub struct ScaleSpec {
    pub organisations: usize,
    pub locations: usize,
    pub wards: usize,
    pub triads: usize,
    pub years: usize,
    /// Fragments per conversation to aim for (the demo texts are combined to reach it).
    pub fragments: usize,
    /// The first round's year.
    pub first_year: i32,
}

impl ScaleSpec {
    /// The network of the benchmark issue.
    pub fn network(years: usize) -> ScaleSpec {
        ScaleSpec {
            organisations: 20,
            locations: 8,
            wards: 4,
            triads: 12,
            years,
            fragments: 60,
            first_year: 2022,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ScaleReport {
    pub wards: usize,
    pub triads: usize,
    pub conversations: usize,
    pub fragments: usize,
    pub meetings: usize,
    pub actions: usize,
}

/// Accounts the benchmark logs in with.
/// The generated network's name (the benchmark looks only inside it).
pub const BENCH_NETWORK: &str = "Benchmarknetwerk";
pub const BENCH_COORDINATOR: &str = "bench-coordinator@driehoek.test";
pub const BENCH_CODER: &str = "bench-coder@driehoek.test";
pub const BENCH_PASSWORD: &str = "bench-password-2026";

struct Fragment<'a> {
    id: String,
    conversation: &'a str,
    position: i64,
    speaker: &'static str,
    text: &'a str,
    valence: Option<&'static str>,
}

/// Fills an empty database with the network. `progress` is called after every organisation-year.
pub async fn generate(
    db: &Db,
    spec: ScaleSpec,
    hash: &(dyn Fn(&str) -> String + Sync),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ScaleReport, StoreError> {
    if !crate::demo::is_empty(db).await? {
        return Err(StoreError::Conflict("demo-not-empty"));
    }
    let theme_set = themes::ensure_builtin(db).await?;
    let theme_ids = themes::theme_ids(db, &theme_set).await?;
    let network =
        structure::create_network(db, BENCH_NETWORK, "Gegenereerd netwerk voor metingen").await?;
    let net_path = NodePath {
        network: network.clone(),
        ..NodePath::default()
    };
    for (email, role) in [
        (BENCH_COORDINATOR, Role::NetworkCoordinator),
        (BENCH_CODER, Role::Coder),
    ] {
        let u = NewUser {
            email: email.into(),
            display_name: email.into(),
            password_hash: hash(BENCH_PASSWORD),
            language: None,
            home: net_path.clone(),
        };
        accounts::create_user_unchecked(db, u, role, &net_path).await?;
    }
    let mut report = ScaleReport::default();
    let steps = spec.organisations * spec.years;
    let stamp = now();
    for o in 0..spec.organisations {
        let mut tx = db.begin().await?;
        let org = new_id();
        in_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO organisations (id, network_id, name, created_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(&org)
        .bind(&network)
        .bind(format!("Organisatie {:02}", o + 1))
        .bind(&stamp)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        let mut wards = Vec::new();
        for l in 0..spec.locations {
            let loc = new_id();
            in_tx!(&mut tx, |c| {
                sqlx::query("INSERT INTO locations (id, organisation_id, name, city, created_at) VALUES ($1, $2, $3, '', $4)")
                .bind(&loc).bind(&org).bind(format!("Locatie {:02}-{:02}", o + 1, l + 1)).bind(&stamp)
                .execute(c).await.map(|r| r.rows_affected())
            })?;
            for w in 0..spec.wards {
                let ward = new_id();
                in_tx!(&mut tx, |c| sqlx::query(
                    "INSERT INTO wards (id, location_id, name, created_at) VALUES ($1, $2, $3, $4)"
                )
                .bind(&ward)
                .bind(&loc)
                .bind(format!("Afdeling {:02}-{:02}-{}", o + 1, l + 1, w + 1))
                .bind(&stamp)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
                wards.push(ward);
            }
        }
        tx.commit().await?;
        report.wards += wards.len();
        for y in 0..spec.years {
            let year = spec.first_year + y as i32;
            let round = new_id();
            let status = if y + 1 == spec.years {
                "reporting"
            } else {
                "closed"
            };
            let mut tx = db.begin().await?;
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO rounds (id, organisation_id, name, period_start, period_end, status, theme_set_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&round).bind(&org).bind(format!("Ronde {year}")).bind(format!("{year}-03-01")).bind(format!("{year}-06-30"))
                .bind(status).bind(&theme_set).bind(&stamp)
                .execute(c).await.map(|r| r.rows_affected())
            })?;
            let mut triad_rows = Vec::new();
            let mut conv_rows = Vec::new();
            let mut texts: Vec<(usize, Vec<DemoFragment>)> = Vec::new();
            for (wi, ward) in wards.iter().enumerate() {
                let seed = (o * 1000 + wi) as u64 + 1;
                let gens: Vec<Vec<DemoTriad>> = (0..spec.fragments.div_ceil(20).max(1))
                    .map(|k| demo_content::triads(seed, (year as u64) * 10 + k as u64, spec.triads))
                    .collect();
                for (ti, t) in gens[0].iter().enumerate() {
                    let triad = new_id();
                    // Codes are unique per round, and a round spans all wards of the organisation.
                    triad_rows.push((
                        triad.clone(),
                        ward.clone(),
                        format!("{}-{:02}", t.code, wi + 1),
                        t.resident_takes_part,
                    ));
                    for conv in &t.conversations {
                        let id = new_id();
                        // Longer conversations: the same perspective from the other generations.
                        let mut frags: Vec<DemoFragment> = conv.fragments.clone();
                        for g in &gens[1..] {
                            if frags.len() >= spec.fragments {
                                break;
                            }
                            if let Some(more) = g[ti]
                                .conversations
                                .iter()
                                .find(|c| c.perspective == conv.perspective)
                            {
                                frags.extend(more.fragments.iter().cloned());
                            }
                        }
                        conv_rows.push((id, triad.clone(), conv.perspective.key()));
                        texts.push((conv_rows.len() - 1, frags));
                    }
                }
            }
            insert_many(
                &mut tx,
                "INSERT INTO triads (id, round_id, ward_id, code, resident_takes_part, created_at)",
                &triad_rows,
                |t| {
                    [
                        Val::Text(&t.0),
                        Val::Text(&round),
                        Val::Text(&t.1),
                        Val::Text(&t.2),
                        Val::Bool(t.3),
                        Val::Text(&stamp),
                    ]
                },
            )
            .await?;
            insert_many(&mut tx, "INSERT INTO conversations (id, triad_id, perspective, status, transcript, created_at)", &conv_rows, |c| {
                [Val::Text(&c.0), Val::Text(&c.1), Val::Text(c.2), Val::Text("coded"), Val::OptText(None), Val::Text(&stamp)]
            })
            .await?;
            let mut frag_rows = Vec::new();
            let mut theme_rows: Vec<(usize, &str)> = Vec::new();
            for (ci, frags) in &texts {
                for (pos, f) in frags.iter().enumerate() {
                    frag_rows.push(Fragment {
                        id: new_id(),
                        conversation: &conv_rows[*ci].0,
                        position: pos as i64,
                        speaker: match f.speaker {
                            Speaker::Interviewer => "interviewer",
                            Speaker::Participant => "participant",
                        },
                        text: &f.text,
                        valence: (f.valence != Valence::None).then(|| f.valence.key()),
                    });
                    for key in &f.themes {
                        if let Some((_, id)) = theme_ids.iter().find(|(k, _)| k == key) {
                            theme_rows.push((frag_rows.len() - 1, id.as_str()));
                        }
                    }
                }
            }
            insert_many(
                &mut tx,
                "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence)",
                &frag_rows,
                |f| {
                    [
                        Val::Text(&f.id),
                        Val::Text(f.conversation),
                        Val::Int(f.position),
                        Val::Text(f.speaker),
                        Val::Text(f.text),
                        Val::OptText(f.valence),
                    ]
                },
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO fragment_themes (fragment_id, theme_id)",
                &theme_rows,
                |t| [Val::Text(&frag_rows[t.0].id), Val::Text(t.1)],
            )
            .await?;
            let act = act_rows(&wards, year, y + 1 == spec.years, &theme_ids);
            insert_act(&mut tx, &act, &round, &stamp).await?;
            tx.commit().await?;
            report.meetings += act.meetings.len();
            report.actions += act.actions.len();
            report.triads += triad_rows.len();
            report.conversations += conv_rows.len();
            report.fragments += frag_rows.len();
            progress(o * spec.years + y + 1, steps);
        }
    }
    // PostgreSQL plans by its statistics, which autovacuum would only gather later: without them
    // the network overview on a fresh network took 621 ms instead of 349 (p50, bench/run).
    if let Db::Postgres(pool) = db {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    Ok(report)
}

/// The evaluation meetings and improvement actions of one round: per ward a meeting (held, or
/// planned in the round still being reported) with residents, families and staff, two agreements
/// and three actions on the round's themes in varying states, one for the kitchen.
struct ActRows {
    /// (meeting id, ward id, held_on, status)
    meetings: Vec<(String, String, String, &'static str)>,
    /// (meeting index, role, invited, attended)
    people: Vec<(usize, &'static str, i64, i64)>,
    /// (agreement id, meeting index, text, position)
    agreements: Vec<(String, usize, &'static str, i64)>,
    actions: Vec<ActionRow>,
}

struct ActionRow {
    id: String,
    ward: String,
    agreement: Option<String>,
    title: &'static str,
    owner_kind: &'static str,
    owner_service: Option<&'static str>,
    due_on: String,
    status: &'static str,
    theme: String,
}

const AGREEMENTS: [&str; 2] = [
    "We bespreken de verhalen over het eten met de keuken.",
    "Bij elke overdracht vragen we wat de bewoner vandaag belangrijk vindt.",
];
const ACTIONS: [(&str, &str, Option<&str>); 3] = [
    (
        "Keuze uit twee warme maaltijden",
        "support_service",
        Some("kitchen"),
    ),
    ("Vaste contactpersoon voor elke familie", "ward_team", None),
    ("Avondronde met een praatje", "ward_team", None),
];
const PEOPLE: [(&str, i64, i64); 6] = [
    ("resident", 6, 4),
    ("family", 8, 5),
    ("care_staff", 6, 6),
    ("team_leader", 1, 1),
    ("support_service", 2, 1),
    ("client_council", 1, 1),
];

fn act_rows(
    wards: &[String],
    year: i32,
    reporting: bool,
    theme_ids: &[(String, String)],
) -> ActRows {
    let mut rows = ActRows {
        meetings: Vec::new(),
        people: Vec::new(),
        agreements: Vec::new(),
        actions: Vec::new(),
    };
    for (wi, ward) in wards.iter().enumerate() {
        let m = rows.meetings.len();
        let status = if reporting { "planned" } else { "held" };
        rows.meetings.push((
            new_id(),
            ward.clone(),
            format!("{year}-09-{:02}", 1 + wi % 28),
            status,
        ));
        for (role, invited, attended) in PEOPLE {
            rows.people
                .push((m, role, invited, if reporting { 0 } else { attended }));
        }
        for (i, text) in AGREEMENTS.iter().enumerate() {
            rows.agreements.push((new_id(), m, text, i as i64));
        }
        for (i, (title, owner_kind, owner_service)) in ACTIONS.iter().enumerate() {
            let status = match (reporting, (wi + i) % 4) {
                (true, _) => "agreed",
                (false, 0) => "dropped",
                (false, 1) => "in_progress",
                _ => "done",
            };
            let theme = &theme_ids[(wi + i) % theme_ids.len()].0;
            rows.actions.push(ActionRow {
                id: new_id(),
                ward: ward.clone(),
                agreement: (i == 0).then(|| rows.agreements[rows.agreements.len() - 2].0.clone()),
                title,
                owner_kind,
                owner_service: *owner_service,
                due_on: format!("{}-03-01", year + 1),
                status,
                theme: theme.clone(),
            });
        }
    }
    rows
}

async fn insert_act(
    tx: &mut crate::db::Tx,
    act: &ActRows,
    round: &str,
    stamp: &str,
) -> Result<(), StoreError> {
    insert_many(
        tx,
        "INSERT INTO meetings (id, ward_id, round_id, held_on, place, agenda, notes, status, created_at, updated_at)",
        &act.meetings,
        |m| {
            [
                Val::Text(&m.0),
                Val::Text(&m.1),
                Val::Text(round),
                Val::Text(&m.2),
                Val::Text("Huiskamer"),
                Val::Text(""),
                Val::Text(""),
                Val::Text(m.3),
                Val::Text(stamp),
                Val::Text(stamp),
            ]
        },
    )
    .await?;
    let meeting = |i: usize| act.meetings[i].0.as_str();
    insert_many(
        tx,
        "INSERT INTO meeting_invitees (meeting_id, role, invited)",
        &act.people,
        |p| [Val::Text(meeting(p.0)), Val::Text(p.1), Val::Int(p.2)],
    )
    .await?;
    insert_many(
        tx,
        "INSERT INTO meeting_attendance (meeting_id, role, attended)",
        &act.people,
        |p| [Val::Text(meeting(p.0)), Val::Text(p.1), Val::Int(p.3)],
    )
    .await?;
    insert_many(
        tx,
        "INSERT INTO agreements (id, meeting_id, text, position, created_at)",
        &act.agreements,
        |a| {
            [
                Val::Text(&a.0),
                Val::Text(meeting(a.1)),
                Val::Text(a.2),
                Val::Int(a.3),
                Val::Text(stamp),
            ]
        },
    )
    .await?;
    insert_many(
        tx,
        "INSERT INTO actions (id, ward_id, round_id, agreement_id, title, why, owner_kind, owner_service, due_on, status, drop_reason, public, created_at, updated_at)",
        &act.actions,
        |a| {
            [
                Val::Text(&a.id),
                Val::Text(&a.ward),
                Val::Text(round),
                Val::OptText(a.agreement.as_deref()),
                Val::Text(a.title),
                Val::Text("Uit de gesprekken van deze ronde."),
                Val::Text(a.owner_kind),
                Val::OptText(a.owner_service),
                Val::Text(&a.due_on),
                Val::Text(a.status),
                Val::Text(if a.status == "dropped" {
                    "Opgegaan in een bredere aanpak van de locatie."
                } else {
                    ""
                }),
                Val::Int(1),
                Val::Text(stamp),
                Val::Text(stamp),
            ]
        },
    )
    .await?;
    insert_many(
        tx,
        "INSERT INTO action_themes (action_id, theme_key)",
        &act.actions,
        |a| [Val::Text(&a.id), Val::Text(&a.theme)],
    )
    .await
}
