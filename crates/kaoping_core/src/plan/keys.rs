//! The keys of the plan's forms objects, in the order of their types' fields: what plan
//! validation accepts (`validate::shape`) and what the hand reader reads by position
//! (`form_read`), kept in one place so that the two cannot drift apart.

pub(crate) const INSTRUMENT_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "intro",
    "min_seconds",
    "sections",
    "review",
];

pub(crate) const SECTION_KEYS: &[&str] = &["id", "title", "description", "relevant", "questions"];

pub(crate) const CHOICE_KEYS: &[&str] = &["value", "label"];

pub(crate) const SCALE_KEYS: &[&str] = &["min", "max", "step", "points"];

pub(crate) const POINT_KEYS: &[&str] = &["value", "label", "score"];

pub(crate) const CONSTRAINT_KEYS: &[&str] = &["expr", "message"];

pub(crate) const REASON_KEYS: &[&str] = &["at_or_below", "label", "min_length"];

pub(crate) const REVIEW_KEYS: &[&str] = &[
    "scale",
    "indicators",
    "categories",
    "comment_at_or_below",
    "groups",
    "unable",
];

pub(crate) const GROUP_KEYS: &[&str] = &["id", "name", "weight"];
