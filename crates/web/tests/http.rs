//! HTTP tests of the platform on SQLite and PostgreSQL: login, sessions, CSRF, languages, bad
//! input, API tokens, audit log, and the tenancy walk over every route.

mod support;

use axum::http::{Method, StatusCode};
use driehoek_domain::access::{NodePath, Role};
use driehoek_storage::accounts::{self, NewUser};
use driehoek_storage::{read, structure as st};
use support::{COORDINATOR, Client, demo_databases};

const QO_A: (&str, &str) = ("kwaliteit.hl@demo.driehoek.nl", "demo-quality-officer-2026");
const TEAM_LEADER_A: (&str, &str) = ("teamleider.hl@demo.driehoek.nl", "demo-team-leader-2026");

async fn id_of(db: &driehoek_storage::Db, sql: &'static str, name: &str) -> String {
    read!(db, |c| sqlx::query_scalar(sql)
        .bind(name)
        .fetch_one(c)
        .await)
    .unwrap_or_else(|e| panic!("{sql} {name}: {e}"))
}

async fn count(db: &driehoek_storage::Db, sql: &'static str) -> i64 {
    read!(db, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

#[tokio::test]
async fn login_sessions_and_logout() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        let page = c.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("<html lang=\"nl\">") && page.body.contains("Inloggen"),
            "{}",
            t.label
        );

        // Wrong password and unknown account look exactly the same.
        let wrong = c
            .post(
                "/login",
                &[
                    ("email", COORDINATOR.0),
                    ("password", "verkeerd-wachtwoord"),
                ],
            )
            .await;
        let unknown = c
            .post(
                "/login",
                &[
                    ("email", "niemand@demo.driehoek.nl"),
                    ("password", "verkeerd-wachtwoord"),
                ],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("horen niet bij elkaar"));
        let strip = |s: &str| {
            s.replace("verkeerd-wachtwoord", "")
                .replace(COORDINATOR.0, "")
                .replace("niemand@demo.driehoek.nl", "")
        };
        assert_eq!(
            strip(&wrong.body),
            strip(&unknown.body),
            "{}: the answer hints whether an account exists",
            t.label
        );

        let before = c.cookies.get("driehoek_session").cloned();
        assert!(before.is_none());
        let ok = c.login(COORDINATOR.0, COORDINATOR.1).await;
        assert_eq!(ok.location(), "/");
        let session = c
            .cookies
            .get("driehoek_session")
            .cloned()
            .expect("session cookie");
        let home = c.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Zorggroep Heuvelland"));

        // Logging in again rotates the session; the old token no longer works.
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let rotated = c.cookies.get("driehoek_session").cloned().unwrap();
        assert_ne!(session, rotated);
        let mut old = Client::new(&t.db);
        old.cookies.insert("driehoek_session".into(), session);
        assert_eq!(
            old.get("/").await.status,
            StatusCode::SEE_OTHER,
            "{}: old session still valid",
            t.label
        );

        // Logout ends the session in the database, not just in the browser.
        let mut copy = Client::new(&t.db);
        copy.cookies
            .insert("driehoek_session".into(), rotated.clone());
        let out = c.post("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(!c.cookies.contains_key("driehoek_session"));
        let after = copy.get("/").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert!(after.location().starts_with("/login"));

        // The audit log has the failed logins, the logins and the logout.
        let actions: Vec<String> = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE action LIKE 'log%'"
        )
        .fetch_all(c)
        .await)
        .unwrap();
        for a in ["login-failed", "login", "logout"] {
            assert!(
                actions.iter().any(|x| x == a),
                "{}: no {a} in the audit log",
                t.label
            );
        }
    }
}

