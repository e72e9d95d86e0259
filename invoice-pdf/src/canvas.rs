//! Pages as lists of drawing operations in top-down coordinates, with the word wrapping and
//! page breaking the form needs. Nothing here knows about invoices.

use crate::font::{Fonts, Style, NO_BREAK_SPACE};

/// A4 width in points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
/// A4 height in points.
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
/// Left margin: wider, as on 1C forms, so that the sheet can be filed.
pub(crate) const LEFT: f32 = 42.0;
/// Right edge of the printable area.
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 28.0;
/// Top of the printable area.
pub(crate) const TOP: f32 = 30.0;
/// Bottom of the printable area; the page footer sits below it.
pub(crate) const BOTTOM: f32 = PAGE_HEIGHT - 40.0;

/// One drawing operation; `y` grows downwards from the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
    },
    /// A straight line.
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
}

/// Horizontal alignment of text within a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// The pages drawn so far and the vertical position on the last one.
pub(crate) struct Canvas<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    /// The current vertical position on the last page.
    pub(crate) y: f32,
}

impl<'f> Canvas<'f> {
    /// A canvas with one empty page.
    pub(crate) fn new(fonts: &'f Fonts) -> Canvas<'f> {
        Canvas {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    /// The fonts, for measuring.
    pub(crate) fn fonts(&self) -> &'f Fonts {
        self.fonts
    }

    /// Starts a new page and moves to its top.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// The height left on the current page.
    pub(crate) fn remaining(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Whether nothing has been drawn on the current page yet.
    pub(crate) fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(|ops| ops.is_empty())
    }

    /// Starts a new page unless `height` fits below the current position (or the page is empty,
    /// where a new page would not help).
    pub(crate) fn keep(&mut self, height: f32) {
        if height > self.remaining() && !self.page_is_empty() {
            self.new_page();
        }
    }

    fn push(&mut self, op: Op) {
        self.pages
            .last_mut()
            .expect("a canvas always has at least one page")
            .push(op);
    }

    /// Draws one line of text with its baseline at `y`, aligned within `x..x + width`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        align: Align,
        size: f32,
        style: Style,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let text_width = self.fonts.get(style).width(text, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (width - text_width) / 2.0,
            Align::Right => x + width - text_width,
        };
        self.push(Op::Text {
            x,
            y,
            size,
            style,
            text: text.to_owned(),
        });
    }

    /// Draws a line.
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.push(Op::Line {
            x1,
            y1,
            x2,
            y2,
            width,
        });
    }

    /// Splits `text` into lines no wider than `width`: at explicit line breaks, then between
    /// words, and inside a word only when the word alone is too wide.
    pub(crate) fn wrap(&self, text: &str, width: f32, size: f32, style: Style) -> Vec<String> {
        let font = self.fonts.get(style);
        let fits = |candidate: &str| font.width(candidate, size) <= width;
        let mut lines = Vec::new();
        for paragraph in text.replace("\r\n", "\n").split(['\n', '\r']) {
            let mut current = String::new();
            let words = paragraph
                .split(|c: char| c.is_whitespace() && c != NO_BREAK_SPACE)
                .filter(|word| !word.is_empty());
            for word in words {
                let candidate = if current.is_empty() {
                    word.to_owned()
                } else {
                    format!("{current} {word}")
                };
                if fits(&candidate) {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                // The word starts a line; cut it into pieces if it is wider than a line.
                for c in word.chars() {
                    current.push(c);
                    if !fits(&current) && current.chars().count() > 1 {
                        current.pop();
                        lines.push(std::mem::replace(&mut current, c.to_string()));
                    }
                }
            }
            lines.push(current);
        }
        // Trailing empty paragraphs add nothing but height.
        while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        lines
    }

    /// The finished pages.
    pub(crate) fn into_pages(self) -> Vec<Vec<Op>> {
        self.pages
    }
}

/// The line height for a font size.
pub(crate) fn line_height(size: f32) -> f32 {
    size * 1.2
}

/// The baseline of the first line of text in a box whose top is at `top`, with `pad` above it.
pub(crate) fn first_baseline(top: f32, pad: f32, size: f32) -> f32 {
    // DejaVu's cap height is about 0.73 em; 0.9 em leaves room for accents above capitals.
    top + pad + size * 0.9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(text: &str, width: f32) -> Vec<String> {
        let fonts = Fonts::load().unwrap();
        let canvas = Canvas::new(&fonts);
        canvas.wrap(text, width, 9.0, Style::Regular)
    }

    #[test]
    fn short_text_stays_on_one_line() {
        assert_eq!(wrap("Обслуживание ККТ", 300.0), vec!["Обслуживание ККТ"]);
    }

    #[test]
    fn long_text_wraps_between_words_within_the_width() {
        let fonts = Fonts::load().unwrap();
        let text = "Выезд инженера на объект клиента для диагностики и ремонта кассового \
                    оборудования с заменой фискального накопителя";
        let lines = wrap(text, 150.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(
                fonts.get(Style::Regular).width(line, 9.0) <= 150.0,
                "{line}"
            );
        }
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        let lines = wrap("https://example.okdesk.ru/issues/123456789/comments", 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(
            lines.concat(),
            "https://example.okdesk.ru/issues/123456789/comments"
        );
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let lines = wrap(
            "ООО Ромашка, ИНН\u{a0}7707083893, КПП\u{a0}770701001",
            110.0,
        );
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().any(|l| l.contains("КПП\u{a0}770701001")),
            "{lines:?}"
        );
    }

    #[test]
    fn explicit_line_breaks_are_kept() {
        assert_eq!(wrap("Первая\r\nВторая\n", 300.0), vec!["Первая", "Вторая"]);
        assert_eq!(wrap("", 300.0), vec![""]);
    }
}
