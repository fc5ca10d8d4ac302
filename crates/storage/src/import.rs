//! `driehoek import-coded`: coded fragments from a CSV file into the database, all or nothing.
//!
//! The file is read and checked completely in memory first ([`read_csv`]); only a file without
//! problems reaches the database. [`import`] then resolves the structure with one query per table,
//! creates what is missing, and writes fragments and their themes with multi-row INSERTs, all in
//! ONE transaction: an error half-way leaves the database as it was.
//!
//! This is an admin tool (like `create-admin`): it works on a whole network and takes no tenant.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use driehoek_domain::Valence;
use driehoek_domain::import::{self, CodedFile, LineError, Problems, RowProblem, WardConflict};
use driehoek_domain::themes::{MAX_LENGTH, validate_theme_key};

use crate::bulk::{ROWS_PER_INSERT, Val, insert_many};
use crate::db::{Db, StoreError, Tx, new_id, now};
use crate::{in_tx, tallies, themes};

/// The name of the network an import creates in an empty database.
pub const DEFAULT_NETWORK: &str = "Import";

/// Why an import did not happen. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Problems in the file, each with its line.
    #[error("{0}")]
    Invalid(Problems),
    #[error("cannot read the file: {0}")]
    Read(#[from] std::io::Error),
    /// The network to import into is not clear.
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl ImportError {
    fn at(line: u64, problem: RowProblem) -> ImportError {
        let mut problems = Problems::default();
        problems.push(LineError { line, problem });
        ImportError::Invalid(problems)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub network: String,
    pub network_created: bool,
    /// Fragments written (one per row).
    pub rows: usize,
    pub organisations: usize,
    pub locations: usize,
    pub wards: usize,
    pub rounds: usize,
    pub triads: usize,
    pub conversations: usize,
    /// Links between fragments and themes written.
    pub fragment_themes: usize,
    /// Key of the theme set made for theme names the rounds' sets do not know, if any.
    pub theme_set: Option<String>,
    /// The names in that set.
    pub new_themes: Vec<String>,
}

/// Reads and checks a whole CSV file. The delimiter is `;` when the header line uses it (Dutch
/// Excel), `,` otherwise; a UTF-8 byte order mark is accepted. Every bad row is reported (the
/// first [`Problems::SHOWN`] in full) with its line number; the header is line 1.
pub fn read_csv<R: Read>(reader: R) -> Result<CodedFile, ImportError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let head = reader.fill_buf()?;
    let header_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let delimiter = import::detect_delimiter(&head[..header_end]);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut file = CodedFile::default();
    let mut problems = Problems::default();
    let mut header_seen = false;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(ImportError::Read(std::io::Error::other(e.to_string())));
                }
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(LineError {
                    line,
                    problem: RowProblem::Csv(e.to_string()),
                });
                continue;
            }
        }
        let line = record.position().map_or(0, csv::Position::line);
        let fields = match utf8_fields(&record) {
            Ok(fields) => fields,
            Err(problem) if !header_seen => return Err(ImportError::at(line, problem)),
            Err(problem) => {
                problems.push(LineError { line, problem });
                continue;
            }
        };
        if !header_seen {
            header_seen = true;
            // Without the right header no row can be read as meant: stop at once.
            import::check_header(fields.iter().copied())
                .map_err(|problem| ImportError::at(line, problem))?;
            continue;
        }
        if let Err(e) = file.add_row(line, &fields) {
            problems.push(e);
        }
    }
    if !header_seen {
        return Err(ImportError::at(1, RowProblem::EmptyFile));
    }
    if !problems.is_empty() {
        return Err(ImportError::Invalid(problems));
    }
    if file.rows() == 0 {
        return Err(ImportError::at(2, RowProblem::NoRows));
    }
    Ok(file)
}

fn utf8_fields(record: &csv::ByteRecord) -> Result<Vec<&str>, RowProblem> {
    record
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            std::str::from_utf8(bytes).map_err(|_| RowProblem::NotUtf8 {
                column: import::HEADER.get(i).copied().unwrap_or("a field"),
            })
        })
        .collect()
}

