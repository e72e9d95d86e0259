//! The embedded DejaVu Sans Condensed fonts: glyph metrics for layout, the characters a document
//! used, and the PDF objects that embed a subset of each font.
//!
//! Each font is written as a Type0 font with the `Identity-H` encoding over a CIDFontType2
//! (TrueType) descendant. CIDs are given per *character*, not per glyph: a font may draw two
//! characters with one glyph (Latin «A» and Cyrillic «А»), and a CID per character keeps the
//! `ToUnicode` map exact, so text extracted from the PDF is the text that was printed.

use std::collections::HashMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::RenderError;

/// DejaVu Sans Condensed: a free font with full Cyrillic, narrow enough for invoice tables.
const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
/// DejaVu Sans Condensed Bold, for the title, headings and totals.
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// The character printed in place of one the font cannot draw.
const REPLACEMENT: char = '?';

/// A space the layout never breaks a line at.
pub(crate) const NO_BREAK_SPACE: char = '\u{a0}';

/// The weight a piece of text is set in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Body text.
    Regular,
    /// Title, headings, totals.
    Bold,
}

/// One embedded font and the characters the document used from it.
pub(crate) struct Font {
    data: &'static [u8],
    face: Face<'static>,
    /// The PostScript name, without the subset tag.
    ps_name: &'static str,
    /// The name the page resources use for it (`F1`, `F2`).
    resource: &'static [u8],
    /// Glyph units per em, to scale advances to text space.
    units_per_em: f32,
    /// Characters in the order of first use; a character's CID is its index plus one (CID 0
    /// stays `.notdef`).
    used: Vec<char>,
    cids: HashMap<char, u16>,
}

impl Font {
    fn load(
        data: &'static [u8],
        ps_name: &'static str,
        resource: &'static [u8],
    ) -> Result<Font, RenderError> {
        let face = Face::parse(data, 0).map_err(|e| RenderError::Font {
            font: ps_name,
            reason: e.to_string(),
        })?;
        let units_per_em = f32::from(face.units_per_em());
        Ok(Font {
            data,
            face,
            ps_name,
            resource,
            units_per_em,
            used: Vec::new(),
            cids: HashMap::new(),
        })
    }

