//! Conformance of the 1C simulator's `$metadata` with the real configurations: for УНФ, УТ 11,
//! КА and УТ 10.3 every entity set the simulator publishes exists in
//! `conformance/onec/<conf>-dump/metadata.xml` (derived from public dumps of the real
//! configurations, see `conformance/onec/DUMPS.md`), every property and tabular-section column it
//! publishes exists there with the same EDM type, and it publishes everything the fixture has for
//! those sets. The few sets the simulator serves beyond the fixture are listed below with the
//! reason and their exact property lists, so that adding a name anywhere fails here.
//!
//! The fixture is read with this file's own quick-xml reader, never with the client's parser
//! (`onec_adapter::odata`), so that client and simulator cannot share a parser bug.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;
use quick_xml::Reader;
use sandbox::onec::Configuration;

use crate::onec_support::{get, start};

/// Entity types with their (property → type), and the entity-set names.
#[derive(Default)]
struct Edmx {
    types: BTreeMap<String, BTreeMap<String, String>>,
    sets: BTreeSet<String>,
}

fn parse(xml: &str) -> Edmx {
    let mut reader = Reader::from_str(xml);
    let mut out = Edmx::default();
    let mut current: Option<String> = None;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (e, start) = match &event {
            Event::Start(e) => (e.clone(), true),
            Event::Empty(e) => (e.clone(), false),
            Event::End(e) => {
                if e.local_name().as_ref() == b"EntityType" {
                    current = None;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let attr = |name: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name.as_bytes())
                .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        };
        match e.local_name().as_ref() {
            b"EntityType" => {
                let name = attr("Name").expect("EntityType has a Name");
                out.types.entry(name.clone()).or_default();
                if start {
                    current = Some(name);
                }
            }
            b"Property" => {
                if let Some(t) = &current {
                    out.types.get_mut(t).expect("opened above").insert(
                        attr("Name").expect("Property has a Name"),
                        attr("Type").expect("Property has a Type"),
                    );
                }
            }
            b"EntitySet" => {
                out.sets.insert(attr("Name").expect("EntitySet has a Name"));
            }
            _ => {}
        }
    }
    out
}

fn fixture(c: Configuration) -> Edmx {
    let dir = match c {
        Configuration::Ut11 => "ut11-dump",
        Configuration::Ka => "ka-dump",
        Configuration::Unf => "unf-dump",
        Configuration::Ut103 => "ut103-dump",
        Configuration::Esti => unreachable!("ЭСТИ has no public metadata"),
    };
    let path = format!(
        "{}/../conformance/onec/{dir}/metadata.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

/// Sets the simulator serves that the fixture lacks, with the reason and their exact
/// properties. The fixture holds only the objects the project's layouts name plus a few
/// referenced catalogs, so a catalog the simulator needs to emulate a rule can be missing.
fn exceptions(
    c: Configuration,
) -> &'static [(&'static str, &'static str, &'static [&'static str])] {
    match c {
        // `Document_ЗаказКлиента.Приоритет_Key` is required (ut11-dump/RULES.md, «Filling
        // defaults»); the simulator fills it from this catalog. УТ 11's «Приоритеты» is an
        // ordered catalog without codes (from memory of the configuration, not from a dump).
        Configuration::Ut11 | Configuration::Ka => &[(
            "Catalog_Приоритеты",
            "order priorities for ЗаказКлиента.Приоритет",
            &[
                "Ref_Key",
                "Predefined",
                "PredefinedDataName",
                "DataVersion",
                "Description",
                "DeletionMark",
                "РеквизитДопУпорядочивания",
            ],
        )],
        Configuration::Unf | Configuration::Ut103 | Configuration::Esti => &[],
    }
}

async fn check(c: Configuration) {
    let real = fixture(c);
    let sb = start(c).await;
    let (status, body) = get(&sb, "$metadata").await;
    assert_eq!(status, 200, "{c}: {body}");
    let ours = parse(&body);
    let exceptions = exceptions(c);
    let mut problems: Vec<String> = Vec::new();
    for set in &ours.sets {
        let props = &ours.types[set];
        if let Some((_, _, expected)) = exceptions
            .iter()
            .find(|(name, _, _)| set == name || set.starts_with(&format!("{name}_")))
        {
            assert!(
                !real.sets.contains(set),
                "{c}: {set} is in the fixture now; drop the exception"
            );
            let names: BTreeSet<&str> = props.keys().map(String::as_str).collect();
            let expected: BTreeSet<&str> = expected.iter().copied().collect();
            if names != expected {
                problems.push(format!(
                    "{set}: publishes {names:?}, the exception lists {expected:?}"
                ));
            }
            continue;
        }
        let Some(real_props) = real.types.get(set).filter(|_| real.sets.contains(set)) else {
            problems.push(format!("{set}: the real configuration has no such set"));
            continue;
        };
        for (prop, ty) in props {
            match real_props.get(prop) {
                None => problems.push(format!("{set}.{prop}: the real configuration lacks it")),
                Some(real_ty) if real_ty != ty => problems.push(format!(
                    "{set}.{prop}: the simulator says {ty}, the real configuration {real_ty}"
                )),
                Some(_) => {}
            }
        }
        for prop in real_props.keys() {
            if !props.contains_key(prop) {
                problems.push(format!("{set}.{prop}: real, but the simulator lacks it"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{c}: $metadata differs from the real metadata:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn ut11_publishes_only_real_names_and_types() {
    check(Configuration::Ut11).await;
}

#[tokio::test]
async fn ka_publishes_only_real_names_and_types() {
    check(Configuration::Ka).await;
}

#[tokio::test]
async fn unf_publishes_only_real_names_and_types() {
    check(Configuration::Unf).await;
}

#[tokio::test]
async fn ut103_publishes_only_real_names_and_types() {
    check(Configuration::Ut103).await;
}

#[tokio::test]
async fn standard_properties_follow_the_real_configurations() {
    // УТ 11 and КА partners are a hierarchy of items, without folders.
    for c in [Configuration::Ut11, Configuration::Ka] {
        let sb = start(c).await;
        let ours = parse(&get(&sb, "$metadata").await.1);
        let partners = &ours.types["Catalog_Партнеры"];
        assert!(partners.contains_key("Parent_Key"), "{c}");
        assert!(!partners.contains_key("IsFolder"), "{c}");
    }
    // УТ 10.3 runs in compatibility mode 8.2.13: no PredefinedDataName anywhere.
    let sb = start(Configuration::Ut103).await;
    let ours = parse(&get(&sb, "$metadata").await.1);
    for (name, props) in &ours.types {
        assert!(!props.contains_key("PredefinedDataName"), "УТ 10.3 {name}");
    }
    // УНФ employees keep no contact information of their own.
    let sb = start(Configuration::Unf).await;
    let ours = parse(&get(&sb, "$metadata").await.1);
    assert!(!ours
        .sets
        .contains("Catalog_Сотрудники_КонтактнаяИнформация"));
    assert!(!ours.types["Catalog_Сотрудники"].contains_key("КонтактнаяИнформация"));
}
