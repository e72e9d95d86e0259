//! The published metadata of each simulated configuration. For УТ 11, КА 2, УНФ and УТ 10.3 the
//! base is the real metadata (`conformance/onec/<conf>-dump`, read by [`fixture`]): every entity
//! set, property and column with its EDM type and enum values. One text file per configuration
//! then adds what the real metadata cannot say — composite type lists, reference targets outside
//! the fixture, which documents may be posted — and declares the few sets the simulator serves
//! beyond the fixture (and, for ЭСТИ, its own objects). A text line that names a property of a
//! fixture set which the fixture lacks is published as written, so the conformance test
//! (`sandbox/tests/it/onec_conformance.rs`) catches it; a line that gives a fixture property another
//! type is refused when the schema loads. `$metadata`, the collections, filters and write
//! validation all read this one schema, so they cannot disagree.

pub(crate) mod fixture;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use super::config::Configuration;

/// An EDM primitive type as 1C publishes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edm {
    String,
    Guid,
    DateTime,
    Boolean,
    Double,
    /// Integers of up to four digits (`conformance/onec/DUMPS.md`, "Conventions").
    Int16,
    Int64,
    /// `ХранилищеЗначения` published as `X_Base64Data`.
    Binary,
}

impl Edm {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Edm::String => "Edm.String",
            Edm::Guid => "Edm.Guid",
            Edm::DateTime => "Edm.DateTime",
            Edm::Boolean => "Edm.Boolean",
            Edm::Double => "Edm.Double",
            Edm::Int16 => "Edm.Int16",
            Edm::Int64 => "Edm.Int64",
            Edm::Binary => "Edm.Binary",
        }
    }
}

/// One property of an entity type or a tabular-section row.
#[derive(Clone, Debug)]
pub(crate) struct Prop {
    pub(crate) name: String,
    pub(crate) edm: Edm,
    /// The entity set a `X_Key` reference (or `Parent_Key`/`Owner_Key`) points to.
    pub(crate) target: Option<String>,
    /// For the value half of a composite (`X`): the types it may hold (`Catalog_…`, `Edm.String`;
    /// [`fixture::ANY_TYPE`] where no schema text lists them).
    pub(crate) composite: Vec<String>,
    /// True for the `X_Type` half of a composite.
    pub(crate) type_of: bool,
    /// Standard English attributes (`Ref_Key`, `DataVersion`, …), some of which are not writable.
    pub(crate) standard: bool,
    /// A register dimension (part of the record key).
    pub(crate) dimension: bool,
    /// Allowed enum value names, where the schema lists them.
    pub(crate) allowed: Vec<String>,
}

impl Prop {
    pub(crate) fn new(name: &str, edm: Edm) -> Prop {
        Prop {
            name: name.to_owned(),
            edm,
            target: None,
            composite: Vec::new(),
            type_of: false,
            standard: false,
            dimension: false,
            allowed: Vec::new(),
        }
    }

    /// A key column of a row type (`Ref_Key`, `LineNumber`).
    pub(crate) fn row_key(name: &str, edm: Edm) -> Prop {
        Prop::new(name, edm)
    }

    fn standard(name: &str, edm: Edm) -> Prop {
        Prop {
            standard: true,
            ..Prop::new(name, edm)
        }
    }

    /// The navigation property a reference gets: `Контрагент` for `Контрагент_Key`.
    pub(crate) fn navigation(&self) -> Option<&str> {
        // The key points at its own set but is not a navigation property.
        if self.name == "Ref_Key" {
            return None;
        }
        self.target.as_ref()?;
        self.name.strip_suffix("_Key")
    }
}

/// A tabular section.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) name: String,
    pub(crate) columns: Vec<Prop>,
}

impl Table {
    pub(crate) fn column(&self, name: &str) -> Option<&Prop> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// What kind of metadata object a set publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Catalog,
    Document,
    InformationRegister,
    ExchangePlan,
}