/// Finds or creates the network to import into: the one named `name` (created when it does not
/// exist yet); without a name the only network, or a new one named [`DEFAULT_NETWORK`] in an
/// empty database.
async fn resolve_network(
    tx: &mut Tx,
    name: Option<&str>,
    stamp: &str,
) -> Result<(String, String, bool), ImportError> {
    let networks: Vec<(String, String)> = in_tx!(&mut *tx, |c| sqlx::query_as(
        "SELECT id, name FROM networks ORDER BY name"
    )
    .fetch_all(c)
    .await)
    .map_err(StoreError::from)?;
    let create = match (name, networks.as_slice()) {
        (Some(name), _) => match networks.iter().find(|(_, n)| n == name) {
            Some((id, n)) => return Ok((id.clone(), n.clone(), false)),
            None => name,
        },
        (None, []) => DEFAULT_NETWORK,
        (None, [(id, n)]) => return Ok((id.clone(), n.clone(), false)),
        (None, _) => {
            let names = networks
                .iter()
                .map(|(_, n)| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ImportError::Network(format!(
                "the database has {} networks ({names}); choose one with --network NAME",
                networks.len()
            )));
        }
    };
    let create = driehoek_domain::validate::name("network", create).map_err(|_| {
        ImportError::Network(format!(
            "--network \"{create}\": not a usable name (1 to 120 characters, no control characters)"
        ))
    })?;
    let id = new_id();
    in_tx!(&mut *tx, |c| sqlx::query(
        "INSERT INTO networks (id, name, description, min_group_size, created_at) VALUES ($1, $2, '', 5, $3)"
    )
    .bind(&id)
    .bind(&create)
    .bind(stamp)
    .execute(c)
    .await
    .map(|_| ()))
    .map_err(StoreError::from)?;
    Ok((id, create, true))
}

/// Ids for the file's nodes under already-resolved parents: existing ones by exact name, new
/// ones made up. Returns the ids and the indices of the new nodes.
fn resolve_children(
    nodes: &[import::Node],
    parent_ids: &[String],
    existing: &HashMap<(String, String), String>,
) -> (Vec<String>, Vec<usize>) {
    let mut ids = Vec::with_capacity(nodes.len());
    let mut new = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let key = (parent_ids[node.parent].clone(), node.name.clone());
        if let Some(id) = existing.get(&key) {
            ids.push(id.clone());
        } else {
            ids.push(new_id());
            new.push(i);
        }
    }
    (ids, new)
}

/// A theme key made from a name: lower-case a-z, digits and underscores.
fn slug(name: &str) -> String {
    let mut key = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key: String = key
        .trim_end_matches('_')
        .chars()
        .take(MAX_LENGTH - 4)
        .collect();
    if key.is_empty() {
        "theme".to_owned()
    } else {
        key
    }
}

