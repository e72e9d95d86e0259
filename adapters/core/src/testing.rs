//! Fixture-driven adapter tests: one folder per case, one insta snapshot per case, through one
//! [`check`] helper so that changing the trait touches one function, not every test.
//!
//! A case folder holds JSON files named by entity set (`Catalog_Контрагенты.json`) in 1C's
//! `$format=json` shape `{"value": [...]}`, and optionally `invoice.json` (+ `invoice_context.json`),
//! `task.json`, `time_sheet.json` and `task_read.json` (a task object as read back). The snapshot
//! holds the mapped snapshot, its diagnostics and every document built. Enabled by the `testing`
//! feature, for dev-dependencies only.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use onec_model::{EmployeeTask, Invoice, Snapshot, TimeSheet};
use serde::Serialize;
use serde_json::Value;

use crate::adapter::{Adapter, Diagnostic};
use crate::documents::{DocumentWrite, ExistingTask, InvoiceContext, TaskLookup};
use crate::raw::{RawDataset, RawObject, RawRow, RawValue};

/// Converts one entity of 1C's JSON into a [`RawObject`]: scalars become values, arrays of
/// objects become tabular sections, `@…` annotations and `odata.*` keys are dropped.
pub fn raw_object_from_json(set: &str, value: &Value) -> RawObject {
    let mut obj = RawObject::new(set);
    let Value::Object(map) = value else {
        return obj;
    };
    for (k, v) in map {
        if k.contains('@') || k.starts_with("odata.") {
            continue;
        }
        match v {
            Value::Array(rows) => {
                let rows = rows
                    .iter()
                    .filter_map(|r| match r {
                        Value::Object(m) => Some(
                            m.iter()
                                .filter(|(k, _)| !k.contains('@'))
                                .filter_map(|(k, v)| Some((k.clone(), scalar(v)?)))
                                .collect::<RawRow>(),
                        ),
                        _ => None,
                    })
                    .collect();
                obj.tables.insert(k.clone(), rows);
            }
            other => {
                if let Some(s) = scalar(other) {
                    obj.props.insert(k.clone(), s);
                }
            }
        }
    }
    obj
}

