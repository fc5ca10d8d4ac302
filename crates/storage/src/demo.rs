//! Fills an empty database with the demo learning network: the structure, an account for every
//! role, one finished round per ward with coded conversations, its evaluation meeting and
//! improvement actions, and one round in progress.
//! Everything is deterministic, so two runs give the same network and the same scores.

use crate::accounts::{self, NewUser};
use crate::db::{Db, StoreError, Tx, new_id, now};
use crate::{in_tx, read, structure, themes};
use driehoek_domain::Valence;
use driehoek_domain::access::{NodePath, Role};
use driehoek_domain::demo_content::{self, DemoConversation, Speaker};

/// A demo account, printed for the newcomer.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub password: String,
    pub role: Role,
    pub scope: String,
}

/// What the demo created.
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub network: String,
    pub accounts: Vec<DemoAccount>,
    pub triads: usize,
    pub fragments: usize,
}

/// True when the database has no network yet (the demo only fills an empty database).
pub async fn is_empty(db: &Db) -> Result<bool, StoreError> {
    let n: i64 = read!(db, |c| sqlx::query_scalar("SELECT COUNT(*) FROM networks")
        .fetch_one(c)
        .await)?;
    Ok(n == 0)
}

/// Triads per ward in each demo round.
pub const TRIADS_PER_WARD: usize = 12;