/// The key of the theme set for this import: `import_<yyyymmdd>_<n>`, n one more than the
/// highest of that day.
async fn next_import_set_key(tx: &mut Tx, date: &str) -> Result<String, StoreError> {
    let prefix = format!("import_{}_", date.replace('-', ""));
    let keys: Vec<String> = in_tx!(&mut *tx, |c| sqlx::query_scalar(
        "SELECT key FROM theme_sets WHERE key LIKE $1"
    )
    .bind(format!("{prefix}%"))
    .fetch_all(c)
    .await)?;
    let highest = keys
        .iter()
        .filter_map(|k| k.strip_prefix(&prefix)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{}", highest + 1))
}

/// Writes a checked file into the database in one transaction. `network` names the network
/// (created when it does not exist yet); without it the only network is used, or one named
/// [`DEFAULT_NETWORK`] is created in an empty database.
/// `file_name` names the theme set made for unknown theme names ("Import <file_name>").
pub async fn import(
    db: &Db,
    file: &CodedFile,
    network: Option<&str>,
    file_name: &str,
) -> Result<ImportReport, ImportError> {
    let default_set = themes::ensure_builtin(db).await?;
    let stamp = now();
    let today = &stamp[..10];
    let mut tx = db.begin().await?;
    // A million fragments are counted here, not row by row by the triggers.
    let paused = tallies::pause(&mut tx).await?;
    let (network_id, network_name, network_created) =
        resolve_network(&mut tx, network, &stamp).await?;
    let mut report = ImportReport {
        network: network_name,
        network_created,
        rows: file.rows(),
        ..ImportReport::default()
    };

    // Organisations by name within the network.
    let existing: HashMap<String, String> = in_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT name, id FROM organisations WHERE network_id = $1"
    )
    .bind(&network_id)
    .fetch_all(c)
    .await)
    .map_err(StoreError::from)?
    .into_iter()
    .collect();
    let mut org_ids = Vec::with_capacity(file.organisations.len());
    let mut new_orgs = Vec::new();
    for (i, name) in file.organisations.iter().enumerate() {
        if let Some(id) = existing.get(name) {
            org_ids.push(id.clone());
        } else {
            org_ids.push(new_id());
            new_orgs.push(i);
        }
    }
    insert_many(
        &mut tx,
        "INSERT INTO organisations (id, network_id, name, created_at)",
        &new_orgs,
        |&i| {
            [
                Val::Text(&org_ids[i]),
                Val::Text(&network_id),
                Val::Text(&file.organisations[i]),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.organisations = new_orgs.len();

    // Locations within their organisation, wards within their location.
    let existing_locations: Vec<(String, String, String)> = in_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT l.organisation_id, l.name, l.id FROM locations l JOIN organisations o ON o.id = l.organisation_id WHERE o.network_id = $1"
    )
    .bind(&network_id)
    .fetch_all(c)
    .await)
    .map_err(StoreError::from)?;
    let location_names: HashMap<String, String> = existing_locations
        .iter()
        .map(|(_, n, id)| (id.clone(), n.clone()))
        .collect();
    let existing: HashMap<(String, String), String> = existing_locations
        .into_iter()
        .map(|(p, n, id)| ((p, n), id))
        .collect();
    let (location_ids, new_locations) = resolve_children(&file.locations, &org_ids, &existing);
    insert_many(
        &mut tx,
        "INSERT INTO locations (id, organisation_id, name, created_at)",
        &new_locations,
        |&i| {
            let l = &file.locations[i];
            [
                Val::Text(&location_ids[i]),
                Val::Text(&org_ids[l.parent]),
                Val::Text(&l.name),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.locations = new_locations.len();

    let existing_wards: Vec<(String, String, String)> = in_tx!(&mut tx, |c| {
        sqlx::query_as(
        "SELECT w.location_id, w.name, w.id FROM wards w JOIN locations l ON l.id = w.location_id
         JOIN organisations o ON o.id = l.organisation_id WHERE o.network_id = $1"
    )
    .bind(&network_id)
    .fetch_all(c)
    .await
    })
    .map_err(StoreError::from)?;
    // For messages about a triad that exists on another ward: ward id → (ward, location) names.
    let ward_names: HashMap<String, (String, String)> = existing_wards
        .iter()
        .map(|(l, n, id)| {
            (
                id.clone(),
                (
                    n.clone(),
                    location_names.get(l).cloned().unwrap_or_default(),
                ),
            )
        })
        .collect();
    let existing: HashMap<(String, String), String> = existing_wards
        .into_iter()
        .map(|(p, n, id)| ((p, n), id))
        .collect();
    let (ward_ids, new_wards) = resolve_children(&file.wards, &location_ids, &existing);
    insert_many(
        &mut tx,
        "INSERT INTO wards (id, location_id, name, created_at)",
        &new_wards,
        |&i| {
            let w = &file.wards[i];
            [
                Val::Text(&ward_ids[i]),
                Val::Text(&location_ids[w.parent]),
                Val::Text(&w.name),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.wards = new_wards.len();

    // Rounds within their organisation; a new round is closed, starts today and uses the default
    // theme set.
    let existing_rounds: Vec<(String, String, String, String)> = in_tx!(&mut tx, |c| sqlx::query_as(
        "SELECT r.organisation_id, r.name, r.id, r.theme_set_id FROM rounds r JOIN organisations o ON o.id = r.organisation_id
         WHERE o.network_id = $1"
    )
    .bind(&network_id)
    .fetch_all(c)
    .await)
    .map_err(StoreError::from)?;
    let round_sets: HashMap<String, String> = existing_rounds
        .iter()
        .map(|(_, _, id, set)| (id.clone(), set.clone()))
        .collect();
    let existing: HashMap<(String, String), String> = existing_rounds
        .into_iter()
        .map(|(p, n, id, _)| ((p, n), id))
        .collect();
    let (round_ids, new_rounds) = resolve_children(&file.rounds, &org_ids, &existing);
    insert_many(
        &mut tx,
        "INSERT INTO rounds (id, organisation_id, name, period_start, period_end, status, theme_set_id, created_at)",
        &new_rounds,
        |&i| {
            let r = &file.rounds[i];
            [
                Val::Text(&round_ids[i]),
                Val::Text(&org_ids[r.parent]),
                Val::Text(&r.name),
                Val::Text(today),
                Val::Text(today),
                Val::Text("closed"),
                Val::Text(&default_set),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.rounds = new_rounds.len();
    let round_set_of: Vec<&str> = round_ids
        .iter()
        .map(|id| {
            round_sets
                .get(id)
                .map_or(default_set.as_str(), String::as_str)
        })
        .collect();

    // Triads by code within their round; an existing triad must be on the same ward.
    let existing_triads: Vec<(String, String, String, String)> = if new_rounds.len()
        == round_ids.len()
    {
        Vec::new()
    } else {
        in_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT t.round_id, t.code, t.id, t.ward_id FROM triads t JOIN rounds r ON r.id = t.round_id
             JOIN organisations o ON o.id = r.organisation_id WHERE o.network_id = $1"
        )
        .bind(&network_id)
        .fetch_all(c)
        .await)
        .map_err(StoreError::from)?
    };
    let existing: HashMap<(&str, &str), (&str, &str)> = existing_triads
        .iter()
        .map(|(r, code, id, ward)| ((r.as_str(), code.as_str()), (id.as_str(), ward.as_str())))
        .collect();
    let mut triad_ids = Vec::with_capacity(file.triads.len());
    let mut new_triads = Vec::new();
    let mut old_triads = HashSet::new();
    for (i, t) in file.triads.iter().enumerate() {
        if let Some(&(id, ward)) = existing.get(&(round_ids[t.round].as_str(), t.code.as_str())) {
            if ward != ward_ids[t.ward] {
                let (ward, location) = ward_names.get(ward).cloned().unwrap_or_default();
                let w = &file.wards[t.ward];
                return Err(ImportError::at(
                    t.line,
                    RowProblem::TriadExists(Box::new(WardConflict {
                        triad: t.code.clone(),
                        round: file.rounds[t.round].name.clone(),
                        ward,
                        location,
                        other_ward: w.name.clone(),
                        other_location: file.locations[w.parent].name.clone(),
                    })),
                ));
            }
            triad_ids.push(id.to_owned());
            old_triads.insert(id);
        } else {
            triad_ids.push(new_id());
            new_triads.push(i);
        }
    }
    let mut resident_takes_part = vec![false; file.triads.len()];
    for c in &file.conversations {
        if c.role == driehoek_domain::Perspective::Resident {
            resident_takes_part[c.triad] = true;
        }
    }
    insert_many(
        &mut tx,
        "INSERT INTO triads (id, round_id, ward_id, code, resident_takes_part, created_at)",
        &new_triads,
        |&i| {
            let t = &file.triads[i];
            [
                Val::Text(&triad_ids[i]),
                Val::Text(&round_ids[t.round]),
                Val::Text(&ward_ids[t.ward]),
                Val::Text(&t.code),
                Val::Bool(resident_takes_part[i]),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.triads = new_triads.len();

    // Conversations: one per triad and role. Fragments of an existing one go after its last.
    let existing_conversations: Vec<(String, String, String, Option<i64>)> = if old_triads
        .is_empty()
    {
        Vec::new()
    } else {
        in_tx!(&mut tx, |c| sqlx::query_as(
            "SELECT c.triad_id, c.perspective, c.id, (SELECT MAX(f.position) FROM fragments f WHERE f.conversation_id = c.id)
             FROM conversations c JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
             JOIN organisations o ON o.id = r.organisation_id WHERE o.network_id = $1"
        )
        .bind(&network_id)
        .fetch_all(c)
        .await)
        .map_err(StoreError::from)?
    };
    let existing: HashMap<(&str, &str), (&str, Option<i64>)> = existing_conversations
        .iter()
        .filter(|(t, ..)| old_triads.contains(t.as_str()))
        .map(|(t, p, id, max)| ((t.as_str(), p.as_str()), (id.as_str(), *max)))
        .collect();
    // Shared: every fragment row binds its conversation's id (see [`Val::Shared`]).
    let mut conversation_ids: Vec<Arc<str>> = Vec::with_capacity(file.conversations.len());
    let mut next_position = Vec::with_capacity(file.conversations.len());
    let mut new_conversations = Vec::new();
    for (i, c) in file.conversations.iter().enumerate() {
        if let Some(&(id, max)) = existing.get(&(triad_ids[c.triad].as_str(), c.role.key())) {
            conversation_ids.push(Arc::from(id));
            next_position.push(max.map_or(0, |m| m + 1));
        } else {
            conversation_ids.push(Arc::from(new_id()));
            next_position.push(0);
            new_conversations.push(i);
        }
    }
    insert_many(
        &mut tx,
        "INSERT INTO conversations (id, triad_id, perspective, status, created_at)",
        &new_conversations,
        |&i| {
            let c = &file.conversations[i];
            [
                Val::Shared(&conversation_ids[i]),
                Val::Text(&triad_ids[c.triad]),
                Val::Text(c.role.key()),
                Val::Text("coded"),
                Val::Text(&stamp),
            ]
        },
    )
    .await?;
    report.conversations = new_conversations.len();

    // Themes: each name is looked up (case-insensitively, by key, Dutch or English name) in the
    // theme set of the fragment's round; names a set does not know go into one new theme set.
    let mut set_lookup: HashMap<&str, HashMap<String, String>> = HashMap::new();
    for set in round_set_of.iter().copied() {
        if set_lookup.contains_key(set) || file.themes.is_empty() {
            continue;
        }
        let rows: Vec<(String, String, String, String)> = in_tx!(&mut tx, |c| {
            sqlx::query_as(
            "SELECT id, key, name_nl, name_en FROM themes WHERE theme_set_id = $1 ORDER BY position"
        )
        .bind(set)
        .fetch_all(c)
        .await
        })
        .map_err(StoreError::from)?;
        let mut lookup = HashMap::new();
        // Keys win over Dutch names, Dutch names over English ones.
        for column in 0..3 {
            for (id, key, nl, en) in &rows {
                let name = [key, nl, en][column];
                lookup
                    .entry(import::theme_match_key(name))
                    .or_insert_with(|| id.clone());
            }
        }
        set_lookup.insert(set, lookup);
    }
    let match_keys: Vec<String> = file
        .themes
        .iter()
        .map(|t| import::theme_match_key(t))
        .collect();
    // (set, theme index) → theme id, filled as fragments need it.
    let mut resolved: HashMap<(&str, u32), Arc<str>> = HashMap::new();
    let mut import_themes: Vec<(String, String, String)> = Vec::new(); // (id, key, name)
    let mut import_theme_of: HashMap<u32, String> = HashMap::new();
    let mut used_keys: HashSet<String> = HashSet::new();
    for f in &file.fragments {
        let set =
            round_set_of[file.triads[file.conversations[f.conversation as usize].triad].round];
        for &t in &file.fragment_themes[f.themes.start as usize..f.themes.end as usize] {
            if resolved.contains_key(&(set, t)) {
                continue;
            }
            let id = if let Some(id) = set_lookup
                .get(set)
                .and_then(|l| l.get(&match_keys[t as usize]))
            {
                id.clone()
            } else {
                import_theme_of
                    .entry(t)
                    .or_insert_with(|| {
                        let name = file.themes[t as usize].clone();
                        let base = slug(&name);
                        let mut key = base.clone();
                        let mut n = 1;
                        while !used_keys.insert(key.clone()) {
                            n += 1;
                            key = format!("{base}_{n}");
                        }
                        debug_assert!(validate_theme_key(&key).is_ok(), "{key}");
                        let id = new_id();
                        import_themes.push((id.clone(), key, name));
                        id
                    })
                    .clone()
            };
            resolved.insert((set, t), Arc::from(id));
        }
    }
    if !import_themes.is_empty() {
        let set_id = new_id();
        let key = next_import_set_key(&mut tx, today).await?;
        let set_name = format!("Import {file_name}");
        in_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO theme_sets (id, network_id, key, version, name_nl, name_en, created_at) VALUES ($1, $2, $3, 1, $4, $4, $5)"
        )
        .bind(&set_id)
        .bind(&network_id)
        .bind(&key)
        .bind(&set_name)
        .bind(&stamp)
        .execute(c)
        .await
        .map(|_| ()))
        .map_err(StoreError::from)?;
        let positioned: Vec<(usize, &(String, String, String))> =
            import_themes.iter().enumerate().collect();
        insert_many(
            &mut tx,
            "INSERT INTO themes (id, theme_set_id, key, name_nl, name_en, position)",
            &positioned,
            |(pos, (id, key, name))| {
                [
                    Val::Text(id),
                    Val::Text(&set_id),
                    Val::Text(key),
                    Val::Text(name),
                    Val::Text(name),
                    Val::Int(*pos as i64),
                ]
            },
        )
        .await?;
        report.theme_set = Some(key);
        report.new_themes = import_themes
            .iter()
            .map(|(_, _, name)| name.clone())
            .collect();
    }

    // Fragments in file order, positions continuing per conversation, and their themes. One
    // side makes the rows of a chunk while the other writes the previous one: SQLite executes on
    // its own thread, so making the rows (ids, positions, theme links, tallies) costs no time
    // beside it. Both run on this task (joined), so they may borrow the file.
    let (to_writer, mut chunks) = tokio::sync::mpsc::channel::<Chunk>(2);
    // Texts written once per row are shared, not copied for every bind.
    let shared_stamp: Arc<str> = Arc::from(stamp.as_str());
    let participant: Arc<str> = Arc::from("participant");
    let make = async {
        let mut inserted = tallies::Inserted::default();
        // Theme links wait here until a full statement's worth is complete.
        let mut links: Vec<(Arc<str>, &Arc<str>)> = Vec::with_capacity(3 * ROWS_PER_INSERT);
        let mut batches = file.fragments.chunks(ROWS_PER_INSERT).peekable();
        while let Some(batch) = batches.next() {
            let mut rows = Vec::with_capacity(batch.len());
            for f in batch {
                let conversation = f.conversation as usize;
                let position = next_position[conversation];
                next_position[conversation] += 1;
                let id: Arc<str> = Arc::from(new_id());
                let set = round_set_of[file.triads[file.conversations[conversation].triad].round];
                // Two names may be one theme: "safety" and "Veiligheid" in the default set.
                let first = links.len();
                for &t in &file.fragment_themes[f.themes.start as usize..f.themes.end as usize] {
                    let theme = &resolved[&(set, t)];
                    if !links[first..].iter().any(|(_, known)| *known == theme) {
                        links.push((Arc::clone(&id), theme));
                    }
                }
                let themes: Vec<&str> = links[first..].iter().map(|(_, t)| &***t).collect();
                inserted.fragment(&conversation_ids[conversation], f.valence, &themes);
                rows.push((id, conversation, position, f));
            }
            let complete = if batches.peek().is_some() {
                links.len() - links.len() % ROWS_PER_INSERT
            } else {
                links.len()
            };
            let links = links.drain(..complete).collect();
            if to_writer.send(Chunk { rows, links }).await.is_err() {
                break; // the writer stopped at an error, which it returns
            }
        }
        drop(to_writer);
        inserted
    };
    let write = async {
        let mut linked = 0;
        while let Some(chunk) = chunks.recv().await {
            // As in coding, "none" is stored as no valence; coded_at marks the fragment coded.
            insert_many(
                &mut tx,
                "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence, coded_at)",
                &chunk.rows,
                |(id, c, pos, f)| {
                    [
                        Val::Shared(id),
                        Val::Shared(&conversation_ids[*c]),
                        Val::Int(*pos),
                        Val::Shared(&participant),
                        Val::Text(&f.text),
                        Val::OptText((f.valence != Valence::None).then(|| f.valence.key())),
                        Val::Shared(&shared_stamp),
                    ]
                },
            )
            .await?;
            insert_many(
                &mut tx,
                "INSERT INTO fragment_themes (fragment_id, theme_id)",
                &chunk.links,
                |(f, t)| [Val::Shared(f), Val::Shared(t)],
            )
            .await?;
            linked += chunk.links.len();
        }
        Ok::<usize, StoreError>(linked)
    };
    let (inserted, linked) = tokio::join!(make, write);
    report.fragment_themes = linked?;
    tallies::resume(&mut tx, paused, &inserted).await?;
    tx.commit().await?;
    Ok(report)
}

/// The rows of one chunk of fragments, (id, conversation index, position, fragment), and the
/// theme links (fragment id, theme id) ready to be written after them.
struct Chunk<'a> {
    rows: Vec<(Arc<str>, usize, i64, &'a import::Fragment)>,
    links: Vec<(Arc<str>, &'a Arc<str>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_theme_keys() {
        assert_eq!(slug("Nieuw thema"), "nieuw_thema");
        assert_eq!(slug("  Café & Bar!! "), "caf_bar");
        assert_eq!(slug("!!!"), "theme");
        for name in ["Nieuw thema", "É", "x".repeat(200).as_str(), "a--b"] {
            assert!(validate_theme_key(&slug(name)).is_ok(), "{name}");
        }
    }
}