/// One published entity set.
#[derive(Clone, Debug)]
pub(crate) struct SetDef {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    pub(crate) props: Vec<Prop>,
    pub(crate) tables: Vec<Table>,
    /// Documents that may be posted (`Post`/`Unpost` function imports).
    pub(crate) postable: bool,
    /// Catalogs with a `Code`.
    pub(crate) has_code: bool,
}

impl SetDef {
    pub(crate) fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }

    pub(crate) fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Objects with a `Ref_Key` (everything but registers).
    pub(crate) fn is_object(&self) -> bool {
        self.kind != Kind::InformationRegister
    }

    /// The register key: its dimensions (composites with their `_Type`).
    pub(crate) fn dimensions(&self) -> impl Iterator<Item = &Prop> {
        self.props.iter().filter(|p| p.dimension)
    }
}

/// The whole published schema of one configuration.
#[derive(Clone, Debug)]
pub(crate) struct Schema {
    pub(crate) sets: Vec<SetDef>,
    index: HashMap<String, usize>,
    /// The sets read from the real metadata; schema text only annotates them.
    from_fixture: BTreeSet<String>,
    /// Whether catalogs have `PredefinedDataName`: not in compatibility mode 8.2.13 (УТ 10.3;
    /// `conformance/onec/DUMPS.md`, "Inferred, not seen in the capture").
    predefined_names: bool,
    /// Sets the publication leaves out: references into them are plain GUIDs.
    unpublished: BTreeSet<String>,
}

/// A schema text that does not parse: a bug in the files shipped with the crate.
#[derive(Debug, thiserror::Error)]
#[error("schema {file}, line {line}: {message}")]
pub(crate) struct SchemaError {
    file: &'static str,
    line: usize,
    message: String,
}

fn source(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "ut11" => ("ut11.txt", include_str!("ut11.txt")),
        "ka" => ("ka.txt", include_str!("ka.txt")),
        "esti" => ("esti.txt", include_str!("esti.txt")),
        "unf" => ("unf.txt", include_str!("unf.txt")),
        "ut103" => ("ut103.txt", include_str!("ut103.txt")),
        _ => return None,
    })
}

/// Keeps a fixture property's type and adds what the schema text knows about it; a property the
/// fixture lacks is published as written (the conformance test names it).
fn merge_prop(props: &mut Vec<Prop>, new: Prop) -> Result<(), String> {
    let Some(old) = props.iter_mut().find(|p| p.name == new.name) else {
        props.push(new);
        return Ok(());
    };
    if old.edm != new.edm {
        return Err(format!(
            "{} is {} in the real metadata, not {}",
            new.name,
            old.edm.name(),
            new.edm.name()
        ));
    }
    if !new.allowed.is_empty() {
        return Err(format!(
            "{}: enum values come from the fixture's enums.json, not from the schema text",
            new.name
        ));
    }
    if new.target.is_some() {
        old.target = new.target;
    }
    if !new.composite.is_empty() {
        old.composite = new.composite;
    }
    Ok(())
}

impl Schema {
    /// The schema of a configuration: its real metadata (where the repository has it) with the
    /// text shipped with the crate on top. Built once per configuration and process.
    pub(crate) fn for_configuration(configuration: Configuration) -> Schema {
        static BUILT: [OnceLock<Arc<Schema>>; 5] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let slot = Configuration::ALL
            .iter()
            .position(|c| *c == configuration)
            .expect("every configuration is in ALL");
        let built = BUILT[slot].get_or_init(|| {
            let mut schema = Schema {
                sets: Vec::new(),
                index: HashMap::new(),
                from_fixture: BTreeSet::new(),
                predefined_names: configuration != Configuration::Ut103,
                unpublished: BTreeSet::new(),
            };
            if let Some(f) = fixture::for_code(configuration.code()) {
                let sets = fixture::sets(&f)
                    .expect("the conformance fixtures read (a unit test checks each)");
                for set in sets {
                    schema.from_fixture.insert(set.name.clone());
                    schema.index.insert(set.name.clone(), schema.sets.len());
                    schema.sets.push(set);
                }
            }
            schema
                .load(configuration.code())
                .expect("the schema files shipped with the crate parse (a unit test checks each)");
            Arc::new(schema)
        });
        (**built).clone()
    }

