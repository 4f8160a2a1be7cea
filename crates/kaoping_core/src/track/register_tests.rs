use super::*;
use crate::track::register_file::{read_register, register_csv};
use crate::track::{demo_periods, InputKind, Tracker};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn demo_report(plan: &Plan, through: &str) -> TrackReport {
    let data = demo_periods(42, Some("2026-09")).unwrap();
    let mut t = Tracker::new(plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &data.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &data.projects_json);
    t.add_file(InputKind::Events, "events.json", &data.events_json);
    t.finish(Some(through)).unwrap()
}

/// A National Day week as a plan would list it (a calendar made for the test, not the State
/// Council's): 1–7 October off, Saturday 10 October worked.
fn golden_week() -> NoticeRules {
    NoticeRules {
        holidays: [
            "2026-10-01",
            "2026-10-02",
            "2026-10-05",
            "2026-10-06",
            "2026-10-07",
        ]
        .map(String::from)
        .to_vec(),
        workdays: vec!["2026-10-10".into()],
        ..NoticeRules::default()
    }
}

#[test]
fn working_days_skip_weekends_and_holidays_and_count_workdays() {
    // 2026-12-07 is a Monday.
    assert!(!is_weekend(d("2026-12-07")));
    assert!(is_weekend(d("2026-12-05")) && is_weekend(d("2026-12-06")));
    assert!(is_weekend(d("1970-01-03")) && !is_weekend(d("1970-01-01")));
    let plain = Calendar::new(&NoticeRules::default());
    // Friday + 1 working day = Monday; + 10 = two weeks later.
    assert_eq!(plain.add_working_days(d("2026-12-04"), 1), d("2026-12-07"));
    assert_eq!(plain.add_working_days(d("2026-12-07"), 10), d("2026-12-21"));
    // Issued Monday 28 September: 29, 30 Sep; 8, 9, 10 (Saturday, worked), 12–16 Oct.
    let cal = Calendar::new(&golden_week());
    assert_eq!(cal.add_working_days(d("2026-09-28"), 10), d("2026-10-16"));
    assert!(cal.is_working_day(d("2026-10-10")) && !cal.is_working_day(d("2026-10-05")));
    assert_eq!(
        cal.working_days_between(d("2026-09-28"), d("2026-10-16")),
        10
    );
    assert_eq!(
        cal.working_days_between(d("2026-10-16"), d("2026-09-28")),
        -10
    );
    assert_eq!(
        cal.working_days_between(d("2026-10-16"), d("2026-10-16")),
        0
    );
}

#[test]
fn document_numbers_follow_the_pattern() {
    assert_eq!(
        document_number("考评通〔{year}〕{seq}号", 2026, 7),
        "考评通〔2026〕7号"
    );
    assert_eq!(
        document_number("武考评预〔{year}〕{seq:3}号", 2026, 7),
        "武考评预〔2026〕007号"
    );
    assert_eq!(document_number("N-{seq:2}-{seq}", 2027, 3), "N-03-3");
    // A broken placeholder is left as written (validation requires {seq} or {seq:N}).
    assert_eq!(document_number("X{seq:", 2026, 1), "X{seq:");
}

#[test]
fn each_warned_unit_gets_one_notice_per_period_numbered_on() {
    let plan = crate::plan::demo_plan();
    let rules = NoticeRules::default();
    let aug = demo_report(&plan, "2026-08");
    let warned: Vec<&str> = plan
        .units
        .iter()
        .filter(|u| aug.warnings.iter().any(|w| w.unit == u.id))
        .map(|u| u.id.as_str())
        .collect();
    assert!(warned.len() >= 2, "the demo warns several units");
    let (entries, new) = issue_notices(&plan, &rules, Vec::new(), &aug, d("2026-09-07"));
    assert_eq!(entries.len(), warned.len());
    assert_eq!(new.len(), warned.len());
    assert_eq!(
        entries.iter().map(|e| e.unit.as_str()).collect::<Vec<_>>(),
        warned
    );
    for e in &entries {
        let ws: Vec<_> = aug.warnings.iter().filter(|w| w.unit == e.unit).collect();
        assert_eq!(e.warnings, ws.len());
        assert_eq!(e.level, ws.iter().map(|w| w.level).max().unwrap());
        assert_eq!(e.period, "2026-08");
        assert_eq!(
            e.deadline, "2026-09-21",
            "ten working days after Monday 7 September"
        );
    }
    // Numbers run per level: 1, 2, … of notices, 1, 2, … of warning notices.
    for level in [Level::Notice, Level::Warning] {
        let pattern = match level {
            Level::Notice => &rules.notice_number,
            Level::Warning => &rules.warning_number,
        };
        let got: Vec<&str> = entries
            .iter()
            .filter(|e| e.level == level)
            .map(|e| e.number.as_str())
            .collect();
        let want: Vec<String> = (1..=got.len())
            .map(|k| document_number(pattern, 2026, k))
            .collect();
        assert_eq!(got, want);
    }
    // The same month again: nothing new.
    let (again, none) = issue_notices(&plan, &rules, entries.clone(), &aug, d("2026-09-08"));
    assert_eq!((again.len(), none.len()), (entries.len(), 0));
    // The next month: numbers go on from the register's, skipping one the office took by hand.
    let sep = demo_report(&plan, "2026-09");
    let mut kept = entries.clone();
    let n = kept.iter().filter(|e| e.level == Level::Notice).count();
    let taken = document_number(&rules.notice_number, 2026, n + 1);
    kept.push(RegisterEntry {
        number: taken.clone(),
        level: Level::Warning, // filed under another level: its number is still taken
        unit: plan.units[0].id.clone(),
        period: "2026-07".into(),
        issued: "2026-08-03".into(),
        deadline: "2026-08-17".into(),
        warnings: 1,
        answered: None,
        reply: None,
        rectified: None,
    });
    let (next, issued) = issue_notices(&plan, &rules, kept.clone(), &sep, d("2026-10-09"));
    assert!(!issued.is_empty());
    assert!(!issued.contains(&taken));
    let numbers: BTreeSet<&str> = next.iter().map(|e| e.number.as_str()).collect();
    assert_eq!(numbers.len(), next.len(), "every number once");
}

