//! The layout of the «Счет на оплату» form, block by block, as 1C prints it: bank details, title,
//! parties, the table of lines, totals, the amount in words and signatures.

use onec_model::{amount_in_words, AddressKind, Counterparty, InvoiceLine, Organization};

use crate::canvas::{first_baseline, line_height, Align, Canvas, Op, BOTTOM, LEFT, RIGHT, TOP};
use crate::font::{Fonts, Style, NO_BREAK_SPACE};
use crate::format::{money, quantity};
use crate::summary::Summary;
use crate::InvoiceDocument;

/// Body text size.
const BODY: f32 = 9.0;
/// Captions under fields («Банк получателя») and the page footer.
const SMALL: f32 = 7.0;
/// Table text size.
const TABLE: f32 = 8.5;
/// The title size.
const TITLE: f32 = 13.0;
/// Padding inside bordered cells.
const PAD: f32 = 2.5;
/// Thin rules inside tables.
const THIN: f32 = 0.5;
/// Frames and the rules under the title and the totals.
const THICK: f32 = 1.2;

/// The printable width.
fn width() -> f32 {
    RIGHT - LEFT
}

/// The texts the form needs beyond the document itself, prepared by the caller.
pub(crate) struct Texts<'a> {
    /// «Счет на оплату № N от D месяца YYYY г.».
    pub(crate) title: &'a str,
    /// The totals.
    pub(crate) summary: &'a Summary,
}

/// Lays the whole form out and returns its pages.
pub(crate) fn compose(doc: &InvoiceDocument, texts: &Texts<'_>, fonts: &Fonts) -> Vec<Vec<Op>> {
    let mut canvas = Canvas::new(fonts);
    bank_block(&mut canvas, doc);
    title(&mut canvas, texts.title);
    party(
        &mut canvas,
        "Поставщик\n(Исполнитель):",
        &supplier_text(&doc.supplier),
    );
    party(
        &mut canvas,
        "Покупатель\n(Заказчик):",
        &buyer_text(&doc.buyer),
    );
    if let Some(contract) = doc.contract.as_deref().filter(|c| !c.trim().is_empty()) {
        party(&mut canvas, "Основание:", contract);
    }
    canvas.y += 6.0;
    table(&mut canvas, &doc.invoice.lines);
    closing(&mut canvas, doc, texts.summary);
    let mut pages = canvas.into_pages();
    footers(&mut pages, fonts, texts.title);
    pages
}

