//! Messages of notice ingestion (导入通知): the form, the draft beside its source, the
//! directory's matches, and the refusals of a file.

/// Key, Chinese, English.
pub(super) const MESSAGES: &[(&str, &str, &str)] = &[
    ("ing.title", "导入通知", "Import a notice"),
    (
        "ing.help",
        "粘贴收到的通知全文（可含网页上的其他文字），或上传 .txt、.docx、带文字层的 PDF；系统找出通知所在位置并解析出发文机关、文号、主送、活动、报送事项和联系人，与机构目录逐一匹配。确认导入之前不保存任何内容。",
        "Paste the notice as received (web-page text around it is fine), or upload a .txt, .docx or a PDF with a text layer; the notice is found and parsed into issuer, number, recipients, activities, deadlines and contacts, each organisation matched against the directory. Nothing is saved until you confirm.",
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
    ("ing.map_to", "对应单位：", "Directory entry for"),
    (
        "ing.map_none",
        "不对应（不导入此名称）",
        "None (leave this name out)",
    ),
    ("ing.map_code", "或输入机构代码：", "Or type its code:"),
    ("ing.confirm_title", "确认导入", "Confirm the import"),
    (
        "ing.confirm_help",
        "核对标题、文号和日期，为未匹配的单位选择对应单位，选择所属活动后确认。确认后一次性创建：通知（发文机关的草稿，核对后签发）、新活动（如选择新建）、各项活动及其时间地点和联调安排、报送任务及截止时间和联系人。指定的单位对应关系会被记住，下次自动匹配。",
        "Check the title, number and date, choose the entry for each name not matched, choose the campaign, and confirm. Confirming creates at once: the notice (a draft of its issuer, to review and issue), the campaign if new, the activities with their times, venues and test runs, the reporting tasks with their deadlines, and the contacts. The names you map are remembered for next time.",
    ),
    (
        "ing.duplicate",
        "这份通知已在平台中，不能重复导入。",
        "This notice is already in the platform; it cannot be imported twice.",
    ),
    ("ing.open_first", "查看已有通知", "Open the notice"),
    (
        "ing.will_relay",
        "将作为以下通知的转发，并转发其报送任务：",
        "It will be recorded as a relay of this notice, with its reporting tasks:",
    ),
    (
        "ing.campaign_new",
        "新建活动（主题取自通知）",
        "A new campaign (themes from the notice)",
    ),
    ("ing.campaign_none", "不属于任何活动", "No campaign"),
    (
        "ing.campaign_new_title",
        "新建活动的名称",
        "New campaign's title",
    ),
    (
        "ing.campaign_new_help",
        "仅在选择“新建活动”时使用；活动日期取通知中最早的活动日期。",
        "Used only for a new campaign; its day is the notice's earliest activity date.",
    ),
    ("ing.confirm", "确认导入", "Confirm and import"),
    ("ing.done", "通知已导入", "Notice imported"),
    (
        "ing.done_help",
        "以下内容已创建。通知为草稿：核对后签发，主送单位才会收到。",
        "The following were created. The notice is a draft: review it and issue it for its recipients to receive it.",
    ),
    (
        "err.already_imported",
        "这份通知已在平台中（通知编号 {notice_id}），不能重复导入。",
        "This notice is already in the platform (notice {notice_id}); it cannot be imported twice.",
    ),
    (
        "err.unmatched_org",
        "“{value}”未在机构目录中找到，请在上方为其选择对应单位。",
        "“{value}” is not in the directory: choose its entry above.",
    ),
    (
        "err.recipients_unmatched",
        "主送单位“{value}”均未能对应到机构目录中的单位，通知至少要有一个主送单位：请在上方为其选择对应单位。",
        "None of the recipients “{value}” is in the directory, and a notice needs one: choose their entries above.",
    ),
    (
        "err.issuer_not_managed",
        "发文机关“{value}”不是您管理的单位，只能导入本单位（或下级单位）印发的通知。",
        "The issuer “{value}” is not an organisation you manage: import notices your organisation (or one below it) issued.",
    ),
    (
        "err.invalid_json",
        "内容格式不正确（{detail}）。",
        "The content is not valid ({detail}).",
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
