//! `kaoping track … --year-end`: the tracking year made into the year's indicator figures, a
//! JSON file that `kaoping aggregate` reads, with the office's overrides.

use anyhow::{bail, Context, Result};
use kaoping_core::plan::Plan;
use kaoping_core::track::{year_end_figures, TrackReport};
use kaoping_core::yearend::{read_overrides, FieldValue, OverrideRequest};
use std::path::Path;

/// Writes the year-end figures of `report` to `out` (`.json`) and prints the gaps and the
/// overrides.
pub fn write(
    plan: &Plan,
    report: &TrackReport,
    overrides: Option<&Path>,
    out: &Path,
    lang: &str,
) -> Result<()> {
    let en = lang == "en";
    if !out
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".json")
    {
        if en {
            bail!("{}: the year-end figures are written as .json (what kaoping aggregate reads, with the overrides)", out.display());
        }
        bail!(
            "{}：年终指标数据写为 .json 文件（kaoping aggregate 读取，含人工调整）",
            out.display()
        );
    }
    let requests: Vec<OverrideRequest> = match overrides {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            read_overrides(&p.display().to_string(), &bytes)
                .map_err(|e| anyhow::anyhow!("{}", crate::yearend::in_lang(&e, lang)))?
        }
        None => Vec::new(),
    };
    let figures = year_end_figures(plan, report, &requests).map_err(|e| {
        let at = overrides
            .map(|p| format!("{}: ", p.display()))
            .unwrap_or_default();
        anyhow::anyhow!("{at}{}", crate::yearend::in_lang(&e, lang))
    })?;
    std::fs::write(out, figures.to_json())
        .with_context(|| format!("cannot write {}", out.display()))?;
    for f in figures.figures.iter().filter(|f| f.gap.is_some()) {
        let why = f.gap.as_ref().map(|g| g.get(lang)).unwrap_or_default();
        let filled = match (f.value.is_some(), en) {
            (true, true) => " (filled in by an override)",
            (true, false) => "（已人工补填）",
            _ => "",
        };
        if en {
            println!("gap: {} {}: {why}{filled}", f.unit, f.indicator);
        } else {
            println!("缺数据：{} {}：{why}{filled}", f.unit, f.indicator);
        }
    }
    let v = |x: Option<FieldValue>| match x {
        None => "—".to_owned(),
        Some(FieldValue::Number(n)) => kaoping_core::cells::format_number(n),
        Some(FieldValue::Flag(b)) => match (b, en) {
            (true, true) => "yes".into(),
            (false, true) => "no".into(),
            (true, false) => "是".into(),
            (false, false) => "否".into(),
        },
    };
    for o in &figures.overrides {
        let (from, to) = (v(o.original), v(Some(o.value)));
        if en {
            println!(
                "override: {} {} {}: {from} → {to} ({})",
                o.unit, o.indicator, o.field, o.reason
            );
        } else {
            println!(
                "人工调整：{} {} {}：{from} → {to}（{}）",
                o.unit, o.indicator, o.field, o.reason
            );
        }
    }
    if en {
        println!(
            "year-end figures through {}: {} of {} unit × indicator figures, {} gap(s), {} override(s); written to {}",
            figures.through,
            figures.indicators.len(),
            figures.figures.len(),
            figures.gaps,
            figures.overrides.len(),
            out.display()
        );
    } else {
        println!(
            "年终指标数据（截至 {}）：{} 个单位×指标中 {} 个有数值，缺 {} 个，人工调整 {} 处；已写入 {}",
            figures.through,
            figures.figures.len(),
            figures.indicators.len(),
            figures.gaps,
            figures.overrides.len(),
            out.display()
        );
    }
    Ok(())
}