/// The bank details box at the top: bank, BIK and correspondent account; the supplier's INN,
/// KPP, name and settlement account.
fn bank_block(c: &mut Canvas<'_>, doc: &InvoiceDocument) {
    let bank = &doc.bank_account;
    let supplier = &doc.supplier;
    let lh = line_height(BODY);
    let row = lh + 2.0 * PAD;
    let caption = line_height(SMALL) + PAD;
    let x0 = LEFT;
    let x1 = LEFT + width() * 0.56;
    let x2 = x1 + 38.0;
    let x3 = RIGHT;
    let split = LEFT + width() * 0.28;
    let left_text = x1 - x0 - 2.0 * PAD;

    // Row A: the recipient's bank.
    let top = c.y;
    let bank_name = match bank.city.as_deref().filter(|city| !city.trim().is_empty()) {
        Some(city) if !bank.bank_name.contains(city.trim()) => {
            format!("{} г. {}", bank.bank_name.trim(), city.trim())
        }
        _ => bank.bank_name.trim().to_owned(),
    };
    let bank_lines = c.wrap(&bank_name, left_text, BODY, Style::Regular);
    let a_height = (2.0 * row).max(PAD + bank_lines.len() as f32 * lh + caption + PAD);
    for (i, line) in bank_lines.iter().enumerate() {
        let y = first_baseline(top, PAD, BODY) + i as f32 * lh;
        c.text(
            x0 + PAD,
            y,
            left_text,
            Align::Left,
            BODY,
            Style::Regular,
            line,
        );
    }
    let caption_y = |bottom: f32| bottom - PAD - SMALL * 0.3;
    c.text(
        x0 + PAD,
        caption_y(top + a_height),
        left_text,
        Align::Left,
        SMALL,
        Style::Regular,
        "Банк получателя",
    );
    let label_w = x2 - x1 - 2.0 * PAD;
    let value_w = x3 - x2 - 2.0 * PAD;
    let y = first_baseline(top, PAD, BODY);
    c.text(
        x1 + PAD,
        y,
        label_w,
        Align::Left,
        BODY,
        Style::Regular,
        "БИК",
    );
    c.text(
        x2 + PAD,
        y,
        value_w,
        Align::Left,
        BODY,
        Style::Regular,
        bank.bik.trim(),
    );
    c.line(x1, top + row, x3, top + row, THIN);
    let y = first_baseline(top + row, PAD, BODY);
    c.text(
        x1 + PAD,
        y,
        label_w,
        Align::Left,
        BODY,
        Style::Regular,
        "Сч. №",
    );
    let corr = bank.correspondent_account.as_deref().unwrap_or("").trim();
    c.text(
        x2 + PAD,
        y,
        value_w,
        Align::Left,
        BODY,
        Style::Regular,
        corr,
    );

    // Row B: the recipient.
    let b_top = top + a_height;
    let y = first_baseline(b_top, PAD, BODY);
    let inn = format!("ИНН {}", supplier.inn.as_deref().unwrap_or("").trim());
    let kpp = format!("КПП {}", supplier.kpp.as_deref().unwrap_or("").trim());
    c.text(
        x0 + PAD,
        y,
        split - x0,
        Align::Left,
        BODY,
        Style::Regular,
        &inn,
    );
    c.text(
        split + PAD,
        y,
        x1 - split,
        Align::Left,
        BODY,
        Style::Regular,
        &kpp,
    );
    c.line(x0, b_top + row, x1, b_top + row, THIN);
    c.line(split, b_top, split, b_top + row, THIN);
    let recipient = supplier
        .full_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&supplier.name);
    let recipient_lines = c.wrap(recipient, left_text, BODY, Style::Regular);
    let b_height = (3.0 * row).max(row + PAD + recipient_lines.len() as f32 * lh + caption + PAD);
    for (i, line) in recipient_lines.iter().enumerate() {
        let y = first_baseline(b_top + row, PAD, BODY) + i as f32 * lh;
        c.text(
            x0 + PAD,
            y,
            left_text,
            Align::Left,
            BODY,
            Style::Regular,
            line,
        );
    }
    c.text(
        x0 + PAD,
        caption_y(b_top + b_height),
        left_text,
        Align::Left,
        SMALL,
        Style::Regular,
        "Получатель",
    );
    c.text(
        x1 + PAD,
        y,
        label_w,
        Align::Left,
        BODY,
        Style::Regular,
        "Сч. №",
    );
    c.text(
        x2 + PAD,
        y,
        value_w,
        Align::Left,
        BODY,
        Style::Regular,
        bank.number.trim(),
    );

    // The grid.
    let bottom = b_top + b_height;
    for y in [top, b_top, bottom] {
        c.line(x0, y, x3, y, THIN);
    }
    for x in [x0, x1, x2, x3] {
        c.line(x, top, x, bottom, THIN);
    }
    c.y = bottom;
}

/// The title with a thick rule under it.
fn title(c: &mut Canvas<'_>, text: &str) {
    c.y += 18.0;
    let lines = c.wrap(text, width(), TITLE, Style::Bold);
    for line in &lines {
        let y = c.y + TITLE * 0.9;
        c.text(LEFT, y, width(), Align::Left, TITLE, Style::Bold, line);
        c.y += line_height(TITLE);
    }
    c.y += 4.0;
    c.line(LEFT, c.y, RIGHT, c.y, THICK * 1.5);
    c.y += 8.0;
}

