//! The documents every adapter builds (invoices, tasks, time sheets) written as an exchange file
//! and read back give the same objects; refs are assigned and `{{ref:N}}` placeholders filled.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use onec_adapter::xml::{read_with, write_documents, ReadPlan, XmlWriter};
use onec_adapter::{Adapter, DocumentWrite, InvoiceContext, RawObject, RawRow, RawValue};
use onec_model::{EmployeeTask, Invoice, Ref, TimeSheet};

fn fixture<T: serde::de::DeserializeOwned>(config: &str, name: &str) -> Option<T> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../{config}/tests/fixtures/normal/{name}"));
    let text = fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

/// Every document the adapter builds from its fixture data.
fn built(config: &str, adapter: &dyn Adapter) -> Vec<Vec<DocumentWrite>> {
    let mut batches = Vec::new();
    if let Some(invoice) = fixture::<Invoice>(config, "invoice.json") {
        let cx: InvoiceContext = fixture(config, "invoice_context.json").unwrap_or_default();
        batches.push(adapter.build_invoice(&invoice, &cx).unwrap());
    }
    if let Some(task) = fixture::<EmployeeTask>(config, "task.json") {
        batches.extend(adapter.build_task(&task).unwrap().map(|w| vec![w]));
    }
    if let Some(sheet) = fixture::<TimeSheet>(config, "time_sheet.json") {
        batches.extend(adapter.build_time_sheet(&sheet).unwrap().map(|w| vec![w]));
    }
    batches
}

/// A value as the exchange file carries it: text (booleans and numbers spelled as 1C does).
fn as_text(v: &RawValue) -> RawValue {
    match v {
        RawValue::Null => RawValue::Null,
        other => RawValue::Text(other.as_text().unwrap_or_default()),
    }
}

fn normal_row(row: &RawRow) -> RawRow {
    row.iter().map(|(k, v)| (k.clone(), as_text(v))).collect()
}

/// The object as it should read back: values as text, empty tabular sections absent.
fn normal(obj: &RawObject) -> RawObject {
    RawObject {
        set: obj.set.clone(),
        props: normal_row(&obj.props),
        tables: obj
            .tables
            .iter()
            .filter(|(_, rows)| !rows.is_empty())
            .map(|(k, rows)| (k.clone(), rows.iter().map(normal_row).collect()))
            .collect(),
    }
}

/// Composites of the written objects (`X` with `X_Type`), which the reader must be told about.
fn plan_for(objects: &[RawObject]) -> ReadPlan<'static> {
    let mut plan = ReadPlan::all();
    for o in objects {
        let rows = std::iter::once(&o.props).chain(o.tables.values().flatten());
        for row in rows {
            for k in row.keys() {
                if let Some(base) = k.strip_suffix("_Type") {
                    if row.contains_key(base) {
                        plan = plan.composite(&o.set, base);
                    }
                }
            }
        }
    }
    plan
}

fn round_trip(config: &str, adapter: &dyn Adapter) -> usize {
    let mut documents = 0;
    for batch in built(config, adapter) {
        let mut n = 0u128;
        let mut next = || {
            n += 1;
            Ref::from_uuid(uuid::Uuid::from_u128(0xabc0_0000 + n)).unwrap()
        };
        let (refs, bytes) = write_documents(Vec::new(), &batch, &mut next).unwrap();
        assert_eq!(refs.len(), batch.len());
        let mut expected = Vec::new();
        for (write, r) in batch.iter().zip(&refs) {
            let mut w = write.clone();
            w.fill_placeholders(&refs).unwrap();
            if let Some(existing) = write.r#ref {
                assert_eq!(existing, *r, "an update keeps its ref");
            }
            w.object
                .props
                .insert("Ref_Key".into(), RawValue::Text(r.to_string()));
            expected.push(w.object);
        }
        let read = read_with(bytes.as_slice(), plan_for(&expected))
            .unwrap_or_else(|e| panic!("{config}: {e}\n{}", String::from_utf8_lossy(&bytes)));
        let mut got: BTreeMap<String, Vec<RawObject>> = read.dataset.sets;
        for obj in &expected {
            let back = got.get_mut(&obj.set).and_then(|v| {
                let i = v
                    .iter()
                    .position(|o| o.props.get("Ref_Key") == obj.props.get("Ref_Key"))?;
                Some(v.remove(i))
            });
            let back = back.unwrap_or_else(|| panic!("{config}: {} not read back", obj.set));
            assert_eq!(
                back,
                normal(obj),
                "{config}: {} changed in the round trip",
                obj.set
            );
            documents += 1;
        }
        assert!(read.skipped.is_empty());
    }
    documents
}

#[test]
fn every_built_document_round_trips() {
    let adapters: [(&str, &dyn Adapter); 5] = [
        ("ut11", onec_adapter_ut11::adapter()),
        ("ka", onec_adapter_ka::adapter()),
        ("unf", onec_adapter_unf::adapter()),
        ("ut103", onec_adapter_ut103::adapter()),
        ("esti", onec_adapter_esti::adapter()),
    ];
    let mut total = 0;
    for (config, adapter) in adapters {
        total += round_trip(config, adapter);
    }
    // ut11 and ka write two invoice documents; unf and esti also a task and a time sheet.
    assert!(total >= 10, "only {total} documents were built");
}

#[test]
fn ut11_invoice_basis_is_the_order_written_before_it() {
    let adapter = onec_adapter_ut11::adapter();
    let batch = built("ut11", adapter).remove(0);
    let mut n = 0u128;
    let mut next = || {
        n += 1;
        Ref::from_uuid(uuid::Uuid::from_u128(n)).unwrap()
    };
    let (refs, bytes) = write_documents(Vec::new(), &batch, &mut next).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(&format!(
        "<v8:ДокументОснование xsi:type=\"v8:DocumentRef.ЗаказКлиента\">{}</v8:ДокументОснование>",
        refs[0]
    )));
    // Single-typed references are bare GUIDs, as the platform's serializer writes them; rows sit
    // in `<Row>` elements.
    assert!(text.contains("<v8:Контрагент>"), "{text}");
    assert!(text.contains("<v8:Row>"), "{text}");
    assert!(text.contains("<v8:Номенклатура>"), "{text}");
    assert!(!text.contains("{{ref:"), "{text}");
}

#[test]
fn sets_that_are_not_objects_and_bad_names_are_refused() {
    let mut w = XmlWriter::new(Vec::new()).unwrap();
    let err = w
        .write_object(&RawObject::new("InformationRegister_Цены"))
        .unwrap_err();
    assert!(
        err.to_string().contains("InformationRegister_Цены"),
        "{err}"
    );
    let bad = RawObject::new("Document_Заказ").with("Цена за ед.", RawValue::Number(1.0));
    let err = w.write_object(&bad).unwrap_err();
    assert!(err.to_string().contains("Цена за ед."), "{err}");
    // Nothing of the refused objects reached the file.
    let text = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(!text.contains("Заказ"), "{text}");
}
