//! Property: the demo's tracking files, cut into files (each keeping its name and its rows),
//! added in any order, split over any number of trackers merged in any order, give the same
//! report as one tracker reading them in order. Duplicates across files are settled by file
//! name and row, so a copy of some rows in another file changes nothing either.

use kaoping_core::plan::demo_plan;
use kaoping_core::track::{demo_periods, InputKind, TrackReport, Tracker};
use proptest::prelude::*;
use std::sync::OnceLock;

type Files = Vec<(InputKind, String, String)>;

/// The demo's period rows through June in 7 CSV files, plus projects, events and a file that
/// repeats some rows (rejected as duplicates, whatever the order).
fn files() -> &'static (Files, TrackReport) {
    static FILES: OnceLock<(Files, TrackReport)> = OnceLock::new();
    FILES.get_or_init(|| {
        let d = demo_periods(3, Some("2026-06")).unwrap();
        let mut lines = d.periods_csv.lines();
        let header = lines.next().unwrap().to_owned();
        let rows: Vec<&str> = lines.collect();
        let mut files: Files = Vec::new();
        for (k, chunk) in rows.chunks(rows.len() / 7 + 1).enumerate() {
            let text = format!("{header}\n{}\n", chunk.join("\n"));
            files.push((InputKind::Periods, format!("periods-{k}.csv"), text));
        }
        let repeat = format!(
            "{header}\n{}\n",
            rows.iter()
                .step_by(9)
                .copied()
                .collect::<Vec<_>>()
                .join("\n")
        );
        files.push((InputKind::Periods, "zz-again.csv".into(), repeat));
        files.push((InputKind::Projects, "projects.json".into(), d.projects_json));
        files.push((InputKind::Events, "events.json".into(), d.events_json));
        let plan = demo_plan();
        let mut t = Tracker::new(&plan).unwrap();
        for (kind, name, text) in &files {
            t.add_file(*kind, name, text);
        }
        let report = t.finish(None).unwrap();
        (files, report)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_order_and_split_gives_the_same_report(
        order in Just(()).prop_perturb(|_, mut rng| {
            let n = files().0.len();
            let mut idx: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                idx.swap(i, (rng.next_u32() as usize) % (i + 1));
            }
            idx
        }),
        parts in 1usize..5,
    ) {
        let (all, expected) = files();
        let plan = demo_plan();
        let mut trackers: Vec<Tracker> = (0..parts).map(|_| Tracker::new(&plan).unwrap()).collect();
        for (i, &f) in order.iter().enumerate() {
            let (kind, name, text) = &all[f];
            trackers[i % parts].add_file(*kind, name, text);
        }
        let mut it = trackers.into_iter().rev();
        let mut first = it.next().unwrap();
        for t in it {
            first.merge(t);
        }
        let got = first.finish(None).unwrap();
        prop_assert_eq!(&got, expected);
        prop_assert!(got.rejected.iter().all(|r| r.code == "duplicate" && r.file == "zz-again.csv"));
        prop_assert!(!got.rejected.is_empty());
    }
}