/// A labelled line: the label on the left, the bold value wrapped on the right.
fn party(c: &mut Canvas<'_>, label: &str, value: &str) {
    let label_w = 78.0;
    let value_x = LEFT + label_w;
    let value_w = RIGHT - value_x;
    let lh = line_height(BODY);
    let label_lines: Vec<&str> = label.split('\n').collect();
    let value_lines = c.wrap(value, value_w, BODY, Style::Bold);
    let height = label_lines.len().max(value_lines.len()) as f32 * lh + 5.0;
    c.keep(height);
    let top = c.y;
    for (i, line) in label_lines.iter().enumerate() {
        let y = first_baseline(top, 0.0, BODY) + i as f32 * lh;
        c.text(LEFT, y, label_w, Align::Left, BODY, Style::Regular, line);
    }
    for (i, line) in value_lines.iter().enumerate() {
        let y = first_baseline(top, 0.0, BODY) + i as f32 * lh;
        c.text(value_x, y, value_w, Align::Left, BODY, Style::Bold, line);
    }
    c.y = top + height;
}

/// A value with its blanks trimmed, or `None` when nothing is left.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// «Name, ИНН …, КПП …, address, тел.: …» with the empty parts left out.
fn requisites(name: &str, inn: Option<&str>, kpp: Option<&str>, rest: &[Option<&str>]) -> String {
    let mut parts = vec![name.trim().to_owned()];
    if let Some(inn) = present(inn) {
        parts.push(format!("ИНН{NO_BREAK_SPACE}{inn}"));
    }
    if let Some(kpp) = present(kpp) {
        parts.push(format!("КПП{NO_BREAK_SPACE}{kpp}"));
    }
    parts.extend(rest.iter().filter_map(|v| present(*v)).map(str::to_owned));
    parts.join(", ")
}

fn supplier_text(org: &Organization) -> String {
    let name = org
        .full_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&org.name);
    let phone = org
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("тел.:{NO_BREAK_SPACE}{}", p.trim()));
    requisites(
        name,
        org.inn.as_deref(),
        org.kpp.as_deref(),
        &[org.address.as_deref(), phone.as_deref()],
    )
}

fn buyer_text(buyer: &Counterparty) -> String {
    let name = buyer
        .full_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(&buyer.name);
    // The legal address is the one an invoice names; the others stand in when it is missing.
    let address = [
        AddressKind::Legal,
        AddressKind::Actual,
        AddressKind::Postal,
        AddressKind::Other,
    ]
    .iter()
    .find_map(|kind| buyer.addresses.iter().find(|a| a.kind == *kind))
    .map(|a| a.text.as_str());
    let phone = buyer
        .phones
        .iter()
        .map(|p| p.trim())
        .find(|p| !p.is_empty())
        .map(|p| format!("тел.:{NO_BREAK_SPACE}{p}"));
    requisites(
        name,
        buyer.inn.as_deref(),
        buyer.kpp.as_deref(),
        &[address, phone.as_deref()],
    )
}

/// The columns of the table: header, width (0 for the flexible one) and alignment.
const COLUMNS: [(&str, f32, Align); 6] = [
    ("№", 22.0, Align::Center),
    ("Товары (работы, услуги)", 0.0, Align::Left),
    ("Кол-во", 46.0, Align::Right),
    ("Ед.", 32.0, Align::Center),
    ("Цена", 70.0, Align::Right),
    ("Сумма", 76.0, Align::Right),
];

/// The left edges of the columns, and the right edge of the table last.
fn column_edges() -> [f32; 7] {
    let fixed: f32 = COLUMNS.iter().map(|(_, w, _)| w).sum();
    let mut edges = [LEFT; 7];
    let mut x = LEFT;
    for (i, (_, w, _)) in COLUMNS.iter().enumerate() {
        x += if *w == 0.0 { width() - fixed } else { *w };
        edges[i + 1] = x;
    }
    edges
}