    /// The schema without the sets a partial publication leaves out: they disappear from
    /// `$metadata`, the service document and every route, while references into them stay plain
    /// GUIDs that are accepted without a check (the platform cannot check what it does not
    /// publish either).
    pub(crate) fn unpublish(mut self, sets: &BTreeSet<String>) -> Schema {
        if sets.is_empty() {
            return self;
        }
        self.sets.retain(|s| !sets.contains(&s.name));
        // References into a left-out set lose their target: no navigation property, no link,
        // no existence check (the capture shows navigation properties only for published
        // targets: conformance/onec/DUMPS.md, "Conventions").
        for set in &mut self.sets {
            let columns = set.tables.iter_mut().flat_map(|t| t.columns.iter_mut());
            for p in set.props.iter_mut().chain(columns) {
                if p.name != "Ref_Key" && p.target.as_ref().is_some_and(|t| sets.contains(t)) {
                    p.target = None;
                }
            }
        }
        self.index = self
            .sets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        self.unpublished.extend(sets.iter().cloned());
        self
    }

    /// Whether a partial publication leaves this set out.
    pub(crate) fn is_unpublished(&self, set: &str) -> bool {
        self.unpublished.contains(set)
    }

    pub(crate) fn set(&self, name: &str) -> Option<&SetDef> {
        self.index.get(name).map(|&i| &self.sets[i])
    }

    /// A tabular section published as its own read-only set (`Document_X_Товары`).
    pub(crate) fn table_set(&self, name: &str) -> Option<(&SetDef, &Table)> {
        self.sets.iter().find_map(|set| {
            let rest = name.strip_prefix(set.name.as_str())?.strip_prefix('_')?;
            set.table(rest).map(|t| (set, t))
        })
    }