#[tokio::test]
async fn too_many_failed_logins_are_refused_with_a_clear_message() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        for _ in 0..driehoek_web::auth::MAX_FAILURES_PER_ACCOUNT {
            let a = c
                .post(
                    "/login",
                    &[("email", TEAM_LEADER_A.0), ("password", "fout-wachtwoord")],
                )
                .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        }
        // Now even the right password waits.
        let a = c
            .post(
                "/login",
                &[("email", TEAM_LEADER_A.0), ("password", TEAM_LEADER_A.1)],
            )
            .await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", t.label);
        assert!(
            a.body.contains("Te veel mislukte inlogpogingen"),
            "{}",
            a.body
        );
        assert!(a.headers.contains_key("retry-after"));
    }
}

#[tokio::test]
async fn every_state_changing_route_needs_the_csrf_token() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        for (spec, _) in driehoek_web::routes() {
            if spec.method == Method::GET {
                continue;
            }
            let path = spec.path.replace('{', "x").replace('}', "");
            let a = c
                .send(
                    spec.method.clone(),
                    &path,
                    Some("application/x-www-form-urlencoded"),
                    b"name=x".to_vec(),
                )
                .await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{}: {} {} accepted a request without CSRF token",
                t.label,
                spec.method,
                spec.path
            );
            let wrong = format!("csrf={}&name=x", "0".repeat(64));
            let a = c
                .send(
                    spec.method.clone(),
                    &path,
                    Some("application/x-www-form-urlencoded"),
                    wrong.into_bytes(),
                )
                .await;
            assert_eq!(
                a.status,
                StatusCode::FORBIDDEN,
                "{}: {} {} accepted a wrong CSRF token",
                t.label,
                spec.method,
                spec.path
            );
        }
        // Nothing was changed by those attempts.
        let n = count(&t.db, "SELECT COUNT(*) FROM organisations").await;
        assert_eq!(n, 3);
    }
}

#[tokio::test]
async fn languages_follow_the_browser_then_the_user() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.accept_language = Some("en-GB,en;q=0.9".into());
        let page = c.get("/login").await;
        assert!(
            page.body.contains("<html lang=\"en\">") && page.body.contains("Log in"),
            "{}",
            t.label
        );
        c.accept_language = Some("de".into());
        assert!(c.get("/login").await.body.contains("<html lang=\"nl\">"));

        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let sw = c
            .post("/language", &[("language", "en"), ("back", "/")])
            .await;
        assert_eq!(sw.status, StatusCode::SEE_OTHER);
        assert_eq!(sw.location(), "/");
        assert!(c.get("/").await.body.contains("Organisations"));
        // The choice is stored on the account: a fresh browser (Dutch by default) gets English.
        let mut other = Client::new(&t.db);
        other.login(COORDINATOR.0, COORDINATOR.1).await;
        assert!(
            other.get("/").await.body.contains("<html lang=\"en\">"),
            "{}: language not kept",
            t.label
        );
        // A bad language or an outside redirect is refused.
        let bad = c
            .post("/language", &[("language", "fr"), ("back", "/")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let outside = c
            .post(
                "/language",
                &[("language", "nl"), ("back", "//evil.example")],
            )
            .await;
        assert_eq!(outside.location(), "/");
    }
}

