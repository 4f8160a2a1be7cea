//! `kaoping collect` as an office runs it: the built binary started on a free loopback port
//! with a fresh database, records posted over plain HTTP/1.1 (a few lines of client below, so
//! that the tests need no HTTP library), read back as the office, exported for `kaoping
//! aggregate`, backed up, restarted. The main cases run against PostgreSQL too, in a cluster
//! of their own (`service::pg`), when it is installed.

use kaoping_core::record::{record_checksum, ResponseRecord};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod http;
mod service;
use http::request;
use service::pg::Cluster;
use service::{kaoping, temp_dir, Service};

const PORTAL: &str = "https://portal.example";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trust")
}

/// Records made by `kaoping demo inputs`: all public ones, all expert sheets and some cadre
/// appraisals, as JSON texts.
fn demo_records(dir: &Path) -> Vec<String> {
    let (ok, out, err) = kaoping(&["demo", "inputs", "--n", "8", "--seed", "5"]);
    assert!(ok, "{err}");
    let inputs: Value = serde_json::from_str(&out).unwrap();
    let all = inputs["records"].as_array().unwrap();
    let mut picked = Vec::new();
    for (ins, n) in [("public", 8), ("expert", 15), ("cadre", 12)] {
        let of: Vec<&Value> = all.iter().filter(|r| r["instrument"] == ins).collect();
        assert!(of.len() >= n, "{ins}: {}", of.len());
        picked.extend(of[..n].iter().map(|r| r.to_string()));
    }
    let (ok, plan, err) = kaoping(&["demo", "plan"]);
    assert!(ok, "{err}");
    std::fs::write(dir.join("plan.json"), plan).unwrap();
    picked
}

fn record(text: &str) -> ResponseRecord {
    serde_json::from_str(text).unwrap()
}

/// `rec` changed by `f` and sealed again (its checksum recomputed).
fn resealed(text: &str, f: impl FnOnce(&mut ResponseRecord)) -> String {
    let mut r = record(text);
    f(&mut r);
    r.checksum = record_checksum(&r);
    serde_json::to_string(&r).unwrap()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.is_empty()).collect()
}