    fn load(&mut self, name: &str) -> Result<(), SchemaError> {
        let (file, text) = source(name).ok_or_else(|| SchemaError {
            file: "?",
            line: 0,
            message: format!("no schema named `{name}`"),
        })?;
        let err = |line: usize, message: String| SchemaError {
            file,
            line,
            message,
        };
        // Where indented lines go: the set being declared or extended, and its open table.
        let mut current: Option<usize> = None;
        let mut table: Option<usize> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = n + 1;
            if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                continue;
            }
            let indent = raw.len() - raw.trim_start().len();
            let words: Vec<&str> = raw.split_whitespace().collect();
            match indent {
                0 => {
                    table = None;
                    match words[0] {
                        "include" => {
                            let other = words
                                .get(1)
                                .ok_or_else(|| err(line, "include what?".into()))?;
                            self.load(other)?;
                            current = None;
                        }
                        "extend" => {
                            let set = words
                                .get(1)
                                .ok_or_else(|| err(line, "extend what?".into()))?;
                            current = Some(*self.index.get(*set).ok_or_else(|| {
                                err(line, format!("cannot extend unknown set {set}"))
                            })?);
                        }
                        kind => {
                            let name = words
                                .get(1)
                                .ok_or_else(|| err(line, "a set needs a name".into()))?;
                            if self.from_fixture.contains(*name) {
                                let i = self.index[*name];
                                self.annotate_set(i, kind, &words[2..])
                                    .map_err(|m| err(line, m))?;
                                current = Some(i);
                                continue;
                            }
                            let set = self.open_set(kind, &words[1..]).map_err(|m| err(line, m))?;
                            if self.index.contains_key(&set.name) {
                                return Err(err(line, format!("{} declared twice", set.name)));
                            }
                            self.index.insert(set.name.clone(), self.sets.len());
                            self.sets.push(set);
                            current = Some(self.sets.len() - 1);
                        }
                    }
                }
                2 => {
                    let set = current.ok_or_else(|| err(line, "property outside a set".into()))?;
                    if words[0] == "table" {
                        let name = words.get(1).ok_or_else(|| err(line, "table name".into()))?;
                        let columns = match words.get(2) {
                            Some(&"@ci") => contact_info_columns(),
                            Some(&"@dr") => extra_attribute_columns(),
                            Some(other) => {
                                return Err(err(line, format!("unknown macro {other}")));
                            }
                            None => Vec::new(),
                        };
                        let tables = &mut self.sets[set].tables;
                        let t = match tables.iter().position(|t| t.name == *name) {
                            Some(t) => t,
                            None => {
                                tables.push(Table {
                                    name: (*name).to_owned(),
                                    columns: Vec::new(),
                                });
                                tables.len() - 1
                            }
                        };
                        for c in columns {
                            merge_prop(&mut tables[t].columns, c).map_err(|m| err(line, m))?;
                        }
                        table = Some(t);
                    } else {
                        table = None;
                        let props = parse_prop(&words).map_err(|m| err(line, m))?;
                        for p in props {
                            merge_prop(&mut self.sets[set].props, p).map_err(|m| err(line, m))?;
                        }
                    }
                }
                4 => {
                    let set = current.ok_or_else(|| err(line, "column outside a set".into()))?;
                    let t = table.ok_or_else(|| err(line, "column outside a table".into()))?;
                    let props = parse_prop(&words).map_err(|m| err(line, m))?;
                    for p in props {
                        merge_prop(&mut self.sets[set].tables[t].columns, p)
                            .map_err(|m| err(line, m))?;
                    }
                }
                _ => return Err(err(line, format!("unexpected indentation {indent}"))),
            }
        }
        Ok(())
    }

    /// Applies a set line to a set from the real metadata: the kind must agree; `post` allows
    /// posting; `owner=A|B` lists the composite owner's types. `code` and `hierarchy` are the
    /// fixture's business (its standard properties say), so they are accepted and ignored.
    fn annotate_set(&mut self, i: usize, kind: &str, flags: &[&str]) -> Result<(), String> {
        let set = &mut self.sets[i];
        let expected = match set.kind {
            Kind::Catalog => "catalog",
            Kind::Document => "document",
            Kind::InformationRegister => "register",
            Kind::ExchangePlan => "exchange",
        };
        if kind != expected {
            return Err(format!("{} is a {expected} in the real metadata", set.name));
        }
        for flag in flags {
            match *flag {
                "code" | "hierarchy" => {}
                "post" => set.postable = true,
                f if f.starts_with("owner=") => {
                    let owners: Vec<String> =
                        f["owner=".len()..].split('|').map(str::to_owned).collect();
                    if let Some(owner) = set.props.iter_mut().find(|p| p.name == "Owner") {
                        owner.composite = owners;
                    } else if let Some(owner) = set.props.iter_mut().find(|p| p.name == "Owner_Key")
                    {
                        owner.target = owners.into_iter().next();
                    } else {
                        return Err(format!("{} has no owner in the real metadata", set.name));
                    }
                }
                other => return Err(format!("unknown flag `{other}`")),
            }
        }
        Ok(())
    }

    fn open_set(&self, kind: &str, words: &[&str]) -> Result<SetDef, String> {
        let name = words.first().ok_or("a set needs a name")?.to_string();
        let kind = match kind {
            "catalog" => Kind::Catalog,
            "document" => Kind::Document,
            "register" => Kind::InformationRegister,
            "exchange" => Kind::ExchangePlan,
            other => return Err(format!("unknown kind `{other}`")),
        };
        let (mut code, mut hierarchy, mut post) = (false, false, false);
        let mut owners: Vec<String> = Vec::new();
        for flag in &words[1..] {
            match *flag {
                "code" => code = true,
                "hierarchy" => hierarchy = true,
                "post" => post = true,
                f if f.starts_with("owner=") => {
                    owners = f["owner=".len()..].split('|').map(str::to_owned).collect();
                }
                other => return Err(format!("unknown flag `{other}`")),
            }
        }
        let mut props = Vec::new();
        let mut key = Prop::standard("Ref_Key", Edm::Guid);
        key.target = Some(name.clone());
        match kind {
            Kind::Catalog => {
                props.push(key);
                props.push(Prop::standard("Predefined", Edm::Boolean));
                if self.predefined_names {
                    props.push(Prop::standard("PredefinedDataName", Edm::String));
                }
                props.push(Prop::standard("DataVersion", Edm::String));
                props.push(Prop::standard("Description", Edm::String));
                if code {
                    props.push(Prop::standard("Code", Edm::String));
                }
                if hierarchy {
                    let mut parent = Prop::standard("Parent_Key", Edm::Guid);
                    parent.target = Some(name.clone());
                    props.push(parent);
                    props.push(Prop::standard("IsFolder", Edm::Boolean));
                }
                props.push(Prop::standard("DeletionMark", Edm::Boolean));
                match owners.len() {
                    0 => {}
                    1 => {
                        let mut owner = Prop::standard("Owner_Key", Edm::Guid);
                        owner.target = Some(owners[0].clone());
                        props.push(owner);
                    }
                    _ => {
                        let mut owner = Prop::standard("Owner", Edm::String);
                        owner.composite = owners.clone();
                        let mut owner_type = Prop::standard("Owner_Type", Edm::String);
                        owner_type.type_of = true;
                        props.push(owner);
                        props.push(owner_type);
                    }
                }
            }
            Kind::Document => {
                props.push(key);
                props.push(Prop::standard("DataVersion", Edm::String));
                props.push(Prop::standard("Number", Edm::String));
                props.push(Prop::standard("Date", Edm::DateTime));
                props.push(Prop::standard("DeletionMark", Edm::Boolean));
                props.push(Prop::standard("Posted", Edm::Boolean));
            }
            Kind::ExchangePlan => {
                props.push(key);
                props.push(Prop::standard("Code", Edm::String));
                props.push(Prop::standard("Description", Edm::String));
                props.push(Prop::standard("DataVersion", Edm::String));
                props.push(Prop::standard("DeletionMark", Edm::Boolean));
                props.push(Prop::standard("SentNo", Edm::Int64));
                props.push(Prop::standard("ReceivedNo", Edm::Int64));
                props.push(Prop::standard("ExchangeDate", Edm::DateTime));
            }
            Kind::InformationRegister => {}
        }
        Ok(SetDef {
            name,
            kind,
            props,
            tables: Vec::new(),
            postable: post,
            has_code: code || kind == Kind::ExchangePlan,
        })
    }
}

