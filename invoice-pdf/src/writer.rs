//! Turns laid-out pages into PDF bytes: page tree, content streams, document info and the
//! embedded font subsets, all streams deflated.

use pdf_writer::{Content, Filter, Finish, Pdf, Rect, Ref, Str, TextStr};

use crate::canvas::{Op, PAGE_HEIGHT, PAGE_WIDTH};
use crate::font::{Fonts, Style, NO_BREAK_SPACE};
use crate::RenderError;

/// Zlib-compresses a stream for the `FlateDecode` filter.
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Writes `pages` as a PDF titled `title`.
pub(crate) fn write_pdf(
    pages: &[Vec<Op>],
    fonts: &mut Fonts,
    title: &str,
) -> Result<Vec<u8>, RenderError> {
    let mut next = Ref::new(1);
    let catalog_ref = next.bump();
    let tree_ref = next.bump();
    let info_ref = next.bump();
    let regular_ref = next.bump();
    let bold_ref = next.bump();
    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (next.bump(), next.bump())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_ref).pages(tree_ref);
    let page_count = i32::try_from(pages.len()).expect("an invoice has far fewer than 2^31 pages");
    pdf.pages(tree_ref)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(page_count);
    pdf.document_info(info_ref)
        .title(TextStr(&title.replace(NO_BREAK_SPACE, " ")))
        .producer(TextStr("okdesk-1c invoice-pdf"));

    // Content streams are encoded first: encoding records which characters each font must carry.
    for (ops, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let content = content_stream(ops, fonts);
        pdf.stream(*content_ref, &deflate(&content))
            .filter(Filter::FlateDecode);
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_ref)
            .contents(*content_ref);
        let mut resources = page.resources();
        let mut font_dict = resources.fonts();
        font_dict.pair(fonts.get(Style::Regular).resource(), regular_ref);
        font_dict.pair(fonts.get(Style::Bold).resource(), bold_ref);
        font_dict.finish();
        resources.finish();
        page.finish();
    }

    for (style, font) in fonts.all() {
        let font_ref = match style {
            Style::Regular => regular_ref,
            Style::Bold => bold_ref,
        };
        font.write(&mut pdf, font_ref, &mut next)?;
    }
    Ok(pdf.finish())
}

/// The content stream of one page; `y` is flipped from top-down to PDF's bottom-up.
fn content_stream(ops: &[Op], fonts: &mut Fonts) -> Vec<u8> {
    let mut content = Content::new();
    for op in ops {
        match op {
            Op::Text {
                x,
                y,
                size,
                style,
                text,
            } => {
                let font = fonts.get_mut(*style);
                let encoded = font.encode(text);
                content
                    .begin_text()
                    .set_font(font.resource(), *size)
                    .next_line(*x, PAGE_HEIGHT - y)
                    .show(Str(&encoded))
                    .end_text();
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                width,
            } => {
                content
                    .set_line_width(*width)
                    .move_to(*x1, PAGE_HEIGHT - y1)
                    .line_to(*x2, PAGE_HEIGHT - y2)
                    .stroke();
            }
        }
    }
    content.finish().into_vec()
}
