//! The two languages of the product: Chinese first, English second.

/// The two languages of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if s.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }
    /// The first supported language in an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut langs: Vec<(f32, &str)> = header
            .split(',')
            .map(|part| {
                let mut it = part.split(';');
                let tag = it.next().unwrap_or("").trim();
                let q = it
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|v| v.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                (q, tag)
            })
            .collect();
        langs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        langs.into_iter().find_map(|(_, tag)| Locale::parse(tag))
    }
}