    /// The page-resource name of the font.
    pub(crate) fn resource(&self) -> Name<'static> {
        Name(self.resource)
    }

    /// The character actually printed for `c`: layout whitespace becomes a space, and characters
    /// the font lacks become «?» rather than an invisible `.notdef` box.
    fn printable(&self, c: char) -> char {
        if c.is_whitespace() && c != NO_BREAK_SPACE {
            return ' ';
        }
        if c.is_control() || self.face.glyph_index(c).is_none() {
            return REPLACEMENT;
        }
        c
    }

    fn glyph(&self, c: char) -> GlyphId {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index(REPLACEMENT))
            .unwrap_or(GlyphId(0))
    }

    /// The advance of one character in thousandths of the font size.
    fn advance(&self, c: char) -> f32 {
        let glyph = self.glyph(self.printable(c));
        let units = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    /// The width of `text` at `size` points, without kerning (the PDF is written without it too).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size / 1000.0
    }

    /// Encodes `text` as two-byte CIDs for a `Tj` operator, registering its characters.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let c = self.printable(c);
            let cid = match self.cids.get(&c) {
                Some(&cid) => cid,
                None => {
                    // A document uses at most a few hundred distinct characters; u16 CIDs run
                    // out only past 65 535, which no font here has glyphs for.
                    let cid = u16::try_from(self.used.len() + 1)
                        .expect("fewer distinct characters than the font has glyphs (< 65 535)");
                    self.used.push(c);
                    self.cids.insert(c, cid);
                    cid
                }
            };
            bytes.extend_from_slice(&cid.to_be_bytes());
        }
        bytes
    }

    /// Writes the font's objects: the Type0 font at `font_ref` and five objects from `next`.
    pub(crate) fn write(
        &self,
        pdf: &mut Pdf,
        font_ref: Ref,
        next: &mut Ref,
    ) -> Result<(), RenderError> {
        let cid_ref = next.bump();
        let descriptor_ref = next.bump();
        let file_ref = next.bump();
        let cid_map_ref = next.bump();
        let unicode_ref = next.bump();

        // The subset keeps `.notdef` and the glyphs of the used characters; `remap` gives each
        // old glyph its new id, which the CID-to-glyph map then points at.
        let mut remapper = GlyphRemapper::new();
        let mut cid_to_gid = vec![0u8, 0u8];
        let mut widths = Vec::with_capacity(self.used.len());
        for &c in &self.used {
            let new_gid = remapper.remap(self.glyph(c).0);
            cid_to_gid.extend_from_slice(&new_gid.to_be_bytes());
            widths.push(self.advance(c));
        }
        let program =
            subsetter::subset(self.data, 0, &remapper).map_err(|e| RenderError::Font {
                font: self.ps_name,
                reason: format!("не удалось выделить подмножество глифов: {e}"),
            })?;

        let base_name = format!("{}+{}", self.subset_tag(), self.ps_name);
        let base_name = Name(base_name.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(font_ref)
            .base_font(base_name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(unicode_ref);

        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2)
            .base_font(base_name)
            .system_info(system_info)
            .font_descriptor(descriptor_ref)
            .default_width(0.0)
            .cid_to_gid_map_stream(cid_map_ref);
        cid.widths().consecutive(1, widths);
        cid.finish();

        let scale = 1000.0 / self.units_per_em;
        let bbox = self.face.global_bounding_box();
        let ascent = f32::from(self.face.ascender()) * scale;
        let descent = f32::from(self.face.descender()) * scale;
        let cap_height = self
            .face
            .capital_height()
            .map(|h| f32::from(h) * scale)
            .unwrap_or(ascent);
        let mut flags = FontFlags::SYMBOLIC;
        if self.face.is_bold() {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor_ref)
            .name(base_name)
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(self.face.italic_angle())
            .ascent(ascent)
            .descent(descent)
            .cap_height(cap_height)
            .stem_v(if self.face.is_bold() { 120.0 } else { 80.0 })
            .font_file2(file_ref);

        let compressed = crate::writer::deflate(&program);
        let length1 = i32::try_from(program.len()).expect("a font subset is far below 2 GiB");
        pdf.stream(file_ref, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), length1);

        pdf.stream(cid_map_ref, &crate::writer::deflate(&cid_to_gid))
            .filter(Filter::FlateDecode);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (index, &c) in self.used.iter().enumerate() {
            let cid = u16::try_from(index + 1).expect("CIDs were assigned as u16 in encode");
            // A no-break space keeps «ИНН 7707083893» on one line; extracted, it reads as a
            // plain space, so that searching the text for «ИНН 7707083893» finds it.
            cmap.pair(cid, if c == NO_BREAK_SPACE { ' ' } else { c });
        }
        let cmap = crate::writer::deflate(&cmap.finish());
        pdf.cmap(unicode_ref, &cmap).filter(Filter::FlateDecode);
        Ok(())
    }

    /// The six capital letters that mark a subset (`ABCDEF+Name`), derived from the characters
    /// used so that the same document always gives the same bytes.
    fn subset_tag(&self) -> String {
        // FNV-1a over the used characters: a stable hash, unlike std's randomly seeded one.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for &c in &self.used {
            for byte in u32::from(c).to_le_bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        (0..6)
            .map(|i| {
                let letter = ((hash >> (i * 5)) % 26) as u8;
                char::from(b'A' + letter)
            })
            .collect()
    }
}

/// The two fonts of the form.
pub(crate) struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    /// Parses the embedded fonts.
    pub(crate) fn load() -> Result<Fonts, RenderError> {
        Ok(Fonts {
            regular: Font::load(REGULAR, "DejaVuSansCondensed", b"F1")?,
            bold: Font::load(BOLD, "DejaVuSansCondensed-Bold", b"F2")?,
        })
    }

    /// The font for a style.
    pub(crate) fn get(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }

    /// The font for a style, to encode text with it.
    pub(crate) fn get_mut(&mut self, style: Style) -> &mut Font {
        match style {
            Style::Regular => &mut self.regular,
            Style::Bold => &mut self.bold,
        }
    }

    /// Both fonts with their styles, in resource order.
    pub(crate) fn all(&self) -> [(Style, &Font); 2] {
        [(Style::Regular, &self.regular), (Style::Bold, &self.bold)]
    }
}
