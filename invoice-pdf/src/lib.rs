//! Renders a Russian «Счет на оплату» invoice into a PDF with an embedded Cyrillic font.
