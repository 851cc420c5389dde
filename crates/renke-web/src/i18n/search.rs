//! Messages of search (检索): the box in the top bar, the results page, the public search
//! on a campaign's page, and the refusals of a query.

/// Key, Chinese, English.
pub(super) const MESSAGES: &[(&str, &str, &str)] = &[
    ("srch.title", "检索", "Search"),
    ("srch.label", "检索词", "Search for"),
    (
        "srch.placeholder",
        "输入关键词，如：云开放",
        "Words to look for, e.g. 云开放",
    ),
    ("srch.go", "检索", "Search"),
    (
        "srch.scope",
        "检索您有权阅读的通知、活动、宣传资料和信息稿件。",
        "Searches the notices, activities, publicity materials and news items you may read.",
    ),
    (
        "srch.public_scope",
        "检索本主题活动公开的内容",
        "Searches the public content of",
    ),
    (
        "srch.prompt",
        "输入关键词后检索；结果须包含每个词，按时间由新到旧排列。",
        "Type some words and search; a result holds every word, newest first.",
    ),
    (
        "srch.summary",
        "“{q}”共 {total} 条结果",
        "{total} results for “{q}”",
    ),
    (
        "srch.summary_more",
        "“{q}”的结果过多，仅列出最新的 {total} 条；请增加关键词",
        "Too many results for “{q}”: only the newest {total} are listed; add words",
    ),
    ("srch.none", "没有找到结果。", "Nothing found."),
    (
        "err.no_terms",
        "检索词中没有可检索的字词。",
        "The query holds no word to look for.",
    ),
];
