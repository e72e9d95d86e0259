//! `$metadata` of the 1C simulator: well-formed EDMX with 1C's names (`StandardODATA`,
//! `EnterpriseV8`, roles `Begin`/`End`, `…_RowType`), the expected sets per configuration, and
//! agreement with the real УТ 11 capture: every property both publish has the same EDM type. (The
//! names follow the 11.5.20 dump, which adds and drops attributes against the capture's release;
//! `onec_conformance.rs` checks the names against the dumps.)

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::Event;
use quick_xml::Reader;
use sandbox::onec::Configuration;

use crate::onec_support::{get, start};

const CAPTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../conformance/onec/ut11-trade-demo/msg001_metadata.xml"
);

/// Entity and complex types with their (property → type), and the entity-set names.
#[derive(Default)]
struct Edmx {
    types: BTreeMap<String, BTreeMap<String, String>>,
    sets: BTreeSet<String>,
    containers: Vec<String>,
    roles: BTreeSet<String>,
    namespace: Option<String>,
}

fn parse(xml: &str) -> Edmx {
    let mut reader = Reader::from_str(xml);
    let mut out = Edmx::default();
    let mut current: Option<String> = None;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (e, is_end) = match &event {
            Event::Start(e) | Event::Empty(e) => (e.clone(), false),
            Event::End(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if local == "EntityType" || local == "ComplexType" {
                    current = None;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let _ = is_end;
        let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let attr = |name: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name.as_bytes())
                .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        };
        match local.as_str() {
            "Schema" => out.namespace = attr("Namespace"),
            "EntityType" | "ComplexType" => {
                let name = attr("Name").unwrap();
                out.types.entry(name.clone()).or_default();
                if matches!(event, Event::Start(_)) {
                    current = Some(name);
                }
            }
            "Property" => {
                if let Some(t) = &current {
                    out.types
                        .get_mut(t)
                        .unwrap()
                        .insert(attr("Name").unwrap(), attr("Type").unwrap());
                }
            }
            "NavigationProperty" => {
                out.roles.insert(attr("FromRole").unwrap());
                out.roles.insert(attr("ToRole").unwrap());
            }
            "EntitySet" => {
                out.sets.insert(attr("Name").unwrap());
            }
            "EntityContainer" => out.containers.push(attr("Name").unwrap()),
            _ => {}
        }
    }
    out
}

fn expected_sets(c: Configuration) -> &'static [&'static str] {
    match c {
        Configuration::Ut11 | Configuration::Ka => &[
            "Catalog_Партнеры",
            "Catalog_Контрагенты",
            "Catalog_Контрагенты_КонтактнаяИнформация",
            "Catalog_КонтактныеЛицаПартнеров",
            "Catalog_ДоговорыКонтрагентов",
            "Catalog_Пользователи",
            "Catalog_Организации",
            "Catalog_БанковскиеСчетаОрганизаций",
            "Catalog_Номенклатура",
            "Catalog_СтавкиНДС",
            "Catalog_ВидыКонтактнойИнформации",
            "Document_ЗаказКлиента",
            "Document_ЗаказКлиента_Товары",
            "Document_СчетНаОплатуКлиенту",
        ],
        Configuration::Esti => &[
            "Catalog_Партнеры",
            "Catalog_КонтактныеЛицаПартнеров",
            "Catalog_ДоговорыКонтрагентов",
            "Catalog_МоделиОборудования",
            "Catalog_ОборудованиеКлиентов",
            "Catalog_ОбъектыКлиентов",
            "Catalog_ПроизводителиОборудования",
            "Catalog_ТипыДоговоров",
            "Catalog_ТипыОборудования",
            "Document_ЗаданиеСотруднику",
            "Document_ЛистУчетаРабочегоВремени",
            "ExchangePlan_ОбменСОкДеск",
        ],
        Configuration::Unf => &[
            "Catalog_Контрагенты",
            "Catalog_КонтактныеЛица",
            "InformationRegister_СвязиКонтрагентКонтакт",
            "Catalog_ДоговорыКонтрагентов",
            "Catalog_Сотрудники",
            "Document_СчетНаОплату",
            "Document_СчетНаОплату_Запасы",
            "Document_ЗаданиеНаРаботу",
            "Document_УчетВремени",
        ],
        Configuration::Ut103 => &[
            "Catalog_Контрагенты",
            "Catalog_КонтактныеЛицаКонтрагентов",
            "Catalog_КонтактныеЛица",
            "InformationRegister_КонтактнаяИнформация",
            "Catalog_ДоговорыКонтрагентов",
            "Document_СчетНаОплатуПокупателю",
            "Document_СчетНаОплатуПокупателю_Услуги",
            "Document_СчетНаОплатуПокупателю_Товары",
        ],
    }
}

#[tokio::test]
async fn metadata_is_well_formed_edmx_with_1c_names_for_every_configuration() {
    for c in Configuration::ALL {
        let sb = start(c).await;
        let (status, body) = get(&sb, "$metadata").await;
        assert_eq!(status, 200, "{c}: {body}");
        let edmx = parse(&body);
        assert_eq!(edmx.namespace.as_deref(), Some("StandardODATA"), "{c}");
        assert_eq!(edmx.containers, ["EnterpriseV8"], "{c}");
        assert_eq!(
            edmx.roles,
            BTreeSet::from(["Begin".to_owned(), "End".to_owned()]),
            "{c}"
        );
        for set in expected_sets(c) {
            assert!(edmx.sets.contains(*set), "{c}: $metadata lacks {set}");
        }
        // Every entity type of a tabular section has its row type with the same properties.
        for (name, props) in &edmx.types {
            if let Some(row) = edmx.types.get(&format!("{name}_RowType")) {
                assert_eq!(props, row, "{c}: {name} and its RowType differ");
                assert_eq!(
                    props.get("LineNumber").map(String::as_str),
                    Some("Edm.Int64")
                );
            }
        }
        let foreign: Vec<&str> = ["ExchangePlan_ОбменСОкДеск", "Catalog_ОборудованиеКлиентов"]
            .into_iter()
            .filter(|s| edmx.sets.contains(*s))
            .collect();
        if c != Configuration::Esti {
            assert!(foreign.is_empty(), "{c} publishes ЭСТИ objects {foreign:?}");
        }
    }
}

#[tokio::test]
async fn ut11_metadata_agrees_with_the_real_capture() {
    let real = parse(&std::fs::read_to_string(CAPTURE).unwrap());
    let sb = start(Configuration::Ut11).await;
    let ours = parse(&get(&sb, "$metadata").await.1);
    let mut compared = 0;
    for (name, props) in &ours.types {
        let Some(real_props) = real.types.get(name) else {
            continue;
        };
        for (prop, ty) in props {
            // Attributes added since the capture's release (conformance/onec/DUMPS.md,
            // "Conventions": e.g. `Catalog_Контрагенты.НаименованиеВТранскрипции`).
            let Some(real_ty) = real_props.get(prop) else {
                continue;
            };
            assert_eq!(
                real_ty, ty,
                "{name}.{prop}: the simulator publishes {ty}, the real УТ 11 base {real_ty}"
            );
            compared += 1;
        }
    }
    // Контрагенты with its tables, Номенклатура and ЗаказКлиента with Товары are in both.
    assert!(compared > 100, "only {compared} properties compared");
}
