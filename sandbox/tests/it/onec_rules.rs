//! The write and posting rules of the real configurations (`conformance/onec/<conf>-dump/RULES.md`)
//! as the simulator enforces them: each rule refuses a document with the configuration's message
//! (HTTP 500, code -1) and accepts one that satisfies it.

use reqwest::{Method, StatusCode};
use sandbox::onec::{Configuration, OnecConfig, OnecSandbox};
use serde_json::{json, Value};

use crate::onec_support::{error_code, patch_json, post_json, send, start};

/// Creates a document (expecting 201) and returns its key.
async fn create(sb: &OnecSandbox, set: &str, body: &Value) -> String {
    let (status, text) = post_json(sb, &format!("{set}?$format=json"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{set}: {text}");
    serde_json::from_str::<Value>(&text).unwrap()["Ref_Key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Posts a document: `Ok(())` or the error message (after checking status 500 and code -1).
async fn post(sb: &OnecSandbox, set: &str, key: &str) -> Result<(), String> {
    let (status, body) = send(
        sb,
        Method::POST,
        &format!("{set}(guid'{key}')/Post?$format=json"),
        None,
    )
    .await;
    if status == StatusCode::OK {
        return Ok(());
    }
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(error_code(&body), "-1", "{body}");
    Err(body)
}

fn vat(sb: &OnecSandbox, name: &str) -> String {
    sb.objects("Catalog_СтавкиНДС")
        .unwrap()
        .into_iter()
        .find(|r| r.text("ПеречислениеСтавкаНДС") == Some(name))
        .unwrap()
        .key
        .to_string()
}

/// An order УТ 11 and КА accept and post, with the service item `service` in its one row.
fn good_order(sb: &OnecSandbox) -> Value {
    let w = &sb.world().onec;
    let cp = &w.counterparties[0];
    let service = w.items.iter().find(|i| i.is_service).unwrap();
    json!({
        "Date": "2025-09-10T10:00:00",
        "Организация_Key": w.organizations[0].r#ref.to_string(),
        "Контрагент_Key": cp.r#ref.to_string(),
        "Партнер_Key": cp.partner.unwrap().to_string(),
        "ХозяйственнаяОперация": "РеализацияКлиенту",
        "ЦенаВключаетНДС": true,
        "Статус": "НеСогласован",
        "ЭтоЗаказКакСчет": true,
        "Товары": [{"LineNumber": "1", "Номенклатура_Key": service.r#ref.to_string(),
            "Количество": 2, "КоличествоУпаковок": 2, "Цена": 1500, "Сумма": 3000,
            "СуммаНДС": 500, "СтавкаНДС_Key": vat(sb, "НДС20"), "Содержание": "Выезд инженера"}]
    })
}

async fn order_refused_with(sb: &OnecSandbox, order: &Value, message: &str) {
    let key = create(sb, "Document_ЗаказКлиента", order).await;
    let err = post(sb, "Document_ЗаказКлиента", &key)
        .await
        .expect_err("the order must be refused");
    assert!(err.contains(message), "expected «{message}» in {err}");
}

#[tokio::test]
async fn order_as_invoice_must_be_not_agreed() {
    for c in [Configuration::Ut11, Configuration::Ka] {
        let sb = start(c).await;
        let mut order = good_order(&sb);
        let key = create(&sb, "Document_ЗаказКлиента", &order).await;
        post(&sb, "Document_ЗаказКлиента", &key).await.unwrap();
        // The order's total is the rows' sum, whatever the client sent.
        let stored = &sb.documents("Document_ЗаказКлиента").unwrap()[0];
        assert_eq!(stored.get("СуммаДокумента"), Some(&json!(3000)));
        assert_eq!(stored.get("Posted"), Some(&json!(true)));
        order["Статус"] = json!("КОбеспечению");
        order_refused_with(
            &sb,
            &order,
            "Заказ как счет должен иметь статус \\\"На согласовании\\\".",
        )
        .await;
    }
}

#[tokio::test]
async fn order_rows_need_both_quantities_and_content_for_services() {
    let sb = start(Configuration::Ut11).await;
    let mut order = good_order(&sb);
    order["Товары"][0]["КоличествоУпаковок"] = json!(0);
    order_refused_with(
        &sb,
        &order,
        "Не заполнена колонка \\\"Количество упаковок\\\" в строке 1 списка \\\"Товары\\\"",
    )
    .await;
    let mut order = good_order(&sb);
    order["Товары"][0]["Количество"] = json!(0);
    order_refused_with(
        &sb,
        &order,
        "Обнаружено нулевое количество при пересчете в единицу хранения в строке 1 списка",
    )
    .await;
    let mut order = good_order(&sb);
    order["Товары"][0]["Содержание"] = json!("");
    order_refused_with(
        &sb,
        &order,
        "Не заполнена колонка \\\"Содержание\\\" в строке 1 списка \\\"Товары\\\".",
    )
    .await;
    let mut order = good_order(&sb);
    order["НалогообложениеНДС"] = json!("ПродажаОблагаетсяНДС");
    order["Товары"][0]["СтавкаНДС_Key"] = json!("00000000-0000-0000-0000-000000000000");
    order_refused_with(
        &sb,
        &order,
        "Не заполнена колонка \\\"Ставка НДС\\\" в строке 1 списка \\\"Товары\\\"",
    )
    .await;
}

#[tokio::test]
async fn without_the_filling_emulation_priority_and_supply_option_are_missing() {
    let sb = OnecSandbox::start(OnecConfig::new(Configuration::Ut11).emulate_filling(false))
        .await
        .unwrap();
    let order = good_order(&sb);
    order_refused_with(&sb, &order, "Поле \\\"Приоритет\\\" не заполнено").await;
    order_refused_with(
        &sb,
        &order,
        "Не заполнена колонка \\\"Вариант обеспечения\\\" в строке 1 списка \\\"Товары\\\"",
    )
    .await;
    // Filling them in by hand is enough.
    let mut order = order;
    let priority = sb.objects("Catalog_Приоритеты").unwrap()[0].key.to_string();
    order["Приоритет_Key"] = json!(priority);
    order["НалогообложениеНДС"] = json!("ПродажаОблагаетсяНДС");
    order["Товары"][0]["ВариантОбеспечения"] = json!("Отгрузить");
    let key = create(&sb, "Document_ЗаказКлиента", &order).await;
    post(&sb, "Document_ЗаказКлиента", &key).await.unwrap();
}

#[tokio::test]
async fn functional_options_switch_required_fields() {
    let sb = OnecSandbox::start(
        OnecConfig::new(Configuration::Ut11)
            .functional_option("ИспользоватьАвтоматическиеСкидкиВПродажах", true)
            .functional_option("ИспользоватьСоглашенияСКлиентами", true),
    )
    .await
    .unwrap();
    let mut order = good_order(&sb);
    order_refused_with(&sb, &order, "Поле \\\"Скидки рассчитаны\\\" не заполнено").await;
    order_refused_with(&sb, &order, "Поле \\\"Соглашение\\\" не заполнено").await;
    order["СкидкиРассчитаны"] = json!(true);
    order["Соглашение_Key"] = json!("5d3b0a6e-1111-4222-8333-444455556666");
    let key = create(&sb, "Document_ЗаказКлиента", &order).await;
    post(&sb, "Document_ЗаказКлиента", &key).await.unwrap();
}

/// A posted order and an invoice on it; the invoice is returned unsent for the test to edit.
async fn order_and_invoice(sb: &OnecSandbox) -> (String, Value) {
    let order = good_order(sb);
    let key = create(sb, "Document_ЗаказКлиента", &order).await;
    post(sb, "Document_ЗаказКлиента", &key).await.unwrap();
    let w = &sb.world().onec;
    let cp = &w.counterparties[0];
    let invoice = json!({
        "Date": "2025-09-10T11:00:00",
        "Организация_Key": w.organizations[0].r#ref.to_string(),
        "Контрагент_Key": cp.r#ref.to_string(),
        "Партнер_Key": cp.partner.unwrap().to_string(),
        "ДокументОснование": key,
        "ДокументОснование_Type": "StandardODATA.Document_ЗаказКлиента",
        "СуммаДокумента": 3000,
        "ЭтапыГрафикаОплаты": [
            {"LineNumber": "1", "ДатаПлатежа": "2025-09-20T00:00:00", "ПроцентПлатежа": 50, "СуммаПлатежа": 1500},
            {"LineNumber": "2", "ДатаПлатежа": "2025-09-30T00:00:00", "ПроцентПлатежа": 50, "СуммаПлатежа": 1500}
        ]
    });
    (key, invoice)
}

async fn invoice_refused_with(sb: &OnecSandbox, invoice: &Value, message: &str) {
    let key = create(sb, "Document_СчетНаОплатуКлиенту", invoice).await;
    let err = post(sb, "Document_СчетНаОплатуКлиенту", &key)
        .await
        .expect_err("the invoice must be refused");
    assert!(err.contains(message), "expected «{message}» in {err}");
}

#[tokio::test]
async fn invoice_stages_must_add_up() {
    let sb = start(Configuration::Ut11).await;
    let (_, invoice) = order_and_invoice(&sb).await;
    let key = create(&sb, "Document_СчетНаОплатуКлиенту", &invoice).await;
    post(&sb, "Document_СчетНаОплатуКлиенту", &key)
        .await
        .unwrap();

    let mut bad = invoice.clone();
    bad["ЭтапыГрафикаОплаты"][1]["ПроцентПлатежа"] = json!(40);
    invoice_refused_with(
        &sb,
        &bad,
        "Процент платежей по всем этапам должен быть равен 100%",
    )
    .await;
    let mut bad = invoice.clone();
    bad["ЭтапыГрафикаОплаты"][1]["СуммаПлатежа"] = json!(1000);
    invoice_refused_with(
        &sb,
        &bad,
        "Сумма документа не должна отличаться от суммы этапов оплаты",
    )
    .await;
    let mut bad = invoice.clone();
    bad["СуммаДокумента"] = json!(4000);
    bad["ЭтапыГрафикаОплаты"][1]["СуммаПлатежа"] = json!(2500);
    invoice_refused_with(
        &sb,
        &bad,
        "Сумма документа не может быть больше суммы документа-основания \\\"Заказ клиента",
    )
    .await;
    let mut bad = invoice;
    bad["ЭтапыГрафикаОплаты"] = json!([]);
    invoice_refused_with(
        &sb,
        &bad,
        "Не введено ни одной строки в список \\\"Этапы графика оплаты\\\"",
    )
    .await;
}

/// An УТ 10.3 invoice to a buyer that the configuration writes.
fn good_ut103_invoice(sb: &OnecSandbox) -> Value {
    let w = &sb.world().onec;
    let contract = &w.contracts[0];
    let org = &w.organizations[0];
    let service = w.items.iter().find(|i| i.is_service).unwrap();
    json!({
        "Date": "2025-09-10T10:00:00",
        "Организация_Key": org.r#ref.to_string(),
        "ВалютаДокумента_Key": sb.objects("Catalog_Валюты").unwrap()[0].key.to_string(),
        "СтруктурнаяЕдиница": org.bank_accounts[0].r#ref.to_string(),
        "СтруктурнаяЕдиница_Type": "StandardODATA.Catalog_БанковскиеСчета",
        "Контрагент": contract.owner.unwrap().to_string(),
        "Контрагент_Type": "StandardODATA.Catalog_Контрагенты",
        "ДоговорКонтрагента_Key": contract.r#ref.to_string(),
        "КратностьВзаиморасчетов": 1,
        "УчитыватьНДС": true,
        "СуммаВключаетНДС": true,
        "СуммаДокумента": 1,
        "Услуги": [{"LineNumber": "1", "Номенклатура_Key": service.r#ref.to_string(),
            "Содержание": "Настройка", "Количество": 1, "Цена": 1200, "Сумма": 1200,
            "СтавкаНДС": "НДС20", "СуммаНДС": 200}]
    })
}

#[tokio::test]
async fn ut103_invoice_checks_every_write() {
    let sb = start(Configuration::Ut103).await;
    let invoice = good_ut103_invoice(&sb);
    let key = create(&sb, "Document_СчетНаОплатуПокупателю", &invoice).await;
    // The total is recomputed from the rows.
    let stored = &sb.documents("Document_СчетНаОплатуПокупателю").unwrap()[0];
    assert_eq!(stored.get("СуммаДокумента"), Some(&json!(1200)));

    let mut bad = invoice.clone();
    bad.as_object_mut().unwrap().remove("СтруктурнаяЕдиница");
    bad.as_object_mut()
        .unwrap()
        .remove("СтруктурнаяЕдиница_Type");
    bad["Услуги"][0]["Содержание"] = json!("");
    let (status, body) = post_json(&sb, "Document_СчетНаОплатуПокупателю?$format=json", &bad).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(error_code(&body), "-1");
    for message in [
        "Невозможно записать документ: Счет на оплату покупателю",
        "Не заполнено значение реквизита \\\"Банк/касса\\\"!",
        "В строке номер \\\"1\\\" табличной части \\\"Услуги\\\": Не заполнено значение реквизита \\\"Содержание\\\"!",
    ] {
        assert!(body.contains(message), "expected «{message}» in {body}");
    }
    // A PATCH runs the same checks.
    let (status, body) = patch_json(
        &sb,
        &format!("Document_СчетНаОплатуПокупателю(guid'{key}')?$format=json"),
        &json!({"КратностьВзаиморасчетов": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(body.contains("Кратность взаиморасчетов"), "{body}");
    // A contract of another organization.
    let other = sb.world().onec.organizations.get(1).map(|o| o.r#ref);
    if let Some(other) = other {
        let mut bad = invoice;
        bad["Организация_Key"] = json!(other.to_string());
        let (status, body) =
            post_json(&sb, "Document_СчетНаОплатуПокупателю?$format=json", &bad).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert!(
            body.contains("Выбран договор контрагента, не соответствующий организации, указанной в документе!"),
            "{body}"
        );
    }
}

fn good_unf_invoice(sb: &OnecSandbox) -> Value {
    let w = &sb.world().onec;
    let item = &w.items[0];
    let unit = sb.objects("Catalog_КлассификаторЕдиницИзмерения").unwrap()[0]
        .key
        .to_string();
    let vat = sb
        .objects("Catalog_СтавкиНДС")
        .unwrap()
        .into_iter()
        .find(|r| r.get("Ставка") == Some(&json!(20)) && r.get("Расчетная") == Some(&json!(false)))
        .unwrap()
        .key
        .to_string();
    json!({
        "Date": "2025-09-10T10:00:00",
        "Организация_Key": w.organizations[0].r#ref.to_string(),
        "Контрагент_Key": w.counterparties[0].r#ref.to_string(),
        "НалогообложениеНДС": "ОблагаетсяНДС",
        "СуммаВключаетНДС": true,
        "Запасы": [{"LineNumber": "1", "Номенклатура_Key": item.r#ref.to_string(),
            "Количество": 2, "ЕдиницаИзмерения": unit,
            "ЕдиницаИзмерения_Type": "StandardODATA.Catalog_КлассификаторЕдиницИзмерения",
            "Цена": 500, "Сумма": 1000, "СтавкаНДС_Key": vat, "СуммаНДС": 166.67, "Всего": 1000}]
    })
}

#[tokio::test]
async fn unf_invoice_needs_units_and_totals_its_rows() {
    let sb = start(Configuration::Unf).await;
    let invoice = good_unf_invoice(&sb);
    let mut sent = invoice.clone();
    sent["СуммаДокумента"] = json!(5);
    let key = create(&sb, "Document_СчетНаОплату", &sent).await;
    let stored = &sb.documents("Document_СчетНаОплату").unwrap()[0];
    assert_eq!(stored.get("СуммаДокумента"), Some(&json!(1000)));
    post(&sb, "Document_СчетНаОплату", &key).await.unwrap();

    let mut bad = invoice.clone();
    let row = bad["Запасы"][0].as_object_mut().unwrap();
    row.remove("ЕдиницаИзмерения");
    row.remove("ЕдиницаИзмерения_Type");
    row.insert("Цена".into(), json!(0));
    let key = create(&sb, "Document_СчетНаОплату", &bad).await;
    let err = post(&sb, "Document_СчетНаОплату", &key).await.unwrap_err();
    for message in [
        "Не заполнена колонка \\\"Единица измерения\\\" в строке 1 списка \\\"Запасы\\\"",
        "Не заполнена колонка \\\"Цена\\\" в строке 1 списка \\\"Запасы\\\"",
    ] {
        assert!(err.contains(message), "expected «{message}» in {err}");
    }
    // The unit check follows its functional option.
    let sb = OnecSandbox::start(
        OnecConfig::new(Configuration::Unf)
            .functional_option("УчетВРазличныхЕдиницахИзмерения", false),
    )
    .await
    .unwrap();
    let mut invoice = good_unf_invoice(&sb);
    let row = invoice["Запасы"][0].as_object_mut().unwrap();
    row.remove("ЕдиницаИзмерения");
    row.remove("ЕдиницаИзмерения_Type");
    let key = create(&sb, "Document_СчетНаОплату", &invoice).await;
    post(&sb, "Document_СчетНаОплату", &key).await.unwrap();
}

#[tokio::test]
async fn unf_invoice_needs_a_contract_when_the_counterparty_settles_by_contracts() {
    let sb = start(Configuration::Unf).await;
    let cp = sb.world().onec.counterparties[0].r#ref;
    sb.modify(
        "Catalog_Контрагенты",
        cp,
        &[("ВестиРасчетыПоДоговорам", json!(true))],
    )
    .unwrap();
    let invoice = good_unf_invoice(&sb);
    let key = create(&sb, "Document_СчетНаОплату", &invoice).await;
    let err = post(&sb, "Document_СчетНаОплату", &key).await.unwrap_err();
    assert!(err.contains("Поле \\\"Договор\\\" не заполнено"), "{err}");
}

#[tokio::test]
async fn unf_time_sheet_days_need_end_times_when_posted() {
    let sb = start(Configuration::Unf).await;
    let w = &sb.world().onec;
    let sheet = json!({
        "Организация_Key": w.organizations[0].r#ref.to_string(),
        "Сотрудник_Key": w.employees[0].r#ref.to_string(),
        "ДатаС": "2025-09-08T00:00:00",
        "ДатаПо": "2025-09-14T00:00:00",
        "Операции": [{"LineNumber": "1", "ПнДлительность": 2, "Всего": 2}]
    });
    let key = create(&sb, "Document_УчетВремени", &sheet).await;
    let err = post(&sb, "Document_УчетВремени", &key).await.unwrap_err();
    assert!(
        err.contains("Не корректно заполнена колонка \\\"Понедельник\\\" в строке 1."),
        "{err}"
    );
    let mut sheet = sheet;
    sheet["Операции"][0]["ПнВремяОкончания"] = json!("0001-01-01T12:00:00");
    let key = create(&sb, "Document_УчетВремени", &sheet).await;
    post(&sb, "Document_УчетВремени", &key).await.unwrap();
}
