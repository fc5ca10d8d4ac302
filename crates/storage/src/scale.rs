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
}

/// Accounts the benchmark logs in with.
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
        structure::create_network(db, "Benchmarknetwerk", "Gegenereerd netwerk voor metingen")
            .await?;
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
            tx.commit().await?;
            report.triads += triad_rows.len();
            report.conversations += conv_rows.len();
            report.fragments += frag_rows.len();
            progress(o * spec.years + y + 1, steps);
        }
    }
    Ok(report)
}