#[tokio::test]
async fn bad_input_names_the_field_saves_nothing_and_never_500s() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let net = id_of(&t.db, "SELECT id FROM networks WHERE name <> $1", "").await;
        let orgs_before = count(&t.db, "SELECT COUNT(*) FROM organisations").await;

        let a = c
            .post(
                &format!("/networks/{net}/organisations"),
                &[("name", "   ")],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", t.label);
        assert!(
            a.body.contains("Naam") && a.body.contains("mag niet leeg zijn"),
            "{}",
            a.body
        );
        let a = c
            .post(
                &format!("/networks/{net}/organisations"),
                &[("name", "Zorggroep Heuvelland")],
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        assert!(a.body.contains("bestaat al een organisatie"));
        let a = c
            .post(
                &format!("/networks/{net}"),
                &[("name", "N"), ("min_group_size", "vijf")],
            )
            .await;
        assert!(
            a.body.contains("Minimale groepsgrootte") && a.body.contains("heel getal"),
            "{}",
            a.body
        );
        let a = c
            .post(
                "/users",
                &[
                    ("email", "geen-adres"),
                    ("display_name", ""),
                    ("password", "kort"),
                    ("role", "baas"),
                    ("node", "x"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        for text in [
            "E-mailadres",
            "geen geldig e-mailadres",
            "te kort",
            "bestaande rol",
            "Waar",
        ] {
            assert!(
                a.body.contains(text),
                "{}: missing {text:?} in {}",
                t.label,
                a.body
            );
        }
        // The API answers with problem documents in the user's language.
        let p = c
            .json(
                Method::POST,
                &format!("/api/v1/networks/{net}/organisations"),
                serde_json::json!({"name": ["lijst"]}),
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p.headers["content-type"], "application/problem+json");
        let doc = p.json();
        assert_eq!(doc["status"], 422);
        assert_eq!(doc["errors"][0]["field"], "name");
        let raw = c
            .send(
                Method::POST,
                &format!("/api/v1/networks/{net}/organisations?csrf={}", c.csrf()),
                Some("application/json"),
                b"{not json".to_vec(),
            )
            .await;
        assert_eq!(raw.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(raw.json()["errors"][0]["code"], "error-json");
        let weird = c
            .send(
                Method::POST,
                &format!("/api/v1/networks/{net}/organisations?csrf={}", c.csrf()),
                Some("text/plain"),
                b"x".to_vec(),
            )
            .await;
        assert_eq!(weird.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            c.get("/networks/does-not-exist").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(c.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            count(&t.db, "SELECT COUNT(*) FROM organisations").await,
            orgs_before,
            "{}: something was saved",
            t.label
        );
        assert_eq!(
            count(
                &t.db,
                "SELECT COUNT(*) FROM users WHERE email = 'geen-adres'"
            )
            .await,
            0
        );
    }
}

#[tokio::test]
async fn structure_and_accounts_are_managed_in_the_interface() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.login(QO_A.0, QO_A.1).await;
        let org = id_of(
            &t.db,
            "SELECT id FROM organisations WHERE name = $1",
            "Zorggroep Heuvelland",
        )
        .await;
        let a = c
            .post(
                &format!("/organisations/{org}/locations"),
                &[("name", "Huize Nieuw"), ("city", "Vaals")],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let loc_page = a.location().to_string();
        let loc = loc_page.trim_start_matches("/locations/").to_string();
        let a = c
            .post(
                &format!("/locations/{loc}/wards"),
                &[("name", "Afdeling Klaproos")],
            )
            .await;
        let ward = a.location().trim_start_matches("/wards/").to_string();
        assert!(c.get(&loc_page).await.body.contains("Afdeling Klaproos"));
        c.post(
            &format!("/wards/{ward}"),
            &[("name", "Afdeling Korenbloem")],
        )
        .await;
        assert!(
            c.get(&format!("/wards/{ward}"))
                .await
                .body
                .contains("Afdeling Korenbloem")
        );

        // A new care worker on that ward logs in and sees the ward but cannot manage it.
        let a = c
            .post(
                "/users",
                &[
                    ("email", "nieuw@demo.driehoek.nl"),
                    ("display_name", "Nieuwe Collega"),
                    ("password", "een-goed-wachtwoord"),
                    ("role", "care_worker"),
                    ("node", &format!("w:{ward}")),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}: {}", t.label, a.body);
        let user_page = a.location().to_string();
        let mut worker = Client::new(&t.db);
        worker
            .login("nieuw@demo.driehoek.nl", "een-goed-wachtwoord")
            .await;
        assert_eq!(
            worker.get(&format!("/wards/{ward}")).await.status,
            StatusCode::OK
        );
        assert_eq!(
            worker
                .post(&format!("/wards/{ward}"), &[("name", "Gekaapt")])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(worker.get("/users").await.status, StatusCode::FORBIDDEN);
        assert_eq!(worker.get("/audit").await.status, StatusCode::FORBIDDEN);

        // The admin resets the password: old one fails, sessions end, new one works.
        let uid = user_page.trim_start_matches("/users/");
        c.post(
            &format!("/users/{uid}/password"),
            &[("password", "nog-een-beter-wachtwoord")],
        )
        .await;
        assert_eq!(
            worker.get("/").await.status,
            StatusCode::SEE_OTHER,
            "{}: session survived a reset",
            t.label
        );
        let mut again = Client::new(&t.db);
        let old = again
            .post(
                "/login",
                &[
                    ("email", "nieuw@demo.driehoek.nl"),
                    ("password", "een-goed-wachtwoord"),
                ],
            )
            .await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        again
            .login("nieuw@demo.driehoek.nl", "nog-een-beter-wachtwoord")
            .await;

        // Grant and revoke a role; both are in the audit log.
        c.post(
            &format!("/users/{uid}/roles"),
            &[("role", "student"), ("node", &format!("w:{ward}"))],
        )
        .await;
        let roles = accounts::roles_of(&t.db, &accounts::tenant_of(&t.db, uid).await.unwrap(), uid)
            .await
            .unwrap();
        assert_eq!(roles.len(), 2);
        let student = roles.iter().find(|r| r.role == "student").unwrap();
        c.post(&format!("/users/{uid}/roles/{}/delete", student.id), &[])
            .await;
        let audit = c.get("/audit?action=role-revoked").await;
        assert!(
            audit.body.contains("nieuw@demo.driehoek.nl") && audit.body.contains("rol ingetrokken"),
            "{}",
            t.label
        );
        let all = c.get("/audit").await;
        assert!(
            all.body.contains("rol toegekend") && all.body.contains("wachtwoord opnieuw ingesteld")
        );

        // Deleting an account is real.
        c.post(&format!("/users/{uid}/delete"), &[]).await;
        assert_eq!(
            count(
                &t.db,
                "SELECT COUNT(*) FROM users WHERE email = 'nieuw@demo.driehoek.nl'"
            )
            .await,
            0
        );
    }
}

#[tokio::test]
async fn api_tokens_give_json_access_until_revoked() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        c.login(COORDINATOR.0, COORDINATOR.1).await;
        let page = c
            .post("/account/tokens", &[("name", "rapportage-script")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let token = page
            .body
            .split("<code class=\"token\">")
            .nth(1)
            .and_then(|s| s.split('<').next())
            .expect("token shown once")
            .to_string();
        assert_eq!(token.len(), 64);
        let stored: i64 = read!(&t.db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1"
        )
        .bind(&token)
        .fetch_one(c)
        .await)
        .unwrap();
        assert_eq!(stored, 0, "{}: token stored in the clear", t.label);

        let mut api = Client::new(&t.db);
        api.bearer = Some(token.clone());
        let nets = api.get("/api/v1/networks").await;
        assert_eq!(nets.status, StatusCode::OK);
        let net = nets.json()[0]["id"].as_str().unwrap().to_string();
        let created = api
            .json(
                Method::POST,
                &format!("/api/v1/networks/{net}/organisations"),
                serde_json::json!({"name": "Zorg via API"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let org = created.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            api.get(&format!("/api/v1/organisations/{org}"))
                .await
                .json()["name"],
            "Zorg via API"
        );
        assert_eq!(
            api.send(
                Method::DELETE,
                &format!("/api/v1/organisations/{org}"),
                None,
                vec![]
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(api.get("/api/v1/me").await.json()["email"], COORDINATOR.0);

        let tid: String = read!(&t.db, |c| sqlx::query_scalar("SELECT id FROM api_tokens")
            .fetch_one(c)
            .await)
        .unwrap();
        c.post(&format!("/account/tokens/{tid}/delete"), &[]).await;
        let gone = api.get("/api/v1/networks").await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
        assert_eq!(gone.headers["content-type"], "application/problem+json");
        let mut bad = Client::new(&t.db);
        bad.bearer = Some("nonsense".into());
        assert_eq!(bad.get("/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn health_openapi_and_assets_answer_without_login() {
    for t in demo_databases().await {
        let mut c = Client::new(&t.db);
        assert_eq!(c.get("/healthz").await.json()["status"], "ok");
        let doc = c.get("/api/openapi.json").await.json();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(doc["paths"]["/api/v1/users"]["post"].is_object());
        assert!(
            c.get("/assets/driehoek.css")
                .await
                .body
                .contains(":focus-visible")
        );
        assert_eq!(
            c.get("/assets/../Cargo.toml").await.status,
            StatusCode::NOT_FOUND
        );
        let page = c.get("/").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", t.label);
        assert_eq!(
            c.get("/api/v1/networks").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// The records of organisation B (and of another network) that organisation A must never reach.
struct Foreign {
    by_param: Vec<(&'static str, String)>,
    names: Vec<String>,
}

async fn foreign_records(db: &driehoek_storage::Db) -> Foreign {
    let b_org = id_of(
        db,
        "SELECT id FROM organisations WHERE name = $1",
        "Stichting Maasdal",
    )
    .await;
    let b_loc = id_of(
        db,
        "SELECT id FROM locations WHERE organisation_id = $1 ORDER BY name LIMIT 1",
        &b_org,
    )
    .await;
    let b_ward = id_of(
        db,
        "SELECT id FROM wards WHERE location_id = $1 ORDER BY name LIMIT 1",
        &b_loc,
    )
    .await;
    let b_user = id_of(
        db,
        "SELECT id FROM users WHERE email = $1",
        "kwaliteit.md@demo.driehoek.nl",
    )
    .await;
    let b_role = id_of(
        db,
        "SELECT id FROM role_assignments WHERE user_id = $1",
        &b_user,
    )
    .await;
    let b_round = id_of(
        db,
        "SELECT id FROM rounds WHERE organisation_id = $1 LIMIT 1",
        &b_org,
    )
    .await;
    let b_triad = id_of(
        db,
        "SELECT t.id FROM triads t JOIN rounds r ON r.id = t.round_id WHERE r.organisation_id = $1 ORDER BY t.code LIMIT 1",
        &b_org,
    )
    .await;
    let b_conversation = id_of(
        db,
        "SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id WHERE t.id = $1 ORDER BY c.perspective LIMIT 1",
        &b_triad,
    )
    .await;
    let b_fragment = id_of(
        db,
        "SELECT f.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id WHERE r.organisation_id = $1 ORDER BY f.id LIMIT 1",
        &b_org,
    )
    .await;
    let b_action = id_of(
        db,
        "SELECT a.id FROM actions a JOIN wards w ON w.id = a.ward_id JOIN locations l ON l.id = w.location_id WHERE l.organisation_id = $1 ORDER BY a.title LIMIT 1",
        &b_org,
    )
    .await;
    // B's ward published its public page: public routes are exempt from the walk, but the walk
    // must know every parameter.
    let b_public = driehoek_storage::publication::publish_unchecked(db, &b_ward)
        .await
        .unwrap();
    // A token of B's quality officer.
    let tenant_b = accounts::tenant_of(db, &b_user).await.unwrap();
    let b_token = accounts::create_token(
        db,
        &tenant_b,
        "kwaliteit.md@demo.driehoek.nl",
        "B's sleutel",
        "hash-of-b",
    )
    .await
    .unwrap();
    // Another network with its own organisation.
    let other = st::create_network(db, "Ander Netwerk Noord", "")
        .await
        .unwrap();
    let home = NodePath {
        network: other.clone(),
        ..NodePath::default()
    };
    let u = NewUser {
        email: "coord@noord.nl".into(),
        display_name: "Noord".into(),
        password_hash: "x".into(),
        language: None,
        home: home.clone(),
    };
    let noord = accounts::create_user_unchecked(db, u, Role::NetworkCoordinator, &home)
        .await
        .unwrap();
    let tn = accounts::tenant_of(db, &noord).await.unwrap();
    st::create_organisation(db, &tn, &other, "Zorg Noord", "coord@noord.nl")
        .await
        .unwrap();
    let mut names: Vec<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT l.name FROM locations l WHERE l.organisation_id = $1 UNION SELECT w.name FROM wards w JOIN locations l ON l.id = w.location_id WHERE l.organisation_id = $1"
    ).bind(&b_org).fetch_all(c).await).unwrap();
    names.extend(
        [
            "Stichting Maasdal",
            "kwaliteit.md@demo.driehoek.nl",
            "Ander Netwerk Noord",
            "Zorg Noord",
            "coord@noord.nl",
            "B's sleutel",
        ]
        .map(String::from),
    );
    Foreign {
        by_param: vec![
            ("network", other),
            ("organisation", b_org),
            ("location", b_loc),
            ("ward", b_ward),
            ("user", b_user),
            ("role", b_role),
            ("token", b_token),
            ("round", b_round),
            ("triad", b_triad),
            ("fragment", b_fragment),
            ("conversation", b_conversation),
            ("public_id", b_public),
            ("action", b_action),
        ],
        names,
    }
}

/// Walks EVERY route of the application as the quality officer of organisation A against the
/// records of organisation B and of another network: routes with an id must answer 404 (and
/// change nothing), routes without one must not show B's names. A route whose parameter this test
/// does not know fails the test, so a new route cannot slip past it.
#[tokio::test]
async fn tenancy_every_route_hides_other_organisations() {
    for t in demo_databases().await {
        let foreign = foreign_records(&t.db).await;
        for who in [QO_A, TEAM_LEADER_A] {
            let mut c = Client::new(&t.db);
            c.login(who.0, who.1).await;
            let a_org = id_of(
                &t.db,
                "SELECT id FROM organisations WHERE name = $1",
                "Zorggroep Heuvelland",
            )
            .await;
            let before = count(
                &t.db,
                "SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('login', 'login-failed')",
            )
            .await;
            for (spec, _) in driehoek_web::routes() {
                // Public routes have nothing to hide; state-changing routes without an id act on the
                // user's own account or scope (tested elsewhere) and would log this user out.
                if spec.public || (spec.method != Method::GET && !spec.path.contains('{')) {
                    continue;
                }
                let mut path = spec.path.to_string();
                let mut has_param = false;
                while let Some(start) = path.find('{') {
                    let end = path[start..].find('}').unwrap() + start;
                    let name = &path[start + 1..end];
                    let value = foreign
                        .by_param
                        .iter()
                        .find(|(n, _)| *n == name)
                        .unwrap_or_else(|| panic!("route {} has parameter {{{name}}}: add a record of organisation B for it to this test", spec.path))
                        .1
                        .clone();
                    path.replace_range(start..=end, &value);
                    has_param = true;
                }
                // A body that would do harm if a check were missing.
                let fields: Vec<(&str, String)> = vec![
                    ("name", "Overgenomen".into()),
                    ("city", "Elders".into()),
                    ("description", "x".into()),
                    ("min_group_size", "5".into()),
                    ("password", "een-nieuw-wachtwoord".into()),
                    ("current", who.1.into()),
                    ("email", "indringer@demo.driehoek.nl".into()),
                    ("display_name", "Indringer".into()),
                    ("role", "quality_officer".into()),
                    ("node", format!("o:{a_org}")),
                ];
                let a = if spec.method == Method::GET {
                    c.get(&path).await
                } else if path.starts_with("/api/") {
                    let obj: serde_json::Map<String, serde_json::Value> = fields
                        .iter()
                        .map(|(k, v)| ((*k).to_string(), serde_json::Value::String(v.clone())))
                        .collect();
                    c.json(spec.method.clone(), &path, serde_json::Value::Object(obj))
                        .await
                } else {
                    let f: Vec<(&str, &str)> =
                        fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    c.post(&path, &f).await
                };
                assert_ne!(
                    a.status,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{}: {} {} answered 500",
                    t.label,
                    spec.method,
                    path
                );
                if has_param {
                    assert_eq!(
                        a.status,
                        StatusCode::NOT_FOUND,
                        "{} as {}: {} {} reached another organisation's record: {}",
                        t.label,
                        who.0,
                        spec.method,
                        spec.path,
                        &a.body[..a.body.len().min(300)]
                    );
                } else if spec.method == Method::GET {
                    for n in &foreign.names {
                        assert!(
                            !a.body.contains(n.as_str()),
                            "{} as {}: {} shows {n:?} of another organisation",
                            t.label,
                            who.0,
                            spec.path
                        );
                    }
                }
            }
            let after = count(
                &t.db,
                "SELECT COUNT(*) FROM audit_log WHERE action NOT IN ('login', 'login-failed')",
            )
            .await;
            assert_eq!(
                before, after,
                "{} as {}: a foreign record was changed",
                t.label, who.0
            );
            assert_eq!(
                count(
                    &t.db,
                    "SELECT COUNT(*) FROM organisations WHERE name = 'Overgenomen'"
                )
                .await,
                0
            );
            assert_eq!(
                count(
                    &t.db,
                    "SELECT COUNT(*) FROM locations WHERE name = 'Overgenomen'"
                )
                .await,
                0
            );
            assert_eq!(
                count(
                    &t.db,
                    "SELECT COUNT(*) FROM wards WHERE name = 'Overgenomen'"
                )
                .await,
                0
            );
        }
    }
}

#[tokio::test]
async fn the_network_overview_shows_totals_of_the_organisations_one_may_read() {
    for t in demo_databases().await {
        let net = id_of(&t.db, "SELECT id FROM networks WHERE name <> $1", "").await;
        let mut coord = Client::new(&t.db);
        coord.login(COORDINATOR.0, COORDINATOR.1).await;
        let page = coord.get(&format!("/networks/{net}")).await;
        assert!(
            page.body.contains("Overzicht van het netwerk"),
            "{}",
            t.label
        );
        for org in ["Zorggroep Heuvelland", "Stichting Maasdal", "Voorjaar 2025"] {
            assert!(
                page.body.contains(org),
                "{}: {org} missing from the overview",
                t.label
            );
        }
        // The figures, counted here from the triads and fragments themselves.
        let (triads, positive, negative): (i64, i64, i64) = driehoek_storage::read!(&t.db, |c| {
            sqlx::query_as(
                "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM triads t WHERE t.round_id = r.id),
                        (SELECT CAST(COUNT(*) AS BIGINT) FROM fragments f JOIN conversations c ON c.id = f.conversation_id
                         JOIN triads t ON t.id = c.triad_id WHERE t.round_id = r.id AND f.valence = 'positive'),
                        (SELECT CAST(COUNT(*) AS BIGINT) FROM fragments f JOIN conversations c ON c.id = f.conversation_id
                         JOIN triads t ON t.id = c.triad_id WHERE t.round_id = r.id AND f.valence = 'negative')
                 FROM rounds r JOIN organisations o ON o.id = r.organisation_id
                 WHERE o.name = 'Zorggroep Heuvelland' AND r.name = 'Voorjaar 2025'",
            )
            .fetch_one(c)
            .await
        })
        .unwrap();
        let share =
            driehoek_domain::scores::Percent::of(positive as u64, (positive + negative) as u64)
                .unwrap()
                .rounded();
        assert!(
            page.body.contains(&format!(
                "<td>Voorjaar 2025</td><td>{triads}</td><td>{share}</td>"
            )),
            "{}: Heuvelland 2025 should show {triads} triads and {share}% positive",
            t.label
        );
        let mut qo = Client::new(&t.db);
        qo.login(QO_A.0, QO_A.1).await;
        let page = qo.get(&format!("/networks/{net}")).await;
        assert!(
            page.body.contains("Zorggroep Heuvelland") && page.body.contains("% positief"),
            "{}",
            t.label
        );
        assert!(
            !page.body.contains("Stichting Maasdal"),
            "{}: another organisation's totals leaked",
            t.label
        );
    }
}