/// Parses `[dim] Name Type [enum=…]`, `[dim] Name_Key -> Target` or `[dim] Name ~ A|B`.
fn parse_prop(words: &[&str]) -> Result<Vec<Prop>, String> {
    let (dimension, words) = match words.first() {
        Some(&"dim") => (true, &words[1..]),
        _ => (false, words),
    };
    let name = *words.first().ok_or("a property needs a name")?;
    let second = *words
        .get(1)
        .ok_or_else(|| format!("{name}: a type is missing"))?;
    let mut out = Vec::new();
    match second {
        "->" => {
            let target = words.get(2).ok_or_else(|| format!("{name}: -> what?"))?;
            if !name.ends_with("_Key") {
                return Err(format!("{name}: a reference must end in _Key"));
            }
            let mut p = Prop::new(name, Edm::Guid);
            p.target = Some((*target).to_owned());
            out.push(p);
        }
        "~" => {
            let types = words.get(2).ok_or_else(|| format!("{name}: ~ what?"))?;
            let mut p = Prop::new(name, Edm::String);
            p.composite = types.split('|').map(str::to_owned).collect();
            let mut t = Prop::new(&format!("{name}_Type"), Edm::String);
            t.type_of = true;
            out.push(p);
            out.push(t);
        }
        ty => {
            let edm = match ty {
                "S" => Edm::String,
                "G" => Edm::Guid,
                "D" => Edm::DateTime,
                "B" => Edm::Boolean,
                "N" => Edm::Double,
                "I" => Edm::Int64,
                other => return Err(format!("{name}: unknown type `{other}`")),
            };
            let mut p = Prop::new(name, edm);
            if let Some(list) = words.get(2).and_then(|w| w.strip_prefix("enum=")) {
                p.allowed = list.split('|').map(str::to_owned).collect();
            }
            out.push(p);
        }
    }
    for p in &mut out {
        p.dimension = dimension;
    }
    Ok(out)
}

