//! Our own [`typst::World`]: the templates compiled into the crate, one virtual JSON file
//! with the document's data, and the fonts — the bundled CJK subsets first, then any
//! configured font directory, loaded lazily.
//!
//! A world holds no file system access besides the font directory: `/data.json` and the
//! templates are the only files a template can read, so a template cannot be made to read
//! anything else whatever the data says.

use super::PdfError;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Noto Serif CJK SC Regular, subset (see `fonts/README.md`): body text, titles.
pub const SERIF: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Regular-subset.otf");
/// Noto Sans CJK SC Bold, subset: 黑体-style headings.
pub const SANS_BOLD: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Bold-subset.otf");
pub const SERIF_FAMILY: &str = "Noto Serif CJK SC";
pub const SANS_FAMILY: &str = "Noto Sans CJK SC";

/// Where a font's bytes come from.
enum Origin {
    Bundled(&'static [u8]),
    /// Index into [`Fonts::files`].
    File(usize),
}

struct Slot {
    origin: Origin,
    index: u32,
    font: OnceLock<Option<Font>>,
}

struct FontFile {
    path: PathBuf,
    bytes: OnceLock<Option<Bytes>>,
}

/// Every font a render may use, in the order typst prefers them: the bundled subsets, then
/// the faces of the configured directory (read when first needed).
pub struct Fonts {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
    files: Vec<FontFile>,
}

impl Fonts {
    /// Only the fonts compiled into the binary.
    pub fn bundled() -> Fonts {
        let mut book = FontBook::new();
        let mut slots = Vec::new();
        for data in [SERIF, SANS_BOLD] {
            for (index, info) in FontInfo::iter(data).enumerate() {
                book.push(info);
                slots.push(Slot {
                    origin: Origin::Bundled(data),
                    index: index as u32,
                    font: OnceLock::new(),
                });
            }
        }
        Fonts {
            book: LazyHash::new(book),
            slots,
            files: Vec::new(),
        }
    }

    /// The bundled fonts, then every `.ttf`, `.otf`, `.ttc` and `.otc` below `dir`.
    pub fn with_dir(dir: &Path) -> Result<Fonts, PdfError> {
        let mut fonts = Fonts::bundled();
        let mut paths = Vec::new();
        collect_font_files(dir, &mut paths).map_err(|source| PdfError::FontDir {
            path: dir.to_owned(),
            source,
        })?;
        paths.sort();
        let mut book = (*fonts.book).clone();
        for path in paths {
            // Unreadable or broken files are skipped, as a system font scan does.
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            let file = fonts.files.len();
            let mut any = false;
            for (index, info) in FontInfo::iter(&data).enumerate() {
                book.push(info);
                fonts.slots.push(Slot {
                    origin: Origin::File(file),
                    index: index as u32,
                    font: OnceLock::new(),
                });
                any = true;
            }
            if any {
                fonts.files.push(FontFile {
                    path,
                    bytes: OnceLock::new(),
                });
            }
        }
        fonts.book = LazyHash::new(book);
        Ok(fonts)
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// How many font faces are known.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font
            .get_or_init(|| {
                let bytes = match slot.origin {
                    Origin::Bundled(data) => Bytes::new(data),
                    Origin::File(f) => {
                        let file = self.files.get(f)?;
                        file.bytes
                            .get_or_init(|| std::fs::read(&file.path).ok().map(Bytes::new))
                            .clone()?
                    }
                };
                Font::new(bytes, slot.index)
            })
            .clone()
    }

    /// The characters of `text` that no known font has a glyph for (whitespace and
    /// control characters aside), sorted and without repeats.
    pub fn uncovered(&self, chars: impl IntoIterator<Item = char>) -> Vec<char> {
        let wanted: BTreeSet<char> = chars
            .into_iter()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect();
        let infos: Vec<&FontInfo> = (0..self.slots.len())
            .filter_map(|i| self.book.info(i))
            .collect();
        wanted
            .into_iter()
            .filter(|c| !infos.iter().any(|info| info.coverage.contains(*c as u32)))
            .collect()
    }

    /// The family names of the known faces, for diagnostics.
    pub fn families(&self) -> Vec<String> {
        self.book.families().map(|(f, _)| f.to_owned()).collect()
    }
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            // Subfolders that cannot be read are skipped; the top folder must be readable.
            let _ = collect_font_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|e| matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// A template compiled into the crate, parsed once.
pub struct Template {
    pub id: FileId,
    pub source: Source,
}

impl Template {
    pub fn new(path: &str, text: &'static str) -> Result<Template, PdfError> {
        let id = file_id(path)?;
        Ok(Template {
            id,
            source: Source::new(id, text.to_owned()),
        })
    }
}

pub fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath =
        VirtualPath::new(path).map_err(|e| PdfError::Typst(format!("bad path {path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One compilation: the main template, the shared modules, the data and the fonts.
pub struct RenderWorld<'a> {
    pub library: &'a LazyHash<Library>,
    pub fonts: &'a Fonts,
    pub main: FileId,
    pub templates: &'a [Template],
    pub data_id: FileId,
    pub data: Bytes,
    pub fonts_id: FileId,
    pub stacks: Bytes,
}

/// The standard library without inputs: data reaches templates only as `/data.json`.
pub fn library() -> LazyHash<Library> {
    LazyHash::new(Library::builder().build())
}

impl World for RenderWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.source.clone())
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if id == self.fonts_id {
            return Ok(self.stacks.clone());
        }
        self.templates
            .iter()
            .find(|t| t.id == id)
            .map(|t| Bytes::from_string(t.source.clone()))
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    /// Documents never depend on the day they are rendered: every date comes from the data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}