/// Creates the demo network. `hash` turns a password into a stored hash (argon2id in the app;
/// the storage layer does not hash).
pub async fn fill(
    db: &Db,
    hash: &(dyn Fn(&str) -> String + Sync),
) -> Result<DemoReport, StoreError> {
    if !is_empty(db).await? {
        return Err(StoreError::Conflict("demo-not-empty"));
    }
    let theme_set_id = themes::ensure_builtin(db).await?;
    let theme_ids = themes::theme_ids(db, &theme_set_id).await?;
    let guide_id = crate::listen::guides::ensure_default(db).await?;
    let net = demo_content::network();
    let network_id = structure::create_network(db, &net.name, &net.description).await?;
    let network_path = NodePath {
        network: network_id.clone(),
        ..NodePath::default()
    };

    let mut accounts = Vec::new();
    let mut add = async |email: String,
                         name: &str,
                         role: Role,
                         home: &NodePath,
                         node: &NodePath,
                         scope: &str| {
        let password = format!("demo-{}-2026", role.key().replace('_', "-"));
        let u = NewUser {
            email: email.clone(),
            display_name: name.to_string(),
            password_hash: hash(&password),
            language: None,
            home: home.clone(),
        };
        accounts::create_user_unchecked(db, u, role, node).await?;
        accounts.push(DemoAccount {
            email,
            password,
            role,
            scope: scope.to_string(),
        });
        Ok::<(), StoreError>(())
    };
    add(
        "coordinator@demo.driehoek.nl".into(),
        "Noor Coördinator",
        Role::NetworkCoordinator,
        &network_path,
        &network_path,
        &net.name,
    )
    .await?;
    add(
        "codeur@demo.driehoek.nl".into(),
        "Cas Codeur",
        Role::Coder,
        &network_path,
        &network_path,
        &net.name,
    )
    .await?;

    let mut triads = 0;
    let mut fragments = 0;
    let mut ward_seed = 0u64;
    let mut first_org = String::new();
    for (oi, org) in net.organisations.iter().enumerate() {
        let org_id = insert_node(
            db,
            "INSERT INTO organisations (id, network_id, name, created_at) VALUES ($1, $2, $3, $4)",
            &[&network_id, &org.name],
        )
        .await?;
        let org_path = NodePath {
            organisation: Some(org_id.clone()),
            ..network_path.clone()
        };
        if oi == 0 {
            first_org.clone_from(&org_id);
        }
        let tag = org.short_name.to_lowercase();
        let finished = insert_round(
            db,
            &org_id,
            "Voorjaar 2025",
            "2025-03-01",
            "2025-06-30",
            "closed",
            &theme_set_id,
            &guide_id,
        )
        .await?;
        let current = insert_round(
            db,
            &org_id,
            "Voorjaar 2026",
            "2026-03-01",
            "2026-12-31",
            "collecting",
            &theme_set_id,
            &guide_id,
        )
        .await?;
        let mut first_location = None;
        let mut first_ward = None;
        for loc in &org.locations {
            let loc_id = insert_node(db, "INSERT INTO locations (id, organisation_id, name, city, created_at) VALUES ($1, $2, $3, $4, $5)", &[&org_id, &loc.name, &loc.city]).await?;
            let loc_path = NodePath {
                location: Some(loc_id.clone()),
                ..org_path.clone()
            };
            first_location.get_or_insert((loc_path.clone(), loc.name.clone()));
            for ward in &loc.wards {
                let ward_id = insert_node(
                    db,
                    "INSERT INTO wards (id, location_id, name, created_at) VALUES ($1, $2, $3, $4)",
                    &[&loc_id, &ward.name],
                )
                .await?;
                first_ward.get_or_insert((
                    NodePath {
                        ward: Some(ward_id.clone()),
                        ..loc_path.clone()
                    },
                    ward.name.clone(),
                ));
                ward_seed += 1;
                let mut tx = db.begin().await?;
                for t in demo_content::triads(ward_seed, 2025, TRIADS_PER_WARD) {
                    fragments +=
                        insert_triad(&mut tx, &finished, &ward_id, &t, true, &theme_ids).await?;
                    triads += 1;
                }
                // The round in progress: half the triads formed, their conversations held but
                // not yet transcribed or coded.
                for t in demo_content::triads(ward_seed, 2026, TRIADS_PER_WARD / 2) {
                    insert_triad(&mut tx, &current, &ward_id, &t, false, &theme_ids).await?;
                    triads += 1;
                }
                for round in [&finished, &current] {
                    in_tx!(&mut tx, |c| sqlx::query(
                        "INSERT INTO round_wards (round_id, ward_id) VALUES ($1, $2)"
                    )
                    .bind(round)
                    .bind(&ward_id)
                    .execute(c)
                    .await
                    .map(|r| r.rows_affected()))?;
                }
                tx.commit().await?;
            }
        }
        let scope = org.name.clone();
        add(
            format!("kwaliteit.{tag}@demo.driehoek.nl"),
            "Kwaliteitsfunctionaris",
            Role::QualityOfficer,
            &org_path,
            &org_path,
            &scope,
        )
        .await?;
        add(
            format!("interviewer.{tag}@demo.driehoek.nl"),
            interviewer_name(&tag),
            Role::Interviewer,
            &org_path,
            &org_path,
            &scope,
        )
        .await?;
        if oi == 0 {
            let (ward_path, ward_name) = first_ward.expect("every demo location has wards");
            let (loc_path, loc_name) =
                first_location.expect("every demo organisation has locations");
            add(
                format!("teamleider.{tag}@demo.driehoek.nl"),
                "Teamleider",
                Role::TeamLeader,
                &org_path,
                &ward_path,
                &ward_name,
            )
            .await?;
            add(
                format!("zorg.{tag}@demo.driehoek.nl"),
                "Zorgmedewerker",
                Role::CareWorker,
                &org_path,
                &ward_path,
                &ward_name,
            )
            .await?;
            add(
                format!("student.{tag}@demo.driehoek.nl"),
                "Student",
                Role::Student,
                &org_path,
                &ward_path,
                &ward_name,
            )
            .await?;
            add(
                format!("keuken.{tag}@demo.driehoek.nl"),
                "Keuken",
                Role::SupportService,
                &org_path,
                &org_path,
                &scope,
            )
            .await?;
            add(
                format!("clientenraad.{tag}@demo.driehoek.nl"),
                "Cliëntenraad",
                Role::ClientCouncil,
                &org_path,
                &loc_path,
                &loc_name,
            )
            .await?;
        }
    }
    plan_current_rounds(db).await?;
    fill_act(db, &first_org).await?;
    Ok(DemoReport {
        network: net.name,
        accounts,
        triads,
        fragments,
    })
}