/// Draws one table row of `lines` per cell, top-aligned, with its borders.
fn table_row(c: &mut Canvas<'_>, cells: &[Vec<String>; 6], style: Style, align_header: bool) {
    let edges = column_edges();
    let lh = line_height(TABLE);
    let rows = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let height = rows as f32 * lh + 2.0 * PAD;
    let top = c.y;
    for (i, lines) in cells.iter().enumerate() {
        let align = if align_header {
            Align::Center
        } else {
            COLUMNS[i].2
        };
        let x = edges[i] + PAD;
        let w = edges[i + 1] - edges[i] - 2.0 * PAD;
        for (j, line) in lines.iter().enumerate() {
            let y = first_baseline(top, PAD, TABLE) + j as f32 * lh;
            c.text(x, y, w, align, TABLE, style, line);
        }
    }
    c.line(LEFT, top + height, RIGHT, top + height, THIN);
    for x in &edges[1..6] {
        c.line(*x, top, *x, top + height, THIN);
    }
    c.y = top + height;
}

/// The header row of the table.
fn table_header(c: &mut Canvas<'_>) {
    let cells = COLUMNS.map(|(title, _, _)| vec![title.to_owned()]);
    table_row(c, &cells, Style::Bold, true);
}

/// The thick frame around the part of the table on the current page.
fn table_frame(c: &mut Canvas<'_>, top: f32) {
    let bottom = c.y;
    c.line(LEFT, top, RIGHT, top, THICK);
    c.line(LEFT, bottom, RIGHT, bottom, THICK);
    c.line(LEFT, top, LEFT, bottom, THICK);
    c.line(RIGHT, top, RIGHT, bottom, THICK);
}

/// The table of lines. A row that does not fit goes to the next page with the header repeated;
/// a row taller than a whole page is split between pages.
fn table(c: &mut Canvas<'_>, lines: &[InvoiceLine]) {
    let edges = column_edges();
    let lh = line_height(TABLE);
    let header_height = lh + 2.0 * PAD;
    let name_width = edges[2] - edges[1] - 2.0 * PAD;
    // The header and at least one row stay together.
    c.keep(header_height + lh + 2.0 * PAD);
    let mut frame_top = c.y;
    table_header(c);
    for (index, line) in lines.iter().enumerate() {
        let text_lines = c.wrap(&line.text, name_width, TABLE, Style::Regular);
        let mut numbers = Some([
            vec![(index + 1).to_string()],
            vec![quantity(line.quantity)],
            vec![line.unit.as_deref().unwrap_or("").trim().to_owned()],
            vec![money(line.price)],
            vec![money(line.total)],
        ]);
        let mut rest: &[String] = &text_lines;
        loop {
            let need = rest.len() as f32 * lh + 2.0 * PAD;
            let fresh_page = BOTTOM - TOP - header_height;
            let one_line = lh + 2.0 * PAD;
            if need > c.remaining() && (need <= fresh_page || c.remaining() < one_line) {
                table_frame(c, frame_top);
                c.new_page();
                frame_top = c.y;
                table_header(c);
            }
            let fit = ((c.remaining() - 2.0 * PAD) / lh).floor().max(1.0) as usize;
            let (part, tail) = rest.split_at(fit.min(rest.len()));
            let [n, q, u, p, s] = numbers.take().unwrap_or_default();
            table_row(c, &[n, part.to_vec(), q, u, p, s], Style::Regular, false);
            rest = tail;
            if rest.is_empty() {
                break;
            }
        }
    }
    table_frame(c, frame_top);
}

