use super::*;
use crate::canonical::fingerprint_value;
use crate::plan::DEMO_PLAN_JSON;

fn demo() -> Value {
    serde_json::from_str(DEMO_PLAN_JSON).unwrap()
}

fn round_trip(plan: &Value, lang: BookLang) -> Value {
    let book = plan_to_xlsx(plan, lang);
    let (back, problems) = read_workbook(&book);
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    back.unwrap()
}

#[test]
fn the_demo_plan_comes_back_the_same_in_both_languages() {
    let plan = demo();
    for lang in [BookLang::Zh, BookLang::En] {
        let back = round_trip(&plan, lang);
        assert_eq!(
            fingerprint_value(&back),
            fingerprint_value(&plan),
            "{lang:?}"
        );
        assert_eq!(back, plan);
    }
    let read = plan_from_xlsx(&plan_to_xlsx(&plan, BookLang::Zh)).unwrap();
    assert_eq!(read.sha256, crate::plan::DEMO_PLAN_SHA256);
    assert!(read.warnings.is_empty(), "{:#?}", read.warnings);
}
