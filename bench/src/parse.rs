//! Scenario 6: parse throughput of the OData transport's readers on real and realistic input:
//! the real УТ 11 `$metadata`, the real recorded Atom feeds next to it, and JSON pages in 1C's
//! shape built from the demo counterparties.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use onec_adapter::odata::{atom, edmx, json};
use onec_model::Snapshot;
use serde_json::{json, Value};

use crate::measure::{round3, Clocks};

/// The real УТ 11 capture, relative to this crate (`conformance/` at the workspace root).
pub(crate) const DEFAULT_METADATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../conformance/onec/ut11-trade-demo/msg001_metadata.xml"
);

/// Runs `f` at least 3 times and until `budget` is spent; returns (iterations, wall, cpu).
fn timed(
    budget: Duration,
    mut f: impl FnMut() -> Result<usize>,
) -> Result<(u32, Duration, Option<Duration>, usize)> {
    let clocks = Clocks::start();
    let started = Instant::now();
    let mut n = 0u32;
    let mut items = 0;
    while n < 3 || started.elapsed() < budget {
        items = f()?;
        n += 1;
    }
    Ok((n, clocks.wall(), clocks.cpu(), items))
}

fn figures(bytes: usize, (n, wall, cpu, items): (u32, Duration, Option<Duration>, usize)) -> Value {
    let per = wall.as_secs_f64() / f64::from(n);
    json!({
        "bytes": bytes,
        "items": items,
        "iterations": n,
        "ms_per_parse": round3(per * 1000.0),
        "mb_per_s": round3(bytes as f64 / per / 1_048_576.0),
        "items_per_s": (items as f64 / per).round(),
        "cpu_s": cpu.map(|c| round3(c.as_secs_f64())),
    })
}

/// One counterparty as 1C's OData JSON has it (`Catalog_Контрагенты`), contact information rows
/// included.
fn counterparty_json(c: &onec_model::Counterparty) -> Value {
    let mut rows = Vec::new();
    for (i, e) in c.emails.iter().enumerate() {
        rows.push(
            json!({"Ref_Key": c.r#ref.to_string(), "LineNumber": (i + 1).to_string(),
            "Тип": "АдресЭлектроннойПочты", "Представление": e, "АдресЭП": e, "НомерТелефона": ""}),
        );
    }
    for p in &c.phones {
        rows.push(
            json!({"Ref_Key": c.r#ref.to_string(), "LineNumber": (rows.len() + 1).to_string(),
            "Тип": "Телефон", "Представление": p, "АдресЭП": "", "НомерТелефона": p}),
        );
    }
    for a in &c.addresses {
        rows.push(
            json!({"Ref_Key": c.r#ref.to_string(), "LineNumber": (rows.len() + 1).to_string(),
            "Тип": "Адрес", "Представление": a.text, "АдресЭП": "", "НомерТелефона": ""}),
        );
    }
    json!({
        "Ref_Key": c.r#ref.to_string(),
        "DataVersion": c.version.clone().unwrap_or_else(|| "AAAAAAAAAAE=".into()),
        "DeletionMark": c.deletion_mark,
        "Predefined": false,
        "Description": c.name,
        "НаименованиеПолное": c.full_name.clone().unwrap_or_default(),
        "ИНН": c.inn.clone().unwrap_or_default(),
        "КПП": c.kpp.clone().unwrap_or_default(),
        "Партнер_Key": c.partner.map(|p| p.to_string()).unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".into()),
        "ЮрФизЛицо": "ЮрЛицо",
        "Комментарий": c.comment.clone().unwrap_or_default(),
        "КонтактнаяИнформация": rows,
    })
}

/// A JSON page of up to 1,000 counterparties (1C's default page is smaller; 1,000 is what our
/// client asks for).
fn json_page(s: &Snapshot) -> Vec<u8> {
    let value: Vec<Value> = s
        .counterparties
        .iter()
        .cycle()
        .take(1000)
        .map(counterparty_json)
        .collect();
    serde_json::to_vec(&json!({
        "odata.metadata": "http://localhost/trade_demo/odata/standard.odata/$metadata#Catalog_Контрагенты",
        "value": value,
    }))
    .expect("a JSON value always serializes")
}

/// The Atom feeds recorded next to the metadata file, by name.
fn atom_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "xml")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("metadata"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Runs scenario 6 and returns its JSON fields.
pub(crate) fn run(metadata: &Path, snapshot: &Snapshot, budget: Duration) -> Result<Value> {
    let doc = std::fs::read(metadata).with_context(|| format!("reading {}", metadata.display()))?;
    let edmx_figures = figures(
        doc.len(),
        timed(budget, || {
            let m = edmx::parse(&doc).with_context(|| format!("parsing {}", metadata.display()))?;
            Ok(m.entity_sets.len())
        })?,
    );

    let mut atom_out = serde_json::Map::new();
    let dir = metadata.parent().unwrap_or(Path::new("."));
    for file in atom_files(dir)? {
        let body = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let f = figures(
            body.len(),
            timed(budget, || {
                let feed = atom::parse(&body).with_context(|| format!("parsing {name}"))?;
                Ok(feed.entries.len() + feed.deleted.len())
            })?,
        );
        atom_out.insert(name, f);
    }

    let page = json_page(snapshot);
    let json_figures = figures(
        page.len(),
        timed(budget, || {
            let rows =
                json::parse_feed(&page, "Catalog_Контрагенты").context("parsing the JSON page")?;
            Ok(rows.len())
        })?,
    );
    Ok(json!({
        "metadata_path": metadata.display().to_string(),
        "edmx": edmx_figures,
        "atom": atom_out,
        "json_page": json_figures,
    }))
}