#[test]
fn statuses_on_a_day() {
    let rules = golden_week();
    let entry = |n: &str, answered: Option<&str>, rectified: Option<&str>| RegisterEntry {
        number: n.into(),
        level: Level::Notice,
        unit: "jiangan".into(),
        period: "2026-08".into(),
        issued: "2026-09-28".into(),
        deadline: "2026-10-16".into(),
        warnings: 2,
        answered: answered.map(String::from),
        reply: None,
        rectified: rectified.map(String::from),
    };
    let entries = vec![
        entry("1", None, None),
        entry("2", Some("2026-10-15"), None),
        entry("3", Some("2026-10-19"), None),
        entry("4", Some("2026-10-12"), Some("2026-11-02")),
    ];
    let on = |day: &str| register_on(&rules, entries.clone(), Vec::new(), d(day));
    let before = on("2026-10-09");
    assert_eq!(before.rows[0].status, NoticeStatus::Issued);
    // 10 (Saturday, worked), 12–16 October.
    assert_eq!(before.rows[0].working_days_left, Some(6));
    assert_eq!(before.overdue, 0);
    let at = on("2026-10-16");
    assert_eq!(
        (at.rows[0].status, at.rows[0].working_days_left),
        (NoticeStatus::Issued, Some(0))
    );
    let after = on("2026-10-19");
    let statuses: Vec<_> = after.rows.iter().map(|r| (r.status, r.late)).collect();
    assert_eq!(
        statuses,
        [
            (NoticeStatus::Overdue, false),
            (NoticeStatus::Answered, false),
            (NoticeStatus::Answered, true),
            (NoticeStatus::Rectified, false),
        ]
    );
    assert_eq!(after.rows[0].working_days_left, Some(-1));
    assert_eq!(after.rows[1].working_days_left, None);
    assert_eq!(after.overdue, 1);
}

#[test]
fn the_register_file_reads_back_what_was_written() {
    let plan = crate::plan::demo_plan();
    let rules = NoticeRules::default();
    let aug = demo_report(&plan, "2026-08");
    let (mut entries, new) = issue_notices(&plan, &rules, Vec::new(), &aug, d("2026-09-07"));
    entries[0].answered = Some("2026-09-15".into());
    entries[0].reply = Some("=已制定整改方案, \"见附件\"\n第二行".into());
    entries[1].rectified = Some("2026-10-20".into());
    for lang in ["zh-CN", "en"] {
        let register = register_on(&rules, entries.clone(), new.clone(), d("2026-09-30"));
        let csv = register_csv(&plan, &register, lang);
        let back = read_register(&plan, csv.as_bytes()).unwrap();
        assert_eq!(back, entries, "{lang}");
    }
    // As Excel saves it on Chinese Windows: GB18030.
    let register = register_on(&rules, entries.clone(), new, d("2026-09-30"));
    let csv = register_csv(&plan, &register, "zh-CN");
    let (gbk, _, _) = encoding_rs::GB18030.encode(csv.trim_start_matches('\u{feff}'));
    assert_eq!(read_register(&plan, &gbk).unwrap(), entries);
}

