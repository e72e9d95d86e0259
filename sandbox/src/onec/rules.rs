//! The business rules the real configurations' object modules apply to the documents the project
//! writes, taken from `conformance/onec/<conf>-dump/RULES.md`: what a new document gets filled
//! with, what `ПередЗаписью` recomputes or refuses on every write, and what the fill check
//! (`FillChecking = ShowError` plus `ОбработкаПроверкиЗаполнения`) refuses when a document is
//! posted. Refusals are HTTP 500 with code `-1` and one message shape:
//! «Ошибка при вызове метода контекста (Записать): Не удалось провести|записать "<документ>"! …».
//! That wrapper is the simulator's guess at what the platform puts around the messages; the
//! messages after it are the configuration's own (quoted in RULES.md). Field names in the
//! standard messages are attribute synonyms: where RULES.md quotes one it is used, elsewhere the
//! synonym is derived from the attribute name («КоличествоУпаковок» → «Количество упаковок»),
//! which is a guess.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::config::{Configuration, OnecConfig};
use super::error::OdataError;
use super::schema::SetDef;
use super::store::{Infobase, Obj, Row};
use super::value::Val;

/// The rules in force in one simulated base.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    configuration: Configuration,
    options: BTreeSet<String>,
    fill: bool,
}

/// A required field: its OData name, the synonym in messages, and the functional option that
/// switches it off (the platform skips the check when the option is off).
struct Field {
    prop: &'static str,
    synonym: &'static str,
    option: Option<&'static str>,
}

const fn field(prop: &'static str, synonym: &'static str, option: Option<&'static str>) -> Field {
    Field {
        prop,
        synonym,
        option,
    }
}

fn value<'a>(props: &'a std::collections::HashMap<String, Val>, name: &str) -> Option<&'a Val> {
    props.get(name)
}

fn filled(props: &std::collections::HashMap<String, Val>, name: &str) -> bool {
    value(props, name).is_some_and(|v| !v.is_empty() && v.text() != super::value::UNDEFINED)
}

fn text(props: &std::collections::HashMap<String, Val>, name: &str) -> String {
    value(props, name).map(Val::text).unwrap_or_default()
}

fn number(props: &std::collections::HashMap<String, Val>, name: &str) -> f64 {
    match value(props, name) {
        Some(Val::Num(n)) => *n,
        Some(Val::Int(i)) => *i as f64,
        Some(Val::Short(i)) => f64::from(*i),
        _ => 0.0,
    }
}

fn flag(props: &std::collections::HashMap<String, Val>, name: &str) -> bool {
    matches!(value(props, name), Some(Val::Bool(true)))
}

fn date(props: &std::collections::HashMap<String, Val>, name: &str) -> Option<NaiveDateTime> {
    match value(props, name) {
        Some(Val::Date(d)) if !Val::Date(*d).is_empty() => Some(*d),
        _ => None,
    }
}

/// Money compared to the kopeck.
fn same_money(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// The document's presentation as 1C prints it: «Заказ клиента ОК00-000001 от 10.09.2025 10:00:00».
fn presentation(def: &SetDef, obj: &Obj) -> String {
    let synonym = match def.name.as_str() {
        "Document_ЗаказКлиента" => "Заказ клиента",
        "Document_СчетНаОплатуКлиенту" => "Счет на оплату клиенту",
        "Document_СчетНаОплатуПокупателю" => "Счет на оплату покупателю",
        "Document_СчетНаОплату" => "Счет на оплату",
        "Document_ЗаданиеНаРаботу" => "Задание на работу",
        "Document_УчетВремени" => "Учет времени",
        other => other.strip_prefix("Document_").unwrap_or(other),
    };
    let when = date(&obj.props, "Date")
        .map(|d| d.format(" от %d.%m.%Y %-H:%M:%S").to_string())
        .unwrap_or_default();
    format!("{synonym} {}{when}", text(&obj.props, "Number"))
}

fn refused(verb: &str, def: &SetDef, obj: &Obj, messages: &[String]) -> OdataError {
    OdataError::internal(format!(
        "Ошибка при вызове метода контекста (Записать): Не удалось {verb} \"{}\"! {}",
        presentation(def, obj),
        messages.join("\n")
    ))
}

fn column_missing(synonym: &str, line: usize, table: &str) -> String {
    format!("Не заполнена колонка \"{synonym}\" в строке {line} списка \"{table}\"")
}

/// The platform's standard fill check of header fields.
fn check_header(on: &BTreeSet<String>, obj: &Obj, fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
        if f.option.is_some_and(|o| !on.contains(o)) {
            continue;
        }
        if !filled(&obj.props, f.prop) {
            out.push(format!("Поле \"{}\" не заполнено", f.synonym));
        }
    }
}