/// The columns of `КонтактнаяИнформация`, as the real УТ 11 capture lists them.
fn contact_info_columns() -> Vec<Prop> {
    let mut kind = Prop::new("Вид_Key", Edm::Guid);
    kind.target = Some("Catalog_ВидыКонтактнойИнформации".to_owned());
    vec![
        Prop::new("Тип", Edm::String),
        kind,
        Prop::new("Представление", Edm::String),
        Prop::new("ЗначенияПолей", Edm::String),
        Prop::new("Страна", Edm::String),
        Prop::new("Регион", Edm::String),
        Prop::new("Город", Edm::String),
        Prop::new("АдресЭП", Edm::String),
        Prop::new("ДоменноеИмяСервера", Edm::String),
        Prop::new("НомерТелефона", Edm::String),
        Prop::new("НомерТелефонаБезКодов", Edm::String),
        Prop::new("ВидДляСписка_Key", Edm::Guid),
        Prop::new("ДействуетС", Edm::DateTime),
        Prop::new("Значение", Edm::String),
    ]
}

/// The columns of `ДополнительныеРеквизиты` (the value is a composite).
fn extra_attribute_columns() -> Vec<Prop> {
    let mut value = Prop::new("Значение", Edm::String);
    value.composite = vec!["Edm.String".to_owned()];
    let mut value_type = Prop::new("Значение_Type", Edm::String);
    value_type.type_of = true;
    vec![
        Prop::new("Свойство_Key", Edm::Guid),
        value,
        Prop::new("ТекстоваяСтрока", Edm::String),
        value_type,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configuration_parses_and_references_resolve() {
        for c in Configuration::ALL {
            let schema = Schema::for_configuration(c);
            for set in &schema.sets {
                let columns = set.tables.iter().flat_map(|t| t.columns.iter());
                for p in set.props.iter().chain(columns) {
                    if let Some(target) = &p.target {
                        assert!(
                            schema.set(target).is_some(),
                            "{c:?}: {}.{} points at unknown {target}",
                            set.name,
                            p.name
                        );
                    }
                    // Composites may name objects outside the published sets (УТ 10.3's
                    // `Catalog_Кассы`): those are accepted as plain GUIDs, so only the form
                    // of the name is checked.
                    for t in &p.composite {
                        assert!(
                            t == "Edm.String"
                                || t == fixture::ANY_TYPE
                                || schema.set(t).is_some()
                                || t.starts_with("Catalog_")
                                || t.starts_with("Document_"),
                            "{c:?}: {}.{} may hold unknown {t}",
                            set.name,
                            p.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn esti_extends_ut11_objects() {
        let schema = Schema::for_configuration(Configuration::Esti);
        let partners = schema.set("Catalog_Партнеры").unwrap();
        assert!(partners.prop("ВыгружатьВОкДеск").is_some());
        assert!(partners.prop("Code").is_some());
        assert!(schema.set("ExchangePlan_ОбменСОкДеск").is_some());
        let contacts = schema.set("Catalog_КонтактныеЛицаПартнеров").unwrap();
        assert_eq!(
            contacts.prop("Owner_Key").unwrap().target.as_deref(),
            Some("Catalog_Партнеры")
        );
        let ut11 = Schema::for_configuration(Configuration::Ut11);
        assert!(ut11
            .set("Catalog_Контрагенты")
            .unwrap()
            .prop("Code")
            .is_none());
        assert!(ut11.set("ExchangePlan_ОбменСОкДеск").is_none());
    }
}
