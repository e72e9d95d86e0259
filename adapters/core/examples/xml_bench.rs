//! Benchmark of the universal XML exchange reader: streams a generated export of the given size
//! (default 1 GiB) through [`ObjectReader`] with the УТ 11 layout's plan and reports MB/s and the
//! peak RSS (`VmHWM`). Run it in release mode:
//!
//! ```text
//! cargo run --release -p onec-adapter --example xml_bench -- [size-in-MiB] [path-to-existing-export]
//! ```
//!
//! The export is generated on the fly (no disk): a block of counterparties with contact rows,
//! contracts and documents the layout skips is rendered once and replayed with fresh refs, so the
//! generator costs a memcpy and the figure is the reader's.

use std::io::{self, Read};
use std::time::Instant;

use onec_adapter::xml::{ObjectReader, ReadPlan};

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<V8Exch:_1CV8DtUD xmlns:V8Exch=\"http://www.1c.ru/V8/1CV8DtUD/\" xmlns:core=\"http://v8.1c.ru/data\" xmlns:v8=\"http://v8.1c.ru/8.1/data/enterprise/current-config\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\t<V8Exch:Data>\n";
const TAIL: &str = "\t</V8Exch:Data>\n\t<PredefinedData/>\n</V8Exch:_1CV8DtUD>\n";
/// Objects per rendered block.
const BLOCK: usize = 500;
/// The part of every GUID the replay rewrites (8 hex digits).
const MARK: &str = "ffffffff";

/// Renders one block; returns the text and where each `MARK` is.
fn block() -> (Vec<u8>, Vec<usize>) {
    let mut s = String::new();
    for i in 0..BLOCK {
        match i % 5 {
            0..=2 => s.push_str(&format!(
                "\t\t<v8:CatalogObject.Контрагенты>\n\
                 \t\t\t<v8:Ref xsi:type=\"v8:CatalogRef.Контрагенты\">{MARK}-{i:04x}-4000-8000-000000000001</v8:Ref>\n\
                 \t\t\t<v8:DeletionMark>false</v8:DeletionMark>\n\
                 \t\t\t<v8:Description>Торговый дом «Альфа-{i}»</v8:Description>\n\
                 \t\t\t<v8:НаименованиеПолное>Общество с ограниченной ответственностью &quot;Торговый дом «Альфа-{i}»&quot;</v8:НаименованиеПолное>\n\
                 \t\t\t<v8:ИНН>7701234567</v8:ИНН>\n\t\t\t<v8:КПП>770101001</v8:КПП>\n\
                 \t\t\t<v8:ЮрФизЛицо>ЮрЛицо</v8:ЮрФизЛицо>\n\
                 \t\t\t<v8:Партнер xsi:type=\"v8:CatalogRef.Партнеры\">00000011-0000-4000-8000-000000000001</v8:Партнер>\n\
                 \t\t\t<v8:ГоловнойКонтрагент xsi:type=\"v8:CatalogRef.Контрагенты\">00000000-0000-0000-0000-000000000000</v8:ГоловнойКонтрагент>\n\
                 \t\t\t<v8:ДополнительнаяИнформация/>\n\
                 \t\t\t<v8:КонтактнаяИнформация>\n\t\t\t\t<v8:Тип>Адрес</v8:Тип>\n\
                 \t\t\t\t<v8:Вид xsi:type=\"v8:CatalogRef.ВидыКонтактнойИнформации\">0000007a-0000-4000-8000-000000000001</v8:Вид>\n\
                 \t\t\t\t<v8:Представление>123456, Москва г, Тверская ул, дом № {i}, офис 5</v8:Представление>\n\
                 \t\t\t\t<v8:АдресЭП/>\n\t\t\t\t<v8:НомерТелефона/>\n\t\t\t</v8:КонтактнаяИнформация>\n\
                 \t\t\t<v8:КонтактнаяИнформация>\n\t\t\t\t<v8:Тип>Телефон</v8:Тип>\n\
                 \t\t\t\t<v8:Вид xsi:type=\"v8:CatalogRef.ВидыКонтактнойИнформации\">0000007a-0000-4000-8000-000000000002</v8:Вид>\n\
                 \t\t\t\t<v8:Представление>+7 (495) 222-33-{:02}</v8:Представление>\n\
                 \t\t\t\t<v8:АдресЭП/>\n\t\t\t\t<v8:НомерТелефона>+74952223344</v8:НомерТелефона>\n\t\t\t</v8:КонтактнаяИнформация>\n\
                 \t\t</v8:CatalogObject.Контрагенты>\n",
                i % 100
            )),
            3 => s.push_str(&format!(
                "\t\t<v8:CatalogObject.ДоговорыКонтрагентов>\n\
                 \t\t\t<v8:Ref xsi:type=\"v8:CatalogRef.ДоговорыКонтрагентов\">{MARK}-{i:04x}-4000-8000-000000000002</v8:Ref>\n\
                 \t\t\t<v8:DeletionMark>false</v8:DeletionMark>\n\
                 \t\t\t<v8:Description>Договор обслуживания № {i}</v8:Description>\n\
                 \t\t\t<v8:Номер>{i}</v8:Номер>\n\t\t\t<v8:Дата>2024-01-10T00:00:00</v8:Дата>\n\
                 \t\t\t<v8:ДатаНачалаДействия>2024-01-10T00:00:00</v8:ДатаНачалаДействия>\n\
                 \t\t\t<v8:ДатаОкончанияДействия>0001-01-01T00:00:00</v8:ДатаОкончанияДействия>\n\
                 \t\t\t<v8:Статус>Действует</v8:Статус>\n\
                 \t\t\t<v8:Контрагент xsi:type=\"v8:CatalogRef.Контрагенты\">00000022-0000-4000-8000-000000000001</v8:Контрагент>\n\
                 \t\t\t<v8:Партнер xsi:type=\"v8:CatalogRef.Партнеры\">00000011-0000-4000-8000-000000000001</v8:Партнер>\n\
                 \t\t</v8:CatalogObject.ДоговорыКонтрагентов>\n"
            )),
            _ => {
                s.push_str(&format!(
                    "\t\t<v8:DocumentObject.РеализацияТоваровУслуг>\n\
                     \t\t\t<v8:Ref xsi:type=\"v8:DocumentRef.РеализацияТоваровУслуг\">{MARK}-{i:04x}-4000-8000-000000000003</v8:Ref>\n\
                     \t\t\t<v8:DeletionMark>false</v8:DeletionMark>\n\t\t\t<v8:Date>2025-02-03T12:00:00</v8:Date>\n\
                     \t\t\t<v8:Number>УТ-{i:06}</v8:Number>\n\t\t\t<v8:Posted>true</v8:Posted>\n"
                ));
                for line in 0..5 {
                    s.push_str(&format!(
                        "\t\t\t<v8:Товары>\n\
                         \t\t\t\t<v8:Номенклатура xsi:type=\"v8:CatalogRef.Номенклатура\">00000055-0000-4000-8000-00000000000{line}</v8:Номенклатура>\n\
                         \t\t\t\t<v8:Количество>{line}</v8:Количество>\n\t\t\t\t<v8:Цена>1500.5</v8:Цена>\n\
                         \t\t\t\t<v8:Сумма>3001</v8:Сумма>\n\t\t\t</v8:Товары>\n"
                    ));
                }
                s.push_str("\t\t</v8:DocumentObject.РеализацияТоваровУслуг>\n");
            }
        }
    }
    let marks = s.match_indices(MARK).map(|(i, _)| i).collect();
    (s.into_bytes(), marks)
}