fn token(dir: &Path) -> (String, PathBuf) {
    let out = dir.join("office.token");
    let (ok, _, err) = kaoping(&["collect", "token", "--out", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    let secret = std::fs::read_to_string(&out).unwrap().trim().to_owned();
    (secret, dir.join("office.token.hash"))
}

#[test]
fn records_are_checked_kept_once_and_read_back_by_the_office() {
    let dir = temp_dir("main");
    checked_kept_once_and_read_back(&dir, &dir.join("records.sqlite"));
}

#[test]
fn records_are_checked_kept_once_and_read_back_by_the_office_postgres() {
    let Some(pg) = Cluster::start("main") else {
        return;
    };
    let url = pg.database("records");
    checked_kept_once_and_read_back(&temp_dir("main-pg"), Path::new(&url));
}

fn is_url(db: &Path) -> bool {
    db.to_str().is_some_and(|d| d.starts_with("postgres://"))
}

fn checked_kept_once_and_read_back(dir: &Path, db: &Path) {
    let dir = dir.to_owned();
    let records = demo_records(&dir);
    let (secret, hash) = token(&dir);
    let db = db.to_owned();
    let svc = Service::start(
        &dir.join("plan.json"),
        &db,
        &["--origin", PORTAL, "--token-file", hash.to_str().unwrap()],
    );
    for r in &records {
        let key = record(r).checksum;
        let reply = svc.post(r.as_bytes(), &[("Idempotency-Key", &key)]);
        assert_eq!(reply.status, 201, "{}", reply.text());
        assert_eq!(reply.json(), serde_json::json!({"ok": true}));
    }
    // The same record again, by checksum and by key: 200, kept once.
    let again = svc.post(records[0].as_bytes(), &[]);
    assert_eq!(
        (again.status, again.json()["repeat"].as_bool()),
        (200, Some(true))
    );
    let pretty = serde_json::to_string_pretty(&record(&records[1])).unwrap();
    assert_eq!(
        svc.post(pretty.as_bytes(), &[]).status,
        200,
        "the same record laid out otherwise"
    );
    // Tampered: an answer changed, the checksum left.
    let mut v: Value = serde_json::from_str(&records[0]).unwrap();
    v["answers"]["overall"] = Value::from(1);
    v["respondent_id"] = Value::from("P-tampered");
    let r = svc.post(v.to_string().as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (422, "checksum_mismatch"));
    // Sealed for another plan; the same respondent id sent again with other answers.
    let other = resealed(&records[0], |r| r.plan_id = "another-city".into());
    let r = svc.post(other.as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (422, "another_plan"));
    let dup = resealed(&records[0], |r| {
        r.submitted_at = "2025-12-01T00:09:00.000Z".into()
    });
    let r = svc.post(dup.as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (409, "duplicate_response"));
    // Not JSON; not one record.
    let r = svc.post(b"{\"format\": ", &[]);
    assert_eq!((r.status, r.code().as_str()), (400, "json_syntax"));
    let r = svc.post(format!("[{}]", records[2]).as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (400, "not_a_record"));
    // Over the size limit: refused on its declared length, before the body is sent.
    let r = request(
        svc.port,
        "POST",
        "/api/responses",
        &[("Content-Length", "3000000")],
        None,
    );
    assert_eq!((r.status, r.code().as_str()), (413, "too_large"));
    // Origins: the portal's preflight and POST pass with CORS headers; a foreign one is 403.
    let pre = request(
        svc.port,
        "OPTIONS",
        "/api/responses",
        &[
            ("Origin", PORTAL),
            ("Access-Control-Request-Method", "POST"),
        ],
        None,
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some(PORTAL));
    let r = svc.post(records[0].as_bytes(), &[("Origin", PORTAL)]);
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (200, Some(PORTAL))
    );
    let foreign = [("Origin", "https://elsewhere.example")];
    let r = svc.post(records[3].as_bytes(), &foreign);
    assert_eq!((r.status, r.code().as_str()), (403, "origin_not_allowed"));
    assert!(r.header("access-control-allow-origin").is_none());
    let r = request(svc.port, "OPTIONS", "/api/responses", &foreign, None);
    assert_eq!(r.status, 403);
    // Same origin (the page served from the collector's own host) passes.
    let own = format!("http://127.0.0.1:{}", svc.port);
    assert_eq!(
        svc.post(records[3].as_bytes(), &[("Origin", &own)]).status,
        200
    );

    read_back(&svc, &records, &secret);
    export_and_backup(&dir, &db, &records);
    let (ok, err) = svc.stop();
    assert!(
        ok && err.contains("collector stopped (35 records held)"),
        "{err}"
    );
}

/// The office reads: no token, a wrong token (401); all records in arrival order, by pages
/// with the cursor, and of one instrument.
fn read_back(svc: &Service, records: &[String], secret: &str) {
    let r = svc.get("/api/records", &[]);
    assert_eq!((r.status, r.code().as_str()), (401, "unauthorized"));
    let r = svc.get("/api/records", &[("Authorization", "Bearer not-the-token")]);
    assert_eq!(r.status, 401);
    let auth = format!("Bearer {secret}");
    let auth = [("Authorization", auth.as_str())];
    let all = svc.get("/api/records", &auth);
    assert_eq!(all.status, 200, "{}", all.text());
    let text = all.text();
    let got = lines(&text);
    assert_eq!(got, records.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(all.header("kaoping-count"), Some("35"));
    assert_eq!(all.header("kaoping-next-since"), Some("35"));
    assert_eq!(all.header("kaoping-more"), Some("0"));
    // Pages of 10 from the cursor: each record once, in order.
    let (mut since, mut paged) = (0i64, Vec::new());
    loop {
        let r = svc.get(&format!("/api/records?since={since}&limit=10"), &auth);
        assert_eq!(r.status, 200);
        paged.extend(lines(&r.text()).into_iter().map(str::to_owned));
        since = r.header("kaoping-next-since").unwrap().parse().unwrap();
        if r.header("kaoping-more") == Some("0") {
            break;
        }
    }
    assert_eq!(paged, records);
    let experts = svc.get("/api/records?instrument=expert", &auth);
    let experts = experts.text();
    assert_eq!(
        lines(&experts),
        records[8..23]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let r = svc.get("/api/records?since=yesterday", &auth);
    assert_eq!((r.status, r.code().as_str()), (400, "bad_since"));
}

/// `kaoping collect export` gives `kaoping aggregate` the counts and ranking of the original
/// records; `kaoping collect backup` copies every record.
fn export_and_backup(dir: &Path, db: &Path, records: &[String]) {
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let export = dir.join("export");
    let (ok, out, err) = kaoping(&["collect", "export", "--db", &s(db), "--out", &s(&export)]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 3, "{out}");
    let original = dir.join("original.jsonl");
    std::fs::write(&original, records.join("\n") + "\n").unwrap();
    let plan = s(&dir.join("plan.json"));
    let aggregate = |inputs: Vec<String>, out: &str| -> Value {
        let out = dir.join(out);
        let args = [
            vec!["aggregate".into(), "--plan".into(), plan.clone()],
            inputs,
        ]
        .concat()
        .into_iter()
        .chain(["--out".into(), s(&out)])
        .collect::<Vec<String>>();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, _, err) = kaoping(&args);
        assert!(ok, "{err}");
        let m: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        let ranking = std::fs::read_to_string(out.join("ranking.csv")).unwrap();
        serde_json::json!({"counts": m["counts"], "ranking": ranking})
    };
    let exported: Vec<String> = ["cadre", "expert", "public"]
        .iter()
        .map(|i| s(&export.join(format!("{i}.jsonl"))))
        .collect();
    let from_export = aggregate(exported, "agg-export");
    let from_original = aggregate(vec![s(&original)], "agg-original");
    assert_eq!(from_export["counts"]["accepted"], 35);
    assert_eq!(from_export, from_original);
    if is_url(db) {
        // PostgreSQL is backed up with its own tools.
        let (ok, _, err) = kaoping(&["collect", "backup", "--db", &s(db), "--out", "copy"]);
        assert!(!ok && err.contains("pg_dump"), "{err}");
        return;
    }
    let copy = dir.join("copy.sqlite");
    let (ok, out, err) = kaoping(&["collect", "backup", "--db", &s(db), "--out", &s(&copy)]);
    assert!(ok && out.contains("35 records"), "{out} {err}");
    let (ok, _, err) = kaoping(&["collect", "backup", "--db", &s(db), "--out", &s(&copy)]);
    assert!(!ok && err.contains("exists already"), "{err}");
    let again = dir.join("export-copy");
    let (ok, _, err) = kaoping(&["collect", "export", "--db", &s(&copy), "--out", &s(&again)]);
    assert!(ok, "{err}");
    for i in ["cadre", "expert", "public"] {
        let f = format!("{i}.jsonl");
        let read = |d: &Path| std::fs::read(d.join(&f)).unwrap();
        assert_eq!(read(&export), read(&again), "{f}");
    }
}

#[test]
fn a_burst_over_the_rate_is_answered_429() {
    let dir = temp_dir("rate");
    demo_records(&dir);
    let svc = Service::start(&dir.join("plan.json"), &dir.join("r.sqlite"), &[]);
    // As fast as one client can: the burst (60) passes to the checks (400: not a record), then
    // the rate (10 a second) is soon used up. Bounded, however slow the machine.
    let mut taken = 0;
    let limited = loop {
        let r = svc.post(b"{}", &[]);
        if r.status == 429 {
            break r;
        }
        assert_eq!(r.status, 400);
        taken += 1;
        assert!(taken < 600, "no 429 after {taken} requests");
    };
    assert!(taken >= 60, "the burst is taken first: {taken}");
    assert_eq!(limited.code(), "too_many_requests");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    // Only posts are limited: the service still answers the same client otherwise.
    let r = svc.get("/api/health", &[]);
    assert_eq!((r.status, r.json()["ok"].as_bool()), (200, Some(true)));
}

#[test]
fn signed_sheets_are_all_kept_and_a_code_counts_once() {
    let dir = temp_dir("trust");
    signed_sheets_and_codes(&dir, &dir.join("r.sqlite"));
}

#[test]
fn signed_sheets_are_all_kept_and_a_code_counts_once_postgres() {
    let Some(pg) = Cluster::start("trust") else {
        return;
    };
    let url = pg.database("records");
    signed_sheets_and_codes(&temp_dir("trust-pg"), Path::new(&url));
}

fn signed_sheets_and_codes(dir: &Path, db: &Path) {
    let plan = fixtures().join("plan.json");
    let read = |name: &str| std::fs::read_to_string(fixtures().join(name)).unwrap();
    // The plan's cadre appraisal takes codes: without their batch the service does not start.
    let (ok, _, err) = kaoping(&[
        "collect",
        "--plan",
        plan.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("--codes"), "{err}");
    let batch = fixtures().join("codes-2025-12.json");
    let svc = Service::start(&plan, db, &["--codes", batch.to_str().unwrap()]);
    for line in lines(&read("experts.jsonl")) {
        assert_eq!(svc.post(line.as_bytes(), &[]).status, 201);
    }
    // E01's correction under the same token supersedes its first sheet: both kept.
    assert_eq!(
        svc.post(read("expert-correction.json").as_bytes(), &[])
            .status,
        201
    );
    let r = svc.post(read("expert-forged.json").as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (422, "bad_signature"));
    let r = svc.post(read("expert-unsigned.json").as_bytes(), &[]);
    assert_eq!((r.status, r.code().as_str()), (422, "unsigned"));
    let cadre = read("cadre.jsonl");
    let want = [
        (201, None),
        (201, None),
        (409, Some("code_reused")),
        (422, Some("code_unknown")),
        (422, Some("code_missing")),
    ];
    for (line, (status, code)) in lines(&cadre).into_iter().zip(want) {
        let r = svc.post(line.as_bytes(), &[]);
        assert_eq!(r.status, status, "{}", r.text());
        if let Some(c) = code {
            assert_eq!(r.code(), c);
        }
    }
    // The reused code again after a restart: the database, not memory, holds it.
    let (ok, err) = svc.stop();
    assert!(ok, "{err}");
    let svc = Service::start(&plan, db, &["--codes", batch.to_str().unwrap()]);
    let third = lines(&cadre)[2].to_owned();
    assert_eq!(svc.post(third.as_bytes(), &[]).status, 409);
    drop(svc);
    // Ingest then decides which sheet counts: the correction, the first one superseded.
    let export = dir.join("export");
    let (ok, _, err) = kaoping(&[
        "collect",
        "export",
        "--db",
        db.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let (ok, out, err) = kaoping(&[
        "ingest",
        "--plan",
        plan.to_str().unwrap(),
        "--codes",
        batch.to_str().unwrap(),
        "--json",
        export.join("expert.jsonl").to_str().unwrap(),
        export.join("cadre.jsonl").to_str().unwrap(),
    ]);
    assert!(ok, "{out} {err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["read"], 18);
    assert_eq!(report["accepted"], 18);
    assert_eq!(report["superseded"].as_array().unwrap().len(), 1);
}

#[test]
fn a_restart_keeps_the_records_and_what_was_seen() {
    let dir = temp_dir("restart");
    let db = dir.join("r.sqlite");
    let first = restart_keeps(&dir, &db);
    stored_fields(&db, &first);
}

#[test]
fn a_restart_keeps_the_records_and_what_was_seen_postgres() {
    let Some(pg) = Cluster::start("restart") else {
        return;
    };
    let url = pg.database("records");
    let first = restart_keeps(&temp_dir("restart-pg"), Path::new(&url));
    stored_fields_pg(&pg, &first);
    // A database with tables of something else is not taken.
    pg.database("other");
    pg.psql("other", "CREATE TABLE records (id INT)");
    let dir = temp_dir("restart-pg");
    demo_records(&dir);
    let (ok, _, err) = kaoping(&[
        "collect",
        "--plan",
        dir.join("plan.json").to_str().unwrap(),
        "--db",
        &pg.url("other"),
    ]);
    assert!(!ok && err.contains("database of something else"), "{err}");
}

/// Records and keys kept over a restart, the plan kept by the database; the first record.
fn restart_keeps(dir: &Path, db: &Path) -> String {
    let records = demo_records(dir);
    let plan = dir.join("plan.json");
    let svc = Service::start(&plan, db, &[]);
    for r in &records[..3] {
        assert_eq!(svc.post(r.as_bytes(), &[]).status, 201);
    }
    assert_eq!(
        svc.post(records[3].as_bytes(), &[("Idempotency-Key", "k-3")])
            .status,
        201
    );
    let (ok, err) = svc.stop();
    assert!(
        ok && err.contains("collector stopped (4 records held)"),
        "{err}"
    );
    let svc = Service::start(&plan, db, &[]);
    assert_eq!(svc.post(records[0].as_bytes(), &[]).status, 200);
    // The key is kept too: a record sent again under it is a repeat.
    assert_eq!(
        svc.post(records[3].as_bytes(), &[("Idempotency-Key", "k-3")])
            .status,
        200
    );
    let dup = resealed(&records[1], |r| r.lang = "en".into());
    assert_eq!(svc.post(dup.as_bytes(), &[]).status, 409);
    assert_eq!(svc.post(records[4].as_bytes(), &[]).status, 201);
    // Started without --token-file: reading is off. Other methods and addresses: 405, 404.
    let r = svc.get("/api/records", &[("Authorization", "Bearer anything")]);
    assert_eq!((r.status, r.code().as_str()), (403, "reading_off"));
    let r = svc.get("/api/responses", &[]);
    assert_eq!((r.status, r.code().as_str()), (405, "method_not_allowed"));
    assert_eq!(r.header("allow"), Some("POST"));
    let r = svc.get("/records.sqlite", &[]);
    assert_eq!((r.status, r.code().as_str()), (404, "not_found"));
    let (ok, err) = svc.stop();
    assert!(ok && err.contains("(5 records held)"), "{err}");
    // The database belongs to its plan.
    let mut other: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    other["id"] = Value::from("another-city");
    let other_plan = dir.join("other.json");
    std::fs::write(&other_plan, other.to_string()).unwrap();
    let (ok, _, err) = kaoping(&[
        "collect",
        "--plan",
        other_plan.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(
        !ok && err.contains("holds the records of plan wuhan-2026"),
        "{err}"
    );
    records[0].clone()
}

#[test]
fn it_listens_beyond_loopback_only_with_public() {
    let dir = temp_dir("public");
    demo_records(&dir);
    let (ok, _, err) = kaoping(&[
        "collect",
        "--plan",
        dir.join("plan.json").to_str().unwrap(),
        "--db",
        dir.join("r.sqlite").to_str().unwrap(),
        "--listen",
        "0.0.0.0:0",
    ]);
    assert!(!ok && err.contains("--public"), "{err}");
    assert!(
        !dir.join("r.sqlite").exists(),
        "nothing made before the refusal"
    );
}

/// What a row holds: the bytes as received and the fields the office filters on; no column
/// for the client's address; the database in WAL mode.
fn stored_fields(db: &Path, first: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let stmt = c.prepare("SELECT * FROM records").unwrap();
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "received_at",
            "instrument",
            "checksum",
            "plan_version",
            "plan_sha256",
            "unit",
            "respondent",
            "code_hash",
            "body"
        ]
    );
    let rec = record(first);
    let row = c
        .query_row(
            "SELECT received_at, instrument, checksum, plan_version, plan_sha256, unit, body \
             FROM records WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    [r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                ))
            },
        )
        .unwrap();
    assert!(row.0.ends_with('Z') && row.0.len() == 24, "{}", row.0);
    assert_eq!(
        row.1,
        [
            rec.instrument,
            rec.checksum,
            rec.plan_version,
            rec.plan_sha256
        ]
    );
    assert_eq!(row.2.as_deref(), rec.answers["district"].as_str());
    assert!(row.2.is_some());
    assert_eq!(row.3, first.as_bytes());
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        tables,
        ["idempotency_keys", "meta", "records", "sqlite_sequence"]
    );
}

/// The same columns in PostgreSQL, the bytes as received.
fn stored_fields_pg(pg: &Cluster, first: &str) {
    let columns = pg.psql(
        "records",
        "SELECT column_name FROM information_schema.columns \
         WHERE table_name = 'records' ORDER BY ordinal_position",
    );
    assert_eq!(
        lines(&columns),
        [
            "id",
            "received_at",
            "instrument",
            "checksum",
            "plan_version",
            "plan_sha256",
            "unit",
            "respondent",
            "code_hash",
            "body"
        ]
    );
    let rec = record(first);
    let row = pg.psql(
        "records",
        "SELECT instrument || ' ' || checksum || ' ' || encode(body, 'hex') \
         FROM records WHERE id = 1",
    );
    let hex: String = first.bytes().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        row.trim(),
        format!("{} {} {hex}", rec.instrument, rec.checksum)
    );
    let tables = pg.psql(
        "records",
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    assert_eq!(lines(&tables), ["idempotency_keys", "meta", "records"]);
}

#[test]
fn records_sent_at_once_are_answered_as_if_one_at_a_time() {
    let dir = temp_dir("race");
    sent_at_once(&dir, &dir.join("records.sqlite"));
}

#[test]
fn records_sent_at_once_are_answered_as_if_one_at_a_time_postgres() {
    let Some(pg) = Cluster::start("race") else {
        return;
    };
    let url = pg.database("records");
    sent_at_once(&temp_dir("race-pg"), Path::new(&url));
    // A record PostgreSQL refuses fails alone: its group is done again a record at a time, and
    // the others sent with it are stored. The refusal is made here by a constraint added to the
    // test's table (no record the engine accepts is refused by the schema itself: a NUL in a
    // respondent id, which PostgreSQL cannot keep as text, is refused by the engine first).
    let dir = temp_dir("race-pg-refused");
    let records = demo_records(&dir);
    let url = pg.database("refused");
    let svc = Service::start(&dir.join("plan.json"), Path::new(&url), &[]);
    pg.psql(
        "refused",
        "ALTER TABLE records ADD CONSTRAINT test_refuses CHECK (respondent IS DISTINCT FROM 'P-refused')",
    );
    let bad = resealed(&records[0], |r| r.respondent_id = "P-refused".into());
    let nul = resealed(&records[0], |r| r.respondent_id = "P\u{0}1".into());
    let mut sends: Vec<(String, String)> = vec![
        (bad.clone(), record(&bad).checksum),
        (nul.clone(), record(&nul).checksum),
    ];
    sends.extend(records[1..].iter().map(|r| (r.clone(), record(r).checksum)));
    let statuses = all_at_once(&svc, &sends);
    assert_eq!(statuses[0], 503, "the record PostgreSQL refuses");
    assert_eq!(
        statuses[1], 422,
        "a NUL in the respondent id: the engine's bad_respondent_id"
    );
    assert!(statuses[2..].iter().all(|s| *s == 201), "{statuses:?}");
    let held = pg.psql("refused", "SELECT count(*) FROM records");
    assert_eq!(held.trim(), (records.len() - 1).to_string());
}

/// Each of `sends` (a body and its `Idempotency-Key`) POSTed from its own thread, all released
/// at once so that they arrive while a commit is under way and share groups; the statuses in
/// the order of `sends`.
fn all_at_once(svc: &Service, sends: &[(String, String)]) -> Vec<u16> {
    let gate = std::sync::Barrier::new(sends.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = sends
            .iter()
            .map(|(body, key)| {
                let gate = &gate;
                s.spawn(move || {
                    gate.wait();
                    svc.post(body.as_bytes(), &[("Idempotency-Key", key)])
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// Records racing each other: copies of one record (one 201, the others 200), records of one
/// respondent (one 201, the others 409 `duplicate_response`), different records under one key
/// (one 201, the others 200), and the rest of the demo's records (201 each); what is held is
/// one record of each kind and all the rest, once each, whatever the grouping was.
fn sent_at_once(dir: &Path, db: &Path) {
    let records = demo_records(dir);
    let svc = Service::start(&dir.join("plan.json"), db, &[]);
    let mut sends: Vec<(String, String)> = Vec::new();
    let copy = &records[0];
    sends.extend((0..6).map(|_| (copy.clone(), record(copy).checksum)));
    for lang in ["zh-CN", "en", "fr", "de", "ja"] {
        let r = resealed(&records[1], |r| r.lang = lang.into());
        let key = record(&r).checksum;
        sends.push((r, key));
    }
    for r in &records[2..6] {
        sends.push((r.clone(), "one-key-for-four".into()));
    }
    sends.extend(records[6..].iter().map(|r| (r.clone(), record(r).checksum)));
    let statuses = all_at_once(&svc, &sends);
    let count = |range: std::ops::Range<usize>, status: u16| {
        statuses[range].iter().filter(|s| **s == status).count()
    };
    assert_eq!(
        (count(0..6, 201), count(0..6, 200)),
        (1, 5),
        "copies: {statuses:?}"
    );
    assert_eq!(
        (count(6..11, 201), count(6..11, 409)),
        (1, 4),
        "one respondent: {statuses:?}"
    );
    assert_eq!(
        (count(11..15, 201), count(11..15, 200)),
        (1, 3),
        "one key: {statuses:?}"
    );
    assert_eq!(
        count(15..sends.len(), 201),
        sends.len() - 15,
        "{statuses:?}"
    );
    // One of the copies, one of the respondent's, one of the key's, and records[6..].
    let held = 3 + records.len() - 6;
    let (ok, err) = svc.stop();
    assert!(ok, "{err}");
    let export = dir.join("export");
    let (ok, out, err) = kaoping(&[
        "collect",
        "export",
        "--db",
        db.to_str().unwrap(),
        "--out",
        export.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let exported: usize = std::fs::read_dir(&export)
        .unwrap()
        .map(|f| lines(&std::fs::read_to_string(f.unwrap().path()).unwrap()).len())
        .sum();
    assert_eq!(exported, held, "{out}");
}