#[test]
fn a_register_with_problems_is_refused_whole_with_each_place() {
    let plan = crate::plan::demo_plan();
    let head = "文号,单位,级别,期间,下发日期,答复期限,答复日期\n";
    let rows = [
        "考评通〔2026〕1号,江岸区,通知单,2026-08,2026-09-07,2026-09-21,\n",
        "考评通〔2026〕1号,江岸区,通知单,2026-08,2026-09-07,2026-09-21,\n",
        "考评通〔2026〕2号,不存在区,通知单,2026-08,2026-09-07,2026-09-21,\n",
        "考评通〔2026〕3号,江汉区,通报,2026-08,2026/9/31,2026-09-21,2026-09-01\n",
        "考评通〔2026〕4号,jianghan,warning,2026-08,2026-09-07,2026-09-01,\n",
        ",,,,,,\n",
    ];
    let problems = read_register(&plan, (head.to_owned() + &rows.concat()).as_bytes()).unwrap_err();
    let places: Vec<(u64, Option<&str>)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (3, Some("文号")),
            (4, Some("单位")),
            (5, Some("级别")),
            (5, Some("下发日期")),
            (6, Some("答复期限")),
        ],
        "{problems:?}"
    );
    assert!(problems[0].message.get("en").contains("appears twice"));
    // A column missing: the file as a whole.
    let p = read_register(&plan, "文号,单位,级别\n1,江岸区,通知单\n".as_bytes()).unwrap_err();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].row, 0);
    assert!(p[0].message.get("zh-CN").contains("期间"), "{p:?}");
    // A quote not closed.
    let p = read_register(&plan, format!("{head}\"1,江岸区\n").as_bytes()).unwrap_err();
    assert_eq!(p[0].row, 2);
    // Empty.
    assert_eq!(read_register(&plan, b"").unwrap_err()[0].row, 0);
    // Dates as spreadsheets write them, and an Excel date serial (46280 is 2026-09-15).
    let forms = format!("{head}1,江岸区,通知单,2026-08,2026/9/7,2026年9月21日,46280\n2,江岸区,notice,2026-09,2026.10.9,2026-10-23,\n");
    let e = read_register(&plan, forms.as_bytes()).unwrap();
    assert_eq!(
        (e[0].issued.as_str(), e[0].deadline.as_str()),
        ("2026-09-07", "2026-09-21")
    );
    assert_eq!(e[0].answered.as_deref(), Some("2026-09-15"));
    assert_eq!(e[1].issued, "2026-10-09");
}

/// The page's path: one `track_files` call reads the register, issues, and numbers the notices.
#[test]
fn a_tracking_run_issues_and_numbers_its_notices() {
    use crate::track::{track_files, NamedFile, TrackFiles};
    let plan = crate::plan::demo_plan();
    let data = demo_periods(42, Some("2026-09")).unwrap();
    let named = |name: &str, text: &str| NamedFile {
        name: name.into(),
        text: text.into(),
    };
    let mut files = TrackFiles {
        periods: vec![named("periods.csv", &data.periods_csv)],
        events: vec![named("events.json", &data.events_json)],
        through: Some("2026-08".into()),
        issue: Some("2026-09-07".into()),
        ..TrackFiles::default()
    };
    let aug = track_files(&plan, &files).unwrap();
    let register = aug.register.as_ref().unwrap();
    assert_eq!(register.issued_now.len(), aug.notices.len());
    for (n, row) in aug.notices.iter().zip(&register.rows) {
        assert_eq!(n.unit, row.entry.unit);
        assert!(
            n.html
                .contains(&format!("<p class=\"number\">{}</p>", row.entry.number)),
            "{}",
            n.html
        );
    }
    // The next month, from the register the office kept: numbers go on.
    files.through = Some("2026-09".into());
    files.issue = Some("2026-10-09".into());
    files.register = Some(named("notices.csv", aug.register_csv.as_deref().unwrap()));
    let sep = track_files(&plan, &files).unwrap();
    let r = sep.register.unwrap();
    assert_eq!(r.rows.len(), register.rows.len() + r.issued_now.len());
    assert_eq!(
        r.overdue,
        register.rows.len(),
        "last month's notices, unanswered, are overdue"
    );
    // Without a register or an issue day, nothing about one.
    let plain = track_files(
        &plan,
        &TrackFiles {
            register: None,
            issue: None,
            ..files.clone()
        },
    )
    .unwrap();
    assert!(plain.register.is_none() && plain.register_csv.is_none());
    // A register that cannot be read: its problems, nothing issued, notices unnumbered.
    files.register = Some(named("notices.csv", "文号,单位\n1,江岸区\n"));
    let bad = track_files(&plan, &files).unwrap();
    assert!(bad.register.is_none());
    assert_eq!(bad.register_problems.len(), 1);
    assert!(!bad.notices[0].html.contains("class=\"number\""));
    files.register = None;
    files.issue = Some("2026-10-32".into());
    let bad = track_files(&plan, &files).unwrap();
    assert!(bad.register_problems[0]
        .message
        .get("en")
        .contains("issue date"));
}