/// An export of about `target` bytes, produced while it is read.
struct Generated {
    block: Vec<u8>,
    marks: Vec<usize>,
    target: u64,
    produced: u64,
    round: u32,
    pos: usize,
    stage: u8,
}

impl Generated {
    fn new(target: u64) -> Self {
        let (block, marks) = block();
        Generated {
            block,
            marks,
            target,
            produced: 0,
            round: 0,
            pos: 0,
            stage: 0,
        }
    }

    fn current(&self) -> &[u8] {
        match self.stage {
            0 => HEAD.as_bytes(),
            1 => &self.block,
            2 => TAIL.as_bytes(),
            _ => &[],
        }
    }
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let cur = self.current();
            if self.stage > 2 {
                return Ok(0);
            }
            if self.pos < cur.len() {
                let n = (cur.len() - self.pos).min(out.len());
                out[..n].copy_from_slice(&cur[self.pos..self.pos + n]);
                self.pos += n;
                self.produced += n as u64;
                return Ok(n);
            }
            self.pos = 0;
            match self.stage {
                1 if self.produced < self.target => {
                    // A new round of the block with fresh refs.
                    self.round += 1;
                    let hex = format!("{:08x}", self.round);
                    for &m in &self.marks {
                        self.block[m..m + 8].copy_from_slice(hex.as_bytes());
                    }
                }
                _ => self.stage += 1,
            }
        }
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1024);
    let file = args.next();
    let layout = onec_adapter_ut11::adapter().layout();

    let started = Instant::now();
    let (bytes, kept, skipped) = match &file {
        Some(path) => run(std::fs::File::open(path)?, layout)?,
        None => run(Generated::new(mib * 1024 * 1024), layout)?,
    };
    let secs = started.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "read {:.0} MB ({}) in {secs:.2} s: {:.0} MB/s; {kept} objects kept, {skipped} skipped; peak RSS {} MiB",
        mb,
        file.as_deref().unwrap_or("generated"),
        mb / secs,
        peak_rss_kib().map_or("?".into(), |k| (k / 1024).to_string()),
    );
    Ok(())
}

fn run(
    input: impl Read,
    layout: &onec_adapter::Layout,
) -> Result<(u64, u64, usize), onec_adapter::xml::XmlError> {
    let mut reader = ObjectReader::new(input, ReadPlan::for_layout(layout));
    let mut kept = 0u64;
    let mut rows = 0usize;
    while let Some(obj) = reader.next_object()? {
        kept += 1;
        rows += obj.tables.values().map(Vec::len).sum::<usize>();
    }
    std::hint::black_box(rows);
    let skipped = reader.skipped().values().sum();
    Ok((reader.bytes_read(), kept, skipped))
}
