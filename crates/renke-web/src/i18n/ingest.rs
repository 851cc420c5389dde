//! Messages of notice ingestion (导入通知): the form, the draft beside its source, the
//! directory's matches, and the refusals of a file.

/// Key, Chinese, English.
pub(super) const MESSAGES: &[(&str, &str, &str)] = &[
    ("ing.title", "导入通知", "Import a notice"),
    (
        "ing.help",
        "粘贴收到的通知全文（可含网页上的其他文字），或上传 .txt、.docx、带文字层的 PDF；系统找出通知所在位置并解析出发文机关、文号、主送、活动、报送事项和联系人，与机构目录逐一匹配。此页只显示解析结果，不保存任何内容。",
        "Paste the notice as received (web-page text around it is fine), or upload a .txt, .docx or a PDF with a text layer; the notice is found and parsed into issuer, number, recipients, activities, deadlines and contacts, each organisation matched against the directory. This page only shows the draft; nothing is saved.",
    ),
    ("ing.text", "通知全文", "Notice text"),
    (
        "ing.text_help",
        "可直接从网页、公文系统或 PDF 阅读器复制。",
        "Copy it straight from a web page, the document system or a PDF reader.",
    ),
    ("ing.file", "或上传文件", "Or upload a file"),
    (
        "ing.file_help",
        "支持 .txt（UTF-8 或 GBK）、.docx、带文字层的 PDF；上传文件时以文件内容为准。",
        "A .txt (UTF-8 or GBK), .docx or a PDF with a text layer; a file takes the place of the pasted text.",
    ),
    ("ing.parse", "解析", "Parse"),
    ("ing.source", "原文", "Source"),
    (
        "ing.source_help",
        "标黄的文字是各字段的出处，鼠标悬停可看字段名。",
        "Highlighted text is where each field came from; hover to see the field.",
    ),
    ("ing.draft", "解析结果", "Draft"),
    ("ing.orgs", "机构匹配", "Organisations"),
    (
        "ing.orgs_help",
        "通知中出现的单位与机构目录的对应关系；未匹配的名称列出最相近的单位供核对。“各省局”之类的泛称不对应具体单位。",
        "Each organisation the notice names and its entry in the directory; for a name not found, the closest entries are listed. Group names such as 各省局 name no single organisation.",
    ),
    ("ing.none_found", "未找到。", "None found."),
    ("ing.suggestions", "相近：", "Closest:"),
    (
        "ing.no_suggestion",
        "目录中没有相近的单位",
        "Nothing close in the directory",
    ),
    (
        "err.file_type_unsupported",
        "不能读取该类型的文件（{detail}）；请上传 .txt、.docx 或带文字层的 PDF。",
        "This kind of file cannot be read ({detail}); upload a .txt, .docx or a PDF with a text layer.",
    ),
    (
        "err.pdf_needs_ocr",
        "这份 PDF 没有文字层（是扫描件），需要先做文字识别（OCR），或直接粘贴通知文字。",
        "This PDF has no text layer (it is a scan): run OCR on it first, or paste the notice's text.",
    ),
    (
        "err.file_unreadable",
        "文件无法读取（{detail}）。",
        "The file cannot be read ({detail}).",
    ),
];
