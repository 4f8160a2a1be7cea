//! The JSON Schema of a plan (published as `docs/plan.schema.json`), generated from the plan's
//! types ([`crate::plan`]) with the schemas of its `scoring`, `tracking` and `trust` sections
//! ([`ScoringRules`], [`TrackingRules`], [`TrustRules`]) put in. The plan keeps those sections
//! as JSON, read by the layers above it, so its own derived schema leaves them open; this
//! module, above all four, puts the three in, as `$ref`s into `$defs` (definitions named in the same order as
//! the plan's fields, so that the schema is what a derive through the sections would give).

use crate::plan::Plan;
use crate::score::ScoringRules;
use crate::track::TrackingRules;
use crate::trust::TrustRules;
use schemars::SchemaGenerator;
use serde_json::Value;

/// The JSON Schema of a plan.
pub fn plan_schema() -> Value {
    let mut generator = SchemaGenerator::default();
    let root = generator.root_schema_for::<Plan>();
    let mut schema = serde_json::to_value(root).unwrap_or_default();
    put_sections(&mut generator, &mut schema);
    let definitions = generator.take_definitions(false);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$defs".into(), Value::Object(definitions));
        obj.insert(
            "description".into(),
            Value::String("A kaoping evaluation plan (考评方案); the format, part by part with examples: docs/plan.md. Generated from kaoping_core::plan; do not edit.".into()),
        );
    }
    schema
}

/// Puts the schemas of the `scoring`, `tracking` and `trust` sections into a plan's schema (`plan`, as
/// the plan's derive made it, with `generator`): `$ref`s into `generator`'s definitions,
/// beside each property's description. Also used for the WASM API's generated types.
pub fn put_sections(generator: &mut SchemaGenerator, plan: &mut Value) {
    let sections = [
        ("scoring", generator.subschema_for::<ScoringRules>()),
        ("tracking", generator.subschema_for::<TrackingRules>()),
        ("trust", generator.subschema_for::<TrustRules>()),
    ];
    let Some(Value::Object(props)) = plan.get_mut("properties") else {
        return;
    };
    for (name, section) in sections {
        let reference = serde_json::to_value(section).unwrap_or_default();
        match (props.get_mut(name), reference) {
            (Some(Value::Object(prop)), Value::Object(r)) => prop.extend(r),
            (_, r) => {
                props.insert(name.into(), r);
            }
        }
    }
}

#[cfg(test)]
mod schema_tests {
    /// `docs/plan.schema.json` is generated: this test fails when it is stale and rewrites it
    /// when run with `UPDATE_SCHEMA=1`.
    #[test]
    fn published_schema_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plan.schema.json");
        let now = serde_json::to_string_pretty(&super::plan_schema()).unwrap() + "\n";
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &now).unwrap();
        }
        let published = std::fs::read_to_string(path).unwrap_or_default();
        assert!(published == now, "docs/plan.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p kaoping_core published_schema`");
    }
}