fn scalar(v: &Value) -> Option<RawValue> {
    Some(match v {
        Value::Null => RawValue::Null,
        Value::Bool(b) => RawValue::Bool(*b),
        Value::Number(n) => RawValue::Number(n.as_f64()?),
        Value::String(s) => RawValue::Text(s.clone()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// Reads every `<EntitySet>.json` of a folder (files whose name starts with an uppercase Latin
/// letter, as 1C prefixes do) into a dataset.
pub fn dataset_from_dir(dir: &Path) -> RawDataset {
    let mut data = RawDataset::default();
    for path in json_files(dir) {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if !stem.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let value: Value = read_json(&path);
        let rows = match &value {
            Value::Object(m) => m
                .get("value")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            Value::Array(a) => a.clone(),
            _ => Vec::new(),
        };
        let objects = rows
            .iter()
            .map(|r| raw_object_from_json(&stem, r))
            .collect();
        data.sets.insert(stem, objects);
    }
    data
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read case folder {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid: {e}", path.display()))
}

fn optional<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Option<T> {
    let path = dir.join(name);
    path.exists().then(|| read_json(&path))
}

/// What one case produces, as snapshotted.
#[derive(Debug, Serialize)]
pub struct CaseOutput {
    /// The mapped snapshot.
    pub snapshot: Snapshot,
    /// The mapping diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Built documents (or build errors) by file name.
    pub documents: BTreeMap<String, Result<Vec<DocumentWrite>, String>>,
    /// The task lookup and the task read back, when the case has `task.json` / `task_read.json`.
    pub task_lookup: Option<TaskLookup>,
    /// The task read back from `task_read.json`.
    pub task_read: Option<Option<ExistingTask>>,
}

/// Runs one case folder through an adapter.
pub fn run_case(adapter: &dyn Adapter, dir: &Path) -> CaseOutput {
    let data = dataset_from_dir(dir);
    let mapped = adapter.map(&data);
    let mut documents = BTreeMap::new();
    if let Some(invoice) = optional::<Invoice>(dir, "invoice.json") {
        let cx: InvoiceContext = optional(dir, "invoice_context.json").unwrap_or_default();
        documents.insert(
            "invoice".to_owned(),
            adapter
                .build_invoice(&invoice, &cx)
                .map_err(|e| e.to_string()),
        );
    }
    let mut task_lookup = None;
    if let Some(task) = optional::<EmployeeTask>(dir, "task.json") {
        task_lookup = adapter.task_lookup(task.issue_id);
        documents.insert(
            "task".to_owned(),
            adapter
                .build_task(&task)
                .map(|o| o.into_iter().collect())
                .map_err(|e| e.to_string()),
        );
    }
    if let Some(sheet) = optional::<TimeSheet>(dir, "time_sheet.json") {
        documents.insert(
            "time_sheet".to_owned(),
            adapter
                .build_time_sheet(&sheet)
                .map(|o| o.into_iter().collect())
                .map_err(|e| e.to_string()),
        );
    }
    let task_read = optional::<Value>(dir, "task_read.json").map(|v| {
        let set = adapter
            .layout()
            .task
            .as_ref()
            .map(|t| t.set.clone())
            .unwrap_or_default();
        adapter.task_from_raw(&raw_object_from_json(&set, &v))
    });
    CaseOutput {
        snapshot: mapped.value,
        diagnostics: mapped.diagnostics,
        documents,
        task_lookup,
        task_read,
    }
}

/// Runs a case folder and compares the result with its snapshot in `<crate>/tests/snapshots`
/// (the folder two levels above `tests/fixtures/<case>`), named `<adapter id>@<case>`.
///
/// Use it with `insta::glob!("fixtures/*", |dir| check(adapter, dir))`.
pub fn check(adapter: &dyn Adapter, case_dir: &Path) {
    let output = run_case(adapter, case_dir);
    let case = case_dir
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("case")
        .to_owned();
    let tests_dir = case_dir
        .parent()
        .and_then(Path::parent)
        .expect("a case folder lives in tests/fixtures/<case>");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(tests_dir.join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_snapshot_suffix(case.clone());
    settings.set_input_file(case_dir);
    settings.bind(|| {
        insta::assert_yaml_snapshot!(adapter.info().id.clone(), output);
    });
}

/// What [`conformance`] found wrong with a layout against a configuration's real metadata.
#[derive(Debug, Default)]
pub struct Conformance {
    /// Sets, properties and columns the layout names that the real configuration lacks.
    pub missing: Vec<String>,
    /// Constants the layout writes into an enum-typed property whose value the enum lacks.
    pub bad_enum_values: Vec<String>,
    /// Sections over a catalog with folders that do not say how folders are marked.
    pub unmarked_folders: Vec<String>,
}

/// Holds `adapter`'s layout against the facts in a conformance folder (`conformance/onec/<conf>-dump`:
/// the `$metadata` derived from the real configuration's dump, and its `enums.json`): every set,
/// property and tabular-section column the layout names must exist, and every constant the layout
/// writes into an enum-typed property must be one of that enum's values.
pub fn conformance(adapter: &dyn Adapter, dump_dir: &Path) -> Conformance {
    let xml = fs::read(dump_dir.join("metadata.xml"))
        .unwrap_or_else(|e| panic!("{}: {e}", dump_dir.display()));
    let meta = crate::odata::edmx::parse(&xml).expect("the conformance metadata parses");
    let layout = adapter.layout();
    let missing = layout
        .check(&meta)
        .into_iter()
        .map(|p| format!("{}: {}", p.key, p.message))
        .collect();
    let enums: Value = read_json(&dump_dir.join("enums.json"));
    let mut bad_enum_values = Vec::new();
    let mut check_value = |place: String, value: &RawValue| {
        let Some(enum_name) = enums["property_enum"][&place].as_str() else {
            return;
        };
        let RawValue::Text(text) = value else { return };
        let known = enums["enums"][enum_name]
            .as_array()
            .is_some_and(|values| values.iter().any(|v| v.as_str() == Some(text)));
        if !known {
            bad_enum_values.push(format!("{place} = {text}: not a value of Enum.{enum_name}"));
        }
    };
    for (set, table, constants) in layout_constants(layout) {
        for (name, value) in constants {
            let place = match table {
                Some(t) => format!("{set}.{t}.{name}"),
                None => format!("{set}.{name}"),
            };
            check_value(place, value);
        }
    }
    // Every section read from a catalog that the real configuration makes hierarchical with folders
    // must say how folders are marked, or its folders would become records.
    let needs = crate::layout::needs_keys(layout);
    let mut unmarked_folders = Vec::new();
    for (key, set) in &needs {
        let Some(section) = key.strip_suffix(".set") else {
            continue;
        };
        if section.contains('.') {
            continue;
        }
        let has_folders = meta
            .entity_set(set)
            .is_some_and(|s| s.has_property("IsFolder"));
        let marked = needs
            .iter()
            .any(|(k, _)| k == &format!("{section}.is_folder"));
        if has_folders && !marked {
            unmarked_folders.push(format!("{section} ({set}) has folders but no `is_folder`"));
        }
    }
    Conformance {
        missing,
        bad_enum_values,
        unmarked_folders,
    }
}

/// Every constant a layout writes: (set, tabular section, name → value).
fn layout_constants(
    layout: &crate::Layout,
) -> Vec<(&str, Option<&str>, &BTreeMap<String, RawValue>)> {
    let mut out = Vec::new();
    if let Some(i) = &layout.invoice {
        out.push((i.set.as_str(), None, &i.header));
        out.push((i.set.as_str(), Some(i.table.as_str()), &i.columns.constants));
        if let Some(f) = &i.follow_up {
            out.push((f.set.as_str(), None, &f.header));
        }
    }
    if let Some(t) = &layout.task {
        out.push((t.set.as_str(), None, &t.header));
        if let Some(w) = &t.works {
            out.push((t.set.as_str(), Some(w.table.as_str()), &w.constants));
        }
    }
    if let Some(t) = &layout.time_sheet {
        out.push((t.set.as_str(), None, &t.header));
        out.push((t.set.as_str(), Some(t.table.as_str()), &t.columns.constants));
    }
    out
}

/// Asserts that [`conformance`] finds nothing, listing everything it found.
pub fn assert_conforms(adapter: &dyn Adapter, dump_dir: &Path) {
    let found = conformance(adapter, dump_dir);
    assert!(
        found.missing.is_empty()
            && found.bad_enum_values.is_empty()
            && found.unmarked_folders.is_empty(),
        "the {} layout disagrees with the real configuration ({}):\nnames it lacks:\n  {}\nenum values it lacks:\n  {}\nfolders not marked:\n  {}",
        adapter.info().id,
        dump_dir.display(),
        found.missing.join("\n  "),
        found.bad_enum_values.join("\n  "),
        found.unmarked_folders.join("\n  ")
    );
}