/// Totals, the count and sum, the amount in words, the note, and signatures, kept together.
fn closing(c: &mut Canvas<'_>, doc: &InvoiceDocument, summary: &Summary) {
    let lh = line_height(BODY);
    let count_line = format!(
        "Всего наименований {}, на сумму {} руб.",
        doc.invoice.lines.len(),
        money(summary.total)
    );
    let words = c.wrap(&amount_in_words(summary.total), width(), BODY, Style::Bold);
    let note = doc
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| c.wrap(n, width(), BODY, Style::Regular))
        .unwrap_or_default();
    let signatures = 40.0;
    let height = 4.0
        + summary.rows.len() as f32 * (lh + 1.0)
        + 8.0
        + lh
        + words.len() as f32 * lh
        + if note.is_empty() {
            0.0
        } else {
            6.0 + note.len() as f32 * lh
        }
        + 10.0
        + signatures;
    c.keep(height);

    // Totals: labels right-aligned against the amount column, which lines up with «Сумма».
    let edges = column_edges();
    let value_x = edges[5] + PAD;
    let value_w = RIGHT - edges[5] - 2.0 * PAD;
    let label_w = 220.0;
    c.y += 4.0;
    for (label, value) in &summary.rows {
        let y = first_baseline(c.y, 0.0, BODY);
        let label_x = value_x - PAD - label_w;
        c.text(label_x, y, label_w, Align::Right, BODY, Style::Bold, label);
        c.text(value_x, y, value_w, Align::Right, BODY, Style::Bold, value);
        c.y += lh + 1.0;
    }
    c.y += 8.0;

    let y = first_baseline(c.y, 0.0, BODY);
    c.text(
        LEFT,
        y,
        width(),
        Align::Left,
        BODY,
        Style::Regular,
        &count_line,
    );
    c.y += lh;
    for line in &words {
        let y = first_baseline(c.y, 0.0, BODY);
        c.text(LEFT, y, width(), Align::Left, BODY, Style::Bold, line);
        c.y += lh;
    }
    if !note.is_empty() {
        c.y += 6.0;
        for line in &note {
            let y = first_baseline(c.y, 0.0, BODY);
            c.text(LEFT, y, width(), Align::Left, BODY, Style::Regular, line);
            c.y += lh;
        }
    }
    c.y += 4.0;
    c.line(LEFT, c.y, RIGHT, c.y, THICK * 1.5);
    c.y += 6.0;
    signature_row(c, doc);
}

/// «Руководитель ____ name    Бухгалтер ____ name».
fn signature_row(c: &mut Canvas<'_>, doc: &InvoiceDocument) {
    let baseline = c.y + 24.0;
    let people = [
        (
            "Руководитель",
            doc.supplier.director.as_deref(),
            LEFT,
            LEFT + 250.0,
        ),
        (
            "Бухгалтер",
            doc.supplier.accountant.as_deref(),
            LEFT + 270.0,
            RIGHT,
        ),
    ];
    for (role, name, from, to) in people {
        let label_w = c.fonts().get(Style::Bold).width(role, BODY) + 6.0;
        c.text(
            from,
            baseline,
            label_w,
            Align::Left,
            BODY,
            Style::Bold,
            role,
        );
        let line_from = from + label_w;
        c.line(line_from, baseline + 2.0, to, baseline + 2.0, THIN);
        let name = name.map(str::trim).unwrap_or("");
        c.text(
            line_from,
            baseline - 1.0,
            to - line_from,
            Align::Center,
            BODY,
            Style::Regular,
            name,
        );
        c.text(
            line_from,
            baseline + 2.0 + SMALL,
            to - line_from,
            Align::Center,
            SMALL - 1.0,
            Style::Regular,
            "подпись, расшифровка подписи",
        );
    }
    c.y = baseline + 2.0 + SMALL + 4.0;
}

/// «Счет на оплату № N от D — страница i из n» at the foot of every page of a multi-page invoice.
fn footers(pages: &mut [Vec<Op>], fonts: &Fonts, title: &str) {
    let count = pages.len();
    if count < 2 {
        return;
    }
    for (index, page) in pages.iter_mut().enumerate() {
        let text = format!("{title} — страница {} из {count}", index + 1);
        let w = fonts.get(Style::Regular).width(&text, SMALL);
        page.push(Op::Text {
            x: RIGHT - w,
            y: BOTTOM + 20.0,
            size: SMALL,
            style: Style::Regular,
            text,
        });
    }
}