async fn insert_node(db: &Db, sql: &'static str, params: &[&str]) -> Result<String, StoreError> {
    let id = new_id();
    crate::write!(db, |c| {
        let mut q = sqlx::query(sql).bind(&id);
        for p in params {
            q = q.bind(*p);
        }
        q.bind(now()).execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(id)
}

#[allow(clippy::too_many_arguments)]
async fn insert_round(
    db: &Db,
    org: &str,
    name: &str,
    start: &str,
    end: &str,
    status: &str,
    theme_set: &str,
    guide: &str,
) -> Result<String, StoreError> {
    let id = new_id();
    crate::write!(db, |c| {
        sqlx::query(
        "INSERT INTO rounds (id, organisation_id, name, period_start, period_end, status, theme_set_id, guide_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(&id)
    .bind(org)
    .bind(name)
    .bind(start)
    .bind(end)
    .bind(status)
    .bind(theme_set)
    .bind(guide)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Inserts a triad and its conversations; with `coded`, also the transcript and coded fragments.
/// Returns the number of fragments written.
async fn insert_triad(
    tx: &mut Tx,
    round: &str,
    ward: &str,
    t: &demo_content::DemoTriad,
    coded: bool,
    theme_ids: &[(String, String)],
) -> Result<usize, StoreError> {
    let triad_id = new_id();
    in_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO triads (id, round_id, ward_id, code, resident_takes_part, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(&triad_id)
    .bind(round)
    .bind(ward)
    .bind(&t.code)
    .bind(t.resident_takes_part)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    let mut n = 0;
    for conv in &t.conversations {
        n += insert_conversation(tx, &triad_id, conv, coded, theme_ids).await?;
    }
    Ok(n)
}

async fn insert_conversation(
    tx: &mut Tx,
    triad_id: &str,
    conv: &DemoConversation,
    coded: bool,
    theme_ids: &[(String, String)],
) -> Result<usize, StoreError> {
    let conv_id = new_id();
    let (status, transcript) = if coded {
        ("coded", Some(demo_content::transcript_text(conv)))
    } else {
        ("held", None)
    };
    in_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO conversations (id, triad_id, perspective, status, transcript, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(&conv_id)
    .bind(triad_id)
    .bind(conv.perspective.key())
    .bind(status)
    .bind(&transcript)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    if !coded {
        return Ok(0);
    }
    for (pos, f) in conv.fragments.iter().enumerate() {
        let frag_id = new_id();
        let speaker = match f.speaker {
            Speaker::Interviewer => "interviewer",
            Speaker::Participant => "participant",
        };
        let valence = (f.valence != Valence::None).then(|| f.valence.key());
        in_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence) VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(&frag_id)
        .bind(&conv_id)
        .bind(pos as i64)
        .bind(speaker)
        .bind(&f.text)
        .bind(valence)
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
        for key in &f.themes {
            if let Some((_, theme_id)) = theme_ids.iter().find(|(k, _)| k == key) {
                in_tx!(tx, |c| sqlx::query(
                    "INSERT INTO fragment_themes (fragment_id, theme_id) VALUES ($1, $2)"
                )
                .bind(&frag_id)
                .bind(theme_id)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
        }
    }
    Ok(conv.fragments.len())
}

/// A fictional name per demo interviewer (the e-mail address names the organisation).
fn interviewer_name(tag: &str) -> &'static str {
    match tag {
        "hl" => "Ilse Hermans",
        "md" => "Mark Dassen",
        "po" => "Petra Ortmans",
        _ => "Interviewer",
    }
}

/// The rounds in progress: every conversation gets an interviewer of ANOTHER organisation (the
/// method's rule, checked by the domain here too), consent and a date in spring 2026; every
/// fifth conversation is still unscheduled and without interviewer.
async fn plan_current_rounds(db: &Db) -> Result<(), StoreError> {
    use driehoek_domain::listen::check_interviewer;
    let interviewers: Vec<(String, String, String)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT u.id, u.organisation_id, u.network_id FROM users u JOIN role_assignments ra ON ra.user_id = u.id
         WHERE ra.role = 'interviewer' ORDER BY u.email"
    )
    .fetch_all(c)
    .await
    })?;
    #[allow(clippy::type_complexity)]
    let conversations: Vec<(String, String, String, String, String, String)> =
        read!(db, |c| sqlx::query_as(
            "SELECT c.id, c.perspective, o.id, o.network_id, w.name, t.code FROM conversations c
         JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
         JOIN wards w ON w.id = t.ward_id JOIN organisations o ON o.id = r.organisation_id
         WHERE r.status = 'collecting' ORDER BY o.name, w.name, t.code, c.perspective"
        )
        .fetch_all(c)
        .await)?;
    let mut tx = db.begin().await?;
    for (i, (id, perspective, org, network, ward, _code)) in conversations.iter().enumerate() {
        if i % 5 == 4 {
            in_tx!(&mut tx, |c| sqlx::query(
                "UPDATE conversations SET status = 'unscheduled' WHERE id = $1"
            )
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            continue;
        }
        let eligible: Vec<&(String, String, String)> = interviewers
            .iter()
            .filter(|(_, o, n)| check_interviewer(std::slice::from_ref(o), n, org, network).is_ok())
            .collect();
        let Some((interviewer, _, _)) = eligible.get(i % eligible.len().max(1)).copied() else {
            continue;
        };
        let day = 2 + (i % 27);
        let month = 3 + (i / 27) % 3;
        let time = format!("{:02}:{:02}", 10 + (i % 6), if i % 2 == 0 { 0 } else { 30 });
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "UPDATE conversations SET interviewer_id = $1, scheduled_date = $2, scheduled_time = $3, place = $4 WHERE id = $5"
        )
        .bind(interviewer)
        .bind(format!("2026-{month:02}-{day:02}"))
        .bind(&time)
        .bind(format!("Stille kamer, {ward}"))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        let giver = if perspective == "resident" && i % 3 == 0 {
            "representative"
        } else {
            "participant"
        };
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO consents (conversation_id, given_by, given_on, for_conversation, for_audio, for_quotes, recorded_by, recorded_at, withdrawn_at)
             VALUES ($1, $2, $3, TRUE, $4, TRUE, 'demo', $5, NULL)"
        )
        .bind(id)
        .bind(giver)
        .bind(format!("2026-{month:02}-01"))
        .bind(i % 4 != 0)
        .bind(now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    for (n, (user, _, _)) in interviewers.iter().enumerate() {
        let status = if n == 2 { "refresher_due" } else { "trained" };
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO interviewer_profiles (user_id, training_status, updated_at) VALUES ($1, $2, $3)"
        )
        .bind(user)
        .bind(status)
        .bind(now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    tx.commit().await
}

/// The ward's actions in the demo: (title, why, theme key, owner kind, owner service, status,
/// due date, drop reason, public). The first is owned by the kitchen and overdue; statuses differ.
#[allow(clippy::type_complexity)]
const DEMO_ACTIONS: &[(&str, &str, &str, &str, Option<&str>, &str, &str, &str, bool)] = &[
    (
        "Warme maaltijd ook 's avonds, op een later tijdstip",
        "Bewoners en naasten vertelden dat het eten vroeg komt en vaak lauw is.",
        "food_drink",
        "support_service",
        Some("kitchen"),
        "in_progress",
        "2025-12-01",
        "",
        true,
    ),
    (
        "Levensverhaal in het dossier van elke nieuwe bewoner",
        "Naasten merkten dat nieuwe collega's weinig wisten van wie hun vader of moeder is.",
        "knowing_the_person",
        "ward_team",
        None,
        "done",
        "2025-11-01",
        "",
        true,
    ),
    (
        "Vaste gezichten in het weekend",
        "Bewoners noemden de wisselende invallers in het weekend.",
        "familiar_staff",
        "ward_team",
        None,
        "agreed",
        "2027-03-01",
        "",
        false,
    ),
    (
        "Bezoektijden verruimen",
        "Eén naaste vroeg om ruimere bezoektijden.",
        "social_contact",
        "ward_team",
        None,
        "dropped",
        "2025-10-01",
        "Er gelden al geen vaste bezoektijden meer; dit is uitgelegd aan de naasten.",
        false,
    ),
];

/// Act in the demo: every ward's finished round has a held evaluation meeting with residents and
/// families, agreements, and 3–4 improvement actions in different statuses (one overdue, one owned
/// by the kitchen), some public; a few quotes are publishable (with consent for quotes), and the
/// wards of the first organisation have a published public page. The kitchen account works for
/// the kitchen.
async fn fill_act(db: &Db, first_org: &str) -> Result<(), StoreError> {
    let kitchen: Vec<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT id FROM users WHERE email LIKE 'keuken.%@demo.driehoek.nl'"
    )
    .fetch_all(c)
    .await)?;
    for k in &kitchen {
        crate::act::actions::add_service_member_unchecked(db, k, "kitchen").await?;
    }
    let wards: Vec<(String, String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT w.id, r.id, l.organisation_id FROM wards w
         JOIN locations l ON l.id = w.location_id
         JOIN organisations o ON o.id = l.organisation_id
         JOIN rounds r ON r.organisation_id = o.id AND r.status = 'closed'
         ORDER BY o.name, l.name, w.name"
    )
    .fetch_all(c)
    .await)?;
    for (wi, (ward, round, org)) in wards.iter().enumerate() {
        let mut tx = db.begin().await?;
        let meeting = new_id();
        let at = now();
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO meetings (id, ward_id, round_id, held_on, place, agenda, notes, status, created_at, created_by, updated_at)
             VALUES ($1, $2, $3, '2025-09-15', 'Huiskamer van de afdeling', $4, $5, 'held', $6, NULL, $6)"
        )
        .bind(&meeting)
        .bind(ward)
        .bind(round)
        .bind("1. Welkom\n2. Wat kan beter: eten en drinken; vaste gezichten\n3. De triadenplot samen lezen\n4. Afspraken")
        .bind("Goed gesprek; naasten en bewoners vertelden aanvullende voorbeelden over het avondeten.")
        .bind(&at)
        .execute(c)
        .await
        .map(|_| ())
        })?;
        let counts: [(&str, i64, i64); 6] = [
            ("resident", 3, 2),
            ("family", 4, 3),
            ("care_staff", 5, 4),
            ("team_leader", 1, 1),
            ("support_service", 1, 1),
            ("client_council", 1, 0),
        ];
        for (role, invited, attended) in counts {
            for (table, col, n) in [
                ("meeting_invitees", "invited", invited),
                ("meeting_attendance", "attended", attended),
            ] {
                let sql = sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {table} (meeting_id, role, {col}) VALUES ($1, $2, $3)"
                ));
                in_tx!(&mut tx, |c| sqlx::query(sql)
                    .bind(&meeting)
                    .bind(role)
                    .bind(n)
                    .execute(c)
                    .await
                    .map(|_| ()))?;
            }
        }
        let count = if wi % 2 == 0 { 4 } else { 3 };
        for (ai, (title, why, theme, owner, service, status, due, reason, public)) in
            DEMO_ACTIONS.iter().take(count).enumerate()
        {
            let agreement = new_id();
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO agreements (id, meeting_id, text, position, created_at) VALUES ($1, $2, $3, $4, $5)"
            )
            .bind(&agreement)
            .bind(&meeting)
            .bind(*title)
            .bind(i64::try_from(ai).unwrap_or(0) + 1)
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())
            })?;
            let action = new_id();
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO actions (id, ward_id, round_id, agreement_id, title, why, owner_kind, owner_user_id, owner_service, due_on, status, drop_reason, public, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12, $13, $13)"
            )
            .bind(&action)
            .bind(ward)
            .bind(round)
            .bind(&agreement)
            .bind(*title)
            .bind(*why)
            .bind(*owner)
            .bind(*service)
            .bind(*due)
            .bind(*status)
            .bind(*reason)
            .bind(i64::from(*public))
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())
            })?;
            in_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO action_themes (action_id, theme_key) VALUES ($1, $2)"
            )
            .bind(&action)
            .bind(*theme)
            .execute(c)
            .await
            .map(|_| ()))?;
            // Two negative fragments on the theme from this ward's round raised the action.
            in_tx!(&mut tx, |c| sqlx::query(
                "INSERT INTO action_fragments (action_id, fragment_id)
                 SELECT $1, f.id FROM fragments f
                 JOIN conversations c ON c.id = f.conversation_id
                 JOIN triads t ON t.id = c.triad_id
                 JOIN fragment_themes ft ON ft.fragment_id = f.id
                 JOIN themes th ON th.id = ft.theme_id
                 WHERE t.ward_id = $2 AND t.round_id = $3 AND th.key = $4 AND f.valence = 'negative'
                 ORDER BY t.code, c.perspective, f.position LIMIT 2"
            )
            .bind(&action)
            .bind(ward)
            .bind(round)
            .bind(*theme)
            .execute(c)
            .await
            .map(|_| ()))?;
            if ai == 0 {
                in_tx!(&mut tx, |c| {
                    sqlx::query(
                    "INSERT INTO action_notes (id, action_id, noted_on, text, author_id, created_at) VALUES ($1, $2, '2025-10-20', $3, NULL, $4)"
                )
                .bind(new_id())
                .bind(&action)
                .bind("Overleg met de keuken gehad; proef met een later avondeten loopt op één huiskamer.")
                .bind(&at)
                .execute(c)
                .await
                .map(|_| ())
                })?;
            }
        }
        // Publishable quotes: three positive fragments, their conversations with consent for quotes.
        let quotes: Vec<(String, String)> = in_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT f.id, c.id FROM fragments f
             JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id
             WHERE t.ward_id = $1 AND t.round_id = $2 AND f.valence = 'positive'
             ORDER BY t.code, c.perspective, f.position LIMIT 3"
        )
        .bind(ward)
        .bind(round)
        .fetch_all(c)
        .await)?;
        for (fragment, conversation) in &quotes {
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO consents (conversation_id, given_by, given_on, for_conversation, for_audio, for_quotes, recorded_by, recorded_at, withdrawn_at)
                 SELECT $1, 'participant', '2025-03-10', TRUE, FALSE, TRUE, 'demo', $2, NULL
                 WHERE NOT EXISTS (SELECT 1 FROM consents WHERE conversation_id = $1)"
            )
            .bind(conversation)
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())
            })?;
            in_tx!(&mut tx, |c| sqlx::query(
                "UPDATE fragments SET publishable = 1 WHERE id = $1"
            )
            .bind(fragment)
            .execute(c)
            .await
            .map(|_| ()))?;
        }
        if org == first_org {
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO ward_publications (ward_id, public_id, published, updated_at) VALUES ($1, $2, 1, $3)"
            )
            .bind(ward)
            .bind(uuid::Uuid::new_v4().simple().to_string())
            .bind(&at)
            .execute(c)
            .await
            .map(|_| ())
            })?;
        }
        tx.commit().await?;
    }
    Ok(())
}