/// The platform's standard fill check of a tabular section (at least one row, when `required`)
/// and its columns.
fn check_table(
    on: &BTreeSet<String>,
    rows: &[Row],
    table: &str,
    required: bool,
    columns: &[Field],
    out: &mut Vec<String>,
) {
    if required && rows.is_empty() {
        out.push(format!("Не введено ни одной строки в список \"{table}\""));
    }
    for (i, row) in rows.iter().enumerate() {
        for c in columns {
            if c.option.is_some_and(|o| !on.contains(o)) {
                continue;
            }
            if !filled(row, c.prop) {
                out.push(column_missing(c.synonym, i + 1, table));
            }
        }
    }
}

fn rows<'a>(obj: &'a Obj, table: &str) -> &'a [Row] {
    obj.tables.get(table).map_or(&[], Vec::as_slice)
}

impl Rules {
    pub(crate) fn new(config: &OnecConfig) -> Rules {
        Rules {
            configuration: config.configuration,
            options: config.effective_functional_options(),
            fill: config.emulate_filling,
        }
    }

    fn lineage_ut11(&self) -> bool {
        matches!(
            self.configuration,
            Configuration::Ut11 | Configuration::Ka | Configuration::Esti
        )
    }

    /// What a new document gets before its first write (POST).
    pub(crate) fn on_create(&self, ib: &Infobase, def: &SetDef, obj: &mut Obj) {
        if self.lineage_ut11() && def.name == "Document_ЗаказКлиента" && self.fill {
            fill_new_order(ib, obj);
        }
    }

    /// `ПередЗаписью`: runs on every write (POST, PATCH) and again on posting.
    pub(crate) fn before_write(
        &self,
        ib: &Infobase,
        def: &SetDef,
        obj: &mut Obj,
        is_new: bool,
    ) -> Result<(), OdataError> {
        match (self.configuration, def.name.as_str()) {
            (
                Configuration::Ut11 | Configuration::Ka | Configuration::Esti,
                "Document_ЗаказКлиента",
            ) => {
                // ut11-dump/RULES.md, ЗаказКлиента ПередЗаписью rule 1 (first half): a new
                // order that is not an order-as-invoice becomes one when the extended order
                // features are off.
                if is_new
                    && !flag(&obj.props, "ЭтоЗаказКакСчет")
                    && !self
                        .options
                        .contains("ИспользоватьРасширенныеВозможностиЗаказаКлиента")
                {
                    obj.set("ЭтоЗаказКакСчет", Val::Bool(true));
                }
                // Rule 5: `СуммаДокумента` is the sum of the non-cancelled rows, whatever the
                // client sent.
                let with_vat = flag(&obj.props, "ЦенаВключаетНДС");
                let total: f64 = rows(obj, "Товары")
                    .iter()
                    .filter(|r| !flag(r, "Отменено"))
                    .map(|r| {
                        number(r, "Сумма")
                            + if with_vat {
                                0.0
                            } else {
                                number(r, "СуммаНДС")
                            }
                    })
                    .sum();
                obj.set("СуммаДокумента", Val::Num(round2(total)));
                Ok(())
            }
            (Configuration::Ut103, "Document_СчетНаОплатуПокупателю") => {
                ut103_invoice_before_write(ib, def, obj)
            }
            (Configuration::Unf, "Document_СчетНаОплату") => {
                // unf-dump/RULES.md, СчетНаОплату ПередЗаписью: `СуммаДокумента` is the sum of
                // `Запасы.Всего` (plus delivery, which the simulator does not model).
                let total: f64 = rows(obj, "Запасы").iter().map(|r| number(r, "Всего")).sum();
                obj.set("СуммаДокумента", Val::Num(round2(total)));
                // Without automatic discounts `СкидкиРассчитаны` is forced to true.
                if !self
                    .options
                    .contains("ИспользоватьАвтоматическиеСкидкиНаценки")
                {
                    obj.set("СкидкиРассчитаны", Val::Bool(true));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Posting: the fill check, then `ПередЗаписью` in posting mode.
    pub(crate) fn on_post(
        &self,
        ib: &Infobase,
        def: &SetDef,
        obj: &mut Obj,
    ) -> Result<(), OdataError> {
        let mut messages = Vec::new();
        match (self.configuration, def.name.as_str()) {
            (
                Configuration::Ut11 | Configuration::Ka | Configuration::Esti,
                "Document_ЗаказКлиента",
            ) => {
                self.order_fill_check(ib, obj, &mut messages);
                if messages.is_empty() {
                    self.order_before_posting(def, obj, &mut messages);
                }
            }
            (
                Configuration::Ut11 | Configuration::Ka | Configuration::Esti,
                "Document_СчетНаОплатуКлиенту",
            ) => {
                self.invoice_fill_check(ib, obj, &mut messages);
            }
            (Configuration::Unf, "Document_СчетНаОплату") => {
                self.unf_invoice_fill_check(ib, obj, &mut messages);
            }
            (Configuration::Unf, "Document_ЗаданиеНаРаботу") => {
                self.unf_task_fill_check(obj, &mut messages);
            }
            (Configuration::Unf, "Document_УчетВремени") => {
                self.unf_timesheet_fill_check(obj, &mut messages);
            }
            _ => {
                // Documents without rules of their own: a document without an organization
                // cannot be posted (the simulator's generic stand-in for the fill check).
                if def.prop("Организация_Key").is_some() && !filled(&obj.props, "Организация_Key")
                {
                    messages.push("Поле \"Организация\" не заполнено".to_owned());
                }
            }
        }
        if !messages.is_empty() {
            return Err(refused("провести", def, obj, &messages));
        }
        self.before_write(ib, def, obj, false)
    }

    /// ut11-dump/RULES.md (ka-dump/RULES.md is the same): ЗаказКлиента ОбработкаПроверкиЗаполнения
    /// and the `ShowError` table.
    fn order_fill_check(&self, ib: &Infobase, obj: &Obj, out: &mut Vec<String>) {
        let on = &self.options;
        let delivery = Some("ИспользоватьУправлениеДоставкой");
        // `ДатаОтгрузки`, `Договор` and the quantity pair are removed from the standard check
        // (checked by code; `Договор` only when the agreement requires contracts, which the
        // simulator does not model, so it is never required here: RULES.md rule 8).
        // `АдресДоставки` has no option of its own but belongs to the delivery check (rule 9).
        const HEADER: &[Field] = &[
            field("Партнер_Key", "Партнер", None),
            field(
                "Контрагент_Key",
                "Контрагент",
                Some("ИспользоватьПартнеровИКонтрагентов"),
            ),
            field(
                "Организация_Key",
                "Организация",
                Some("ИспользоватьНесколькоОрганизаций"),
            ),
            field(
                "Соглашение_Key",
                "Соглашение",
                Some("ИспользоватьСоглашенияСКлиентами"),
            ),
            field("Валюта_Key", "Валюта", Some("ИспользоватьНесколькоВалют")),
            field(
                "Статус",
                "Статус",
                Some("ИспользоватьРасширенныеВозможностиЗаказаКлиента"),
            ),
            field(
                "НалогообложениеНДС",
                "Налогообложение НДС",
                Some("ИспользоватьУчетНДС"),
            ),
            field(
                "СкидкиРассчитаны",
                "Скидки рассчитаны",
                Some("ИспользоватьАвтоматическиеСкидкиВПродажах"),
            ),
            field("ХозяйственнаяОперация", "Хозяйственная операция", None),
            // RULES.md quotes «Поле "Приоритет" не заполнено».
            field("Приоритет_Key", "Приоритет", None),
        ];
        check_header(on, obj, HEADER, out);
        check_header(
            on,
            obj,
            &[
                field("АдресДоставки", "Адрес доставки", delivery),
                field("СпособДоставки", "Способ доставки", delivery),
                field("ПеревозчикПартнер_Key", "Перевозчик", delivery),
                field(
                    "АдресДоставкиПеревозчика",
                    "Адрес доставки перевозчика",
                    delivery,
                ),
            ],
            out,
        );
        let goods = rows(obj, "Товары");
        if goods.is_empty() {
            out.push("Не введено ни одной строки в список \"Товары\"".to_owned());
        }
        for (i, row) in goods.iter().enumerate() {
            let line = i + 1;
            for c in [
                field("Номенклатура_Key", "Номенклатура", None),
                field(
                    "Характеристика_Key",
                    "Характеристика",
                    Some("ИспользоватьХарактеристикиНоменклатуры"),
                ),
                field("СтавкаНДС_Key", "Ставка НДС", Some("ИспользоватьУчетНДС")),
                field("ВариантОбеспечения", "Вариант обеспечения", None),
                field(
                    "Серия_Key",
                    "Серия",
                    Some("ИспользоватьСерииНоменклатурыСклад"),
                ),
            ] {
                if c.option.is_some_and(|o| !on.contains(o)) {
                    continue;
                }
                if !filled(row, c.prop) {
                    out.push(column_missing(c.synonym, line, "Товары"));
                }
            }
            // Rule 2: both quantities must be non-zero.
            if number(row, "КоличествоУпаковок") == 0.0 {
                out.push(column_missing("Количество упаковок", line, "Товары"));
            } else if number(row, "Количество") == 0.0 {
                out.push(format!("Обнаружено нулевое количество при пересчете в единицу хранения в строке {line} списка \"Товары\""));
            }
            // Rule 4: items sold with a certificate of work done need the content text.
            let item = value(row, "Номенклатура_Key").and_then(|v| match v {
                Val::Guid(g) => ib.get("Catalog_Номенклатура", *g),
                _ => None,
            });
            if item.is_some_and(|i| {
                text(&i.props, "ВариантОформленияПродажи") == "АктВыполненныхРабот"
            }) && !filled(row, "Содержание")
            {
                out.push(format!("{}.", column_missing("Содержание", line, "Товары")));
            }
            // Rule 7: a cancelled row needs its reason when reasons are used.
            if on.contains("ИспользоватьПричиныОтменыЗаказовКлиентов")
                && flag(row, "Отменено")
                && !filled(row, "ПричинаОтмены_Key")
            {
                out.push(format!(
                    "Необходимо указать причину отмены в строке {line} списка \"Товары\""
                ));
            }
        }
    }

    /// ЗаказКлиента ПередЗаписью when posting: rules 1 and 2.
    fn order_before_posting(&self, def: &SetDef, obj: &Obj, out: &mut Vec<String>) {
        if flag(&obj.props, "ЭтоЗаказКакСчет") && text(&obj.props, "Статус") != "НеСогласован"
        {
            out.push("Заказ как счет должен иметь статус \"На согласовании\".".to_owned());
        }
        // The operations that transfer goods (ПродажиСервер.ОперацииПередачиТоваров) are exempt;
        // which they are exactly is not extracted, the two named in RULES.md are used. The text
        // after «Проведение невозможно.» is not known.
        let transfer = matches!(
            text(&obj.props, "ХозяйственнаяОперация").as_str(),
            "ПередачаНаКомиссию" | "ПередачаНаХранениеСПравомПродажи"
        );
        if self
            .options
            .contains("ИспользоватьАвтоматическиеСкидкиВПродажах")
            && !flag(&obj.props, "СкидкиРассчитаны")
            && !transfer
        {
            out.push(format!(
                "В документе {} не рассчитаны автоматические скидки (наценки). Проведение невозможно.",
                presentation(def, obj)
            ));
        }
    }

    /// ut11-dump/RULES.md, СчетНаОплатуКлиенту ОбработкаПроверкиЗаполнения and its `ShowError`
    /// table.
    fn invoice_fill_check(&self, ib: &Infobase, obj: &Obj, out: &mut Vec<String>) {
        let stages = rows(obj, "ЭтапыГрафикаОплаты");
        let deposit = |r: &Row| flag(r, "ЭтоЗалогЗаТару");
        // Rule 1.
        let percent: f64 = stages
            .iter()
            .filter(|r| !deposit(r))
            .map(|r| number(r, "ПроцентПлатежа"))
            .sum();
        if !same_money(percent, 100.0) {
            out.push("Процент платежей по всем этапам должен быть равен 100%".to_owned());
        }
        // Rule 2.
        let amount: f64 = stages.iter().map(|r| number(r, "СуммаПлатежа")).sum();
        let total = number(&obj.props, "СуммаДокумента");
        if amount > 0.0 && !same_money(amount, total) {
            out.push("Сумма документа не должна отличаться от суммы этапов оплаты".to_owned());
        }
        // Rule 3: not above the basis document (an order; a contract has no amount).
        let basis_type = text(&obj.props, "ДокументОснование_Type");
        let basis_type = basis_type
            .strip_prefix("StandardODATA.")
            .unwrap_or(&basis_type);
        if basis_type != "Catalog_ДоговорыКонтрагентов" && !flag(&obj.props, "Аннулирован")
        {
            let basis = Uuid::parse_str(text(&obj.props, "ДокументОснование").trim())
                .ok()
                .and_then(|g| ib.get(basis_type, g).map(|b| (g, b)));
            if let (Some((_, b)), Some(bdef)) = (basis, ib.schema.set(basis_type)) {
                if total > number(&b.props, "СуммаДокумента") + 0.005 {
                    out.push(format!(
                        "Сумма документа не может быть больше суммы документа-основания \"{}\"",
                        presentation(bdef, b)
                    ));
                }
            }
        }
        // Rule 4: the percentage column, for non-deposit stages only.
        for (i, r) in stages.iter().enumerate() {
            if !deposit(r) && number(r, "ПроцентПлатежа") == 0.0 {
                out.push(column_missing(
                    "Процент платежа",
                    i + 1,
                    "Этапы графика оплаты",
                ));
            }
        }
        const HEADER: &[Field] = &[
            field(
                "Организация_Key",
                "Организация",
                Some("ИспользоватьНесколькоОрганизаций"),
            ),
            field("Валюта_Key", "Валюта", Some("ИспользоватьНесколькоВалют")),
            field("ДокументОснование", "Документ-основание", None),
            field("Партнер_Key", "Партнер", None),
            field(
                "Контрагент_Key",
                "Контрагент",
                Some("ИспользоватьПартнеровИКонтрагентов"),
            ),
        ];
        check_header(&self.options, obj, HEADER, out);
        check_table(
            &self.options,
            stages,
            "Этапы графика оплаты",
            true,
            &[
                field("ДатаПлатежа", "Дата платежа", None),
                field("СуммаПлатежа", "Сумма платежа", None),
            ],
            out,
        );
    }

    /// unf-dump/RULES.md, СчетНаОплату ОбработкаПроверкиЗаполнения and its `ShowError` table.
    fn unf_invoice_fill_check(&self, ib: &Infobase, obj: &Obj, out: &mut Vec<String>) {
        let mut header = vec![
            field("Контрагент_Key", "Контрагент", None),
            field("НалогообложениеНДС", "Налогообложение НДС", None),
            field(
                "Организация_Key",
                "Организация",
                Some("ИспользоватьНесколькоОрганизаций"),
            ),
            field(
                "ВалютаДокумента_Key",
                "Валюта документа",
                Some("УчетВалютныхОпераций"),
            ),
        ];
        // Rule 4: the contract is required only when the counterparty keeps settlements by
        // contracts.
        let by_contracts = value(&obj.props, "Контрагент_Key")
            .and_then(|v| match v {
                Val::Guid(g) => ib.get("Catalog_Контрагенты", *g),
                _ => None,
            })
            .is_some_and(|c| flag(&c.props, "ВестиРасчетыПоДоговорам"));
        if by_contracts {
            header.push(field("Договор_Key", "Договор", None));
        }
        // Rule 2: the bank account or the cash desk only when the payment is planned.
        if flag(&obj.props, "ЗапланироватьОплату") {
            if text(&obj.props, "ТипДенежныхСредств") == "Наличные" {
                header.push(field("Касса_Key", "Касса", None));
            } else {
                header.push(field("БанковскийСчет_Key", "Банковский счет", None));
            }
        }
        check_header(&self.options, obj, &header, out);
        check_table(
            &self.options,
            rows(obj, "Запасы"),
            "Запасы",
            false,
            &[
                field("Номенклатура_Key", "Номенклатура", None),
                field("Количество", "Количество", None),
                field(
                    "ЕдиницаИзмерения",
                    "Единица измерения",
                    Some("УчетВРазличныхЕдиницахИзмерения"),
                ),
                field("Цена", "Цена", None),
                field("СтавкаНДС_Key", "Ставка НДС", None),
            ],
            out,
        );
        // Rule 3, then the column check of the payment calendar.
        let calendar = rows(obj, "ПлатежныйКалендарь");
        if flag(&obj.props, "ЗапланироватьОплату")
            && calendar.len() == 1
            && !filled(&calendar[0], "ДатаОплаты")
        {
            out.push("Поле \"Дата оплаты\" не заполнено.".to_owned());
        } else {
            check_table(
                &self.options,
                calendar,
                "Платежный календарь",
                false,
                &[field("ДатаОплаты", "Дата оплаты", None)],
                out,
            );
        }
    }

    /// unf-dump/RULES.md, ЗаданиеНаРаботу (posted only when someone posts it).
    fn unf_task_fill_check(&self, obj: &Obj, out: &mut Vec<String>) {
        check_header(
            &self.options,
            obj,
            &[
                field(
                    "Организация_Key",
                    "Организация",
                    Some("ИспользоватьНесколькоОрганизаций"),
                ),
                field("Состояние_Key", "Состояние", None),
                field("Сотрудник_Key", "Сотрудник", None),
                field(
                    "СтруктурнаяЕдиница_Key",
                    "Структурная единица",
                    Some("УчетПоНесколькимПодразделениям"),
                ),
            ],
            out,
        );
        let works = rows(obj, "Работы");
        check_table(
            &self.options,
            works,
            "Работы",
            false,
            &[field("ДатаНачала", "Дата начала", None)],
            out,
        );
        // Rule 1: an end before the start (an empty end is the earliest date).
        for r in works {
            let start = value(r, "ДатаНачала").map(Val::text).unwrap_or_default();
            let end = value(r, "ДатаОкончания").map(Val::text);
            let end = end.unwrap_or_else(|| super::value::EMPTY_DATE.to_owned());
            if !start.is_empty() && end < start {
                out.push("Дата окончания не может быть меньше даты начала.".to_owned());
                break;
            }
        }
    }

    /// unf-dump/RULES.md, УчетВремени (posted only when someone posts it).
    fn unf_timesheet_fill_check(&self, obj: &Obj, out: &mut Vec<String>) {
        check_header(
            &self.options,
            obj,
            &[
                field(
                    "Организация_Key",
                    "Организация",
                    Some("ИспользоватьНесколькоОрганизаций"),
                ),
                field(
                    "СтруктурнаяЕдиница_Key",
                    "Структурная единица",
                    Some("УчетПоНесколькимПодразделениям"),
                ),
                field("Сотрудник_Key", "Сотрудник", None),
                field("ДатаС", "Дата с", None),
                field("ДатаПо", "Дата по", None),
            ],
            out,
        );
        let ops = rows(obj, "Операции");
        check_table(
            &self.options,
            ops,
            "Операции",
            false,
            &[field("Всего", "Всего", None)],
            out,
        );
        // Rule 1: a duration needs an end time, and a start or end time needs a duration.
        const DAYS: [(&str, &str); 7] = [
            ("Пн", "Понедельник"),
            ("Вт", "Вторник"),
            ("Ср", "Среда"),
            ("Чт", "Четверг"),
            ("Пт", "Пятница"),
            ("Сб", "Суббота"),
            ("Вс", "Воскресенье"),
        ];
        for (i, r) in ops.iter().enumerate() {
            for (short, long) in DAYS {
                let duration = number(r, &format!("{short}Длительность")) != 0.0;
                let start = filled(r, &format!("{short}ВремяНачала"));
                let end = filled(r, &format!("{short}ВремяОкончания"));
                if ((start || end) && !duration) || (duration && !end) {
                    out.push(format!(
                        "Не корректно заполнена колонка \"{long}\" в строке {}.",
                        i + 1
                    ));
                }
            }
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Emulates `ОбработкаЗаполнения` → `ИнициализироватьДокумент` of a new order
/// (ut11-dump/RULES.md, «Filling defaults»): the priority, `Товары.ВариантОбеспечения` where
/// empty, and the VAT regime. Whether an OData POST runs `ОбработкаЗаполнения` at all is not
/// verified; `OnecConfig::emulate_filling(false)` turns this off.
fn fill_new_order(ib: &Infobase, obj: &mut Obj) {
    if !filled(&obj.props, "Приоритет_Key") {
        // The middle priority, as a new base's default; any priority if the names differ.
        let priority = ib.set_data("Catalog_Приоритеты").and_then(|d| {
            d.objects
                .iter()
                .find(|o| text(&o.props, "Description") == "Средний")
                .or_else(|| d.objects.first())
                .map(|o| o.id)
        });
        if let Some(p) = priority {
            obj.set("Приоритет_Key", Val::Guid(p));
        }
    }
    if !filled(&obj.props, "НалогообложениеНДС") {
        obj.set(
            "НалогообложениеНДС",
            Val::Str("ПродажаОблагаетсяНДС".to_owned()),
        );
    }
    if let Some(goods) = obj.tables.get_mut("Товары") {
        for row in goods {
            if !filled(row, "ВариантОбеспечения") {
                row.insert(
                    "ВариантОбеспечения".to_owned(),
                    Val::Str("Отгрузить".to_owned()),
                );
            }
        }
    }
}

/// ut103-dump/RULES.md, СчетНаОплатуПокупателю ПередЗаписью: runs on every write (the document
/// cannot be posted). `СообщитьОбОшибке` emits the header line once, then each message.
fn ut103_invoice_before_write(
    ib: &Infobase,
    def: &SetDef,
    obj: &mut Obj,
) -> Result<(), OdataError> {
    let mut out: Vec<String> = Vec::new();
    // Rule 1: header fields; the contract only when the counterparty is a Контрагенты item.
    let mut header = vec![
        ("Организация_Key", "Организация"),
        ("ВалютаДокумента_Key", "Валюта документа"),
        ("СтруктурнаяЕдиница", "Банк/касса"),
        ("Контрагент", "Контрагент"),
    ];
    let counterparty_type = text(&obj.props, "Контрагент_Type");
    if counterparty_type.trim_start_matches("StandardODATA.") == "Catalog_Контрагенты" {
        header.push(("ДоговорКонтрагента_Key", "Договор контрагента"));
    }
    header.push(("КратностьВзаиморасчетов", "Кратность взаиморасчетов"));
    for (prop, synonym) in header {
        if !filled(&obj.props, prop) {
            out.push(format!("Не заполнено значение реквизита \"{synonym}\"!"));
        }
    }
    // Rule 2: the contract's organization is the document's.
    if let Some(Val::Guid(c)) = value(&obj.props, "ДоговорКонтрагента_Key") {
        if let Some(contract) = ib.get("Catalog_ДоговорыКонтрагентов", *c) {
            if value(&contract.props, "Организация_Key") != value(&obj.props, "Организация_Key")
            {
                out.push(
                    "Выбран договор контрагента, не соответствующий организации, указанной в документе!"
                        .to_owned(),
                );
            }
        }
    }
    // Rule 4: without VAT accounting every row is «без НДС».
    if !flag(&obj.props, "УчитыватьНДС") {
        for table in ["Товары", "Услуги"] {
            if let Some(rows) = obj.tables.get_mut(table) {
                for r in rows {
                    r.insert("СтавкаНДС".to_owned(), Val::Str("БезНДС".to_owned()));
                }
            }
        }
    }
    // Rules 5 and 6: row columns. `Цена` is dropped only for users allowed zero prices; the
    // simulated user (an ordinary integration account) is not.
    let row_checks: [(&str, &[(&str, &str)]); 2] = [
        (
            "Товары",
            &[
                ("Номенклатура_Key", "Номенклатура"),
                ("Количество", "Количество"),
                ("Цена", "Цена"),
                ("СтавкаНДС", "Ставка НДС"),
                ("ЕдиницаИзмерения_Key", "Единица измерения"),
                ("Коэффициент", "Коэффициент"),
            ],
        ),
        (
            "Услуги",
            &[
                ("Номенклатура_Key", "Номенклатура"),
                ("Количество", "Количество"),
                ("Цена", "Цена"),
                ("СтавкаНДС", "Ставка НДС"),
                ("Содержание", "Содержание"),
            ],
        ),
    ];
    for (table, columns) in row_checks {
        for (i, r) in rows(obj, table).iter().enumerate() {
            for (prop, synonym) in columns {
                if !filled(r, prop) {
                    out.push(format!(
                        "В строке номер \"{}\" табличной части \"{table}\": Не заполнено значение реквизита \"{synonym}\"!",
                        i + 1
                    ));
                }
            }
        }
    }
    if !out.is_empty() {
        out.insert(
            0,
            format!("Невозможно записать документ: {}", presentation(def, obj)),
        );
        return Err(refused("записать", def, obj, &out));
    }
    // Rule 7: the total is recomputed with VAT from the rows.
    let with_vat = flag(&obj.props, "СуммаВключаетНДС");
    let total: f64 = ["Товары", "Услуги"]
        .iter()
        .flat_map(|t| rows(obj, t).iter())
        .map(|r| {
            number(r, "Сумма")
                + if with_vat {
                    0.0
                } else {
                    number(r, "СуммаНДС")
                }
        })
        .sum();
    obj.set("СуммаДокумента", Val::Num(round2(total)));
    Ok(())
}
