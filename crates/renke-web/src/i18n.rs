//! Chinese first, English second. Every text a page or message shows is looked up here by
//! key, with the locale passed on every call (there is no process-wide locale).

mod activities;
mod cases;
mod industry_stats;
mod ingest;
mod initiative;
mod pt;
mod publicity;
mod search;
mod shipments;
mod venues;

use renke_domain::FieldError;
use std::collections::HashMap;
use std::sync::LazyLock;

pub use renke_domain::locale::Locale;

/// Key, Chinese, English. Messages may hold `{name}` parameters.
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "认可", "Renke"),
    (
        "app.tagline",
        "认证认可检验检测活动协同平台",
        "Conformity-assessment campaign platform",
    ),
    ("nav.home", "工作台", "Dashboard"),
    ("nav.notices", "通知", "Notices"),
    ("nav.reports", "报送", "Reporting"),
    ("nav.messages", "站内消息", "Messages"),
    ("nav.activities", "活动", "Activities"),
    ("nav.pt", "能力验证", "Proficiency testing"),
    ("nav.publicity", "宣传", "Publicity"),
    ("nav.orgs", "机构", "Organisations"),
    ("nav.campaigns", "主题活动", "Campaigns"),
    ("nav.accounts", "账号", "Accounts"),
    ("nav.settings", "设置", "Settings"),
    ("nav.public", "公开页面", "Public page"),
    ("nav.api", "接口文档", "API"),
    ("lang.switch", "English", "中文"),
    ("auth.login", "登录", "Log in"),
    ("auth.logout", "退出", "Log out"),
    ("auth.login_name", "登录名", "Login name"),
    ("auth.password", "密码", "Password"),
    ("auth.login_title", "登录认可平台", "Log in to Renke"),
    (
        "auth.expired",
        "会话已过期，请重新登录。",
        "Your session has expired. Please log in again.",
    ),
    ("auth.logged_out", "您已退出登录。", "You have logged out."),
    (
        "auth.oidc_hint",
        "使用统一身份认证平台的账号登录。",
        "Sign in with your account on the unified identity platform.",
    ),
    (
        "auth.or_password",
        "或使用认可平台的登录名和密码：",
        "Or with a Renke login name and password:",
    ),
    ("acct.external_id", "工号", "External ID"),
    (
        "acct.external_id_hint",
        "统一身份认证首次登录时按工号匹配账号；留空则清除。",
        "A first sign-in through the identity platform finds the account by it; empty clears it.",
    ),
    ("acct.external_id_set", "设置工号", "Set external ID"),
    (
        "err.password_login_disabled",
        "已关闭密码登录，请使用统一身份认证平台登录。",
        "Password login is switched off: sign in through the unified identity platform.",
    ),
    (
        "err.oidc_state_invalid",
        "登录请求无效或已使用，请从登录页重新登录。",
        "This sign-in is unknown or was used already. Start again from the login page.",
    ),
    (
        "err.oidc_state_expired",
        "登录已超时，请从登录页重新登录。",
        "The sign-in took too long. Start again from the login page.",
    ),
    (
        "err.oidc_access_denied",
        "统一身份认证平台未授权本次登录。",
        "The unified identity platform did not allow this sign-in.",
    ),
    (
        "err.oidc_provider_error",
        "统一身份认证平台返回了错误，请稍后重试。",
        "The unified identity platform answered with an error. Try again later.",
    ),
    (
        "err.oidc_unavailable",
        "统一身份认证平台暂时无法访问，请稍后重试或联系管理员。",
        "The unified identity platform cannot be reached. Try again later or contact your administrator.",
    ),
    (
        "err.oidc_token_invalid",
        "统一身份认证平台的登录凭证无法验证，请重新登录。",
        "The identity platform's sign-in could not be verified. Sign in again.",
    ),
    (
        "err.oidc_no_account",
        "没有与该身份关联的账户，请联系本单位管理员为您的账户设置工号。",
        "No account is linked to this identity. Ask your organisation's administrator to set your external ID (工号) on your account.",
    ),
    (
        "err.oidc_claim_missing",
        "统一身份认证平台未提供用于匹配账户的信息（如工号），请联系管理员。",
        "The identity platform did not send what accounts are matched by (such as a staff number). Contact your administrator.",
    ),
    (
        "err.oidc_account_inactive",
        "与该身份关联的账户已停用。",
        "The account linked to this identity is deactivated.",
    ),
    (
        "err.oidc_linked_elsewhere",
        "该工号对应的账户已关联统一身份认证平台的另一身份，请联系管理员。",
        "The account with this external ID is linked to another identity on the platform. Contact your administrator.",
    ),
    ("auth.acting_for", "所属机构", "Acting for"),
    ("auth.role", "角色", "Role"),
    ("pw.title", "修改密码", "Change password"),
    (
        "pw.revokes_tokens",
        "修改密码后，其他登录会话将退出，本账号的全部 API 令牌将失效。",
        "Changing the password ends your other sessions and revokes every API token of this account.",
    ),
    ("pw.current", "当前密码", "Current password"),
    ("pw.new", "新密码", "New password"),
    ("pw.repeat", "再次输入新密码", "Repeat new password"),
    (
        "pw.changed",
        "密码已修改，其他设备上的登录已退出。",
        "Password changed; other sessions were logged out.",
    ),
    ("pw.reset", "重置密码", "Reset password"),
    (
        "pw.reset_done",
        "密码已重置，该账号的所有登录已退出。",
        "Password reset; all sessions of the account were logged out.",
    ),
    ("settings.language", "界面语言", "Language"),
    ("settings.lang_auto", "跟随浏览器", "Follow the browser"),
    ("settings.tokens", "个人 API 令牌", "Personal API tokens"),
    ("settings.token_name", "令牌名称", "Token name"),
    (
        "settings.token_new",
        "新令牌（只显示一次，请立即复制）",
        "New token (shown once; copy it now)",
    ),
    (
        "settings.token_none",
        "还没有令牌。创建一个令牌后即可用 Bearer 方式调用 /api/v1。",
        "No tokens yet. Create one to call /api/v1 with a Bearer header.",
    ),
    ("settings.revoke", "吊销", "Revoke"),
    ("settings.revoked", "已吊销", "Revoked"),
    ("settings.last_used", "最近使用", "Last used"),
    ("settings.expires", "有效期至", "Expires"),
    (
        "acct.failed_logins",
        "未读的登录失败",
        "Failed logins not yet seen",
    ),
    ("settings.expired", "已过期", "Expired"),
    ("settings.token_days", "有效期", "Lasts"),
    (
        "settings.token_help",
        "令牌只能用于 /api/ 下的接口（请求头 Authorization: Bearer …），不能打开网页；到期、修改或重置密码后失效。",
        "A token works only for the API under /api/ (header Authorization: Bearer …), never for the pages; it ends when it expires or the password is changed or reset.",
    ),
    ("common.save", "保存", "Save"),
    ("common.create", "新建", "Create"),
    ("common.edit", "编辑", "Edit"),
    ("common.cancel", "取消", "Cancel"),
    ("common.search", "搜索", "Search"),
    ("common.name", "名称", "Name"),
    ("common.code", "编码", "Code"),
    ("common.kind", "类型", "Kind"),
    ("common.actions", "操作", "Actions"),
    ("common.none", "无", "None"),
    ("common.yes", "是", "Yes"),
    ("common.no", "否", "No"),
    ("common.prev", "上一页", "Previous"),
    ("common.next", "下一页", "Next"),
    (
        "common.page_of",
        "第 {page} 页，共 {pages} 页（{total} 条）",
        "Page {page} of {pages} ({total} items)",
    ),
    ("common.required", "必填", "required"),
    (
        "common.fix_errors",
        "请修改标出的内容后再提交。",
        "Please correct the marked fields.",
    ),
    ("common.saved", "已保存。", "Saved."),
    ("common.created_at", "创建时间", "Created"),
    ("home.welcome", "欢迎，{name}", "Welcome, {name}"),
    ("home.your_org", "您代表的机构", "Your organisation"),
    (
        "home.subtree",
        "下辖机构数",
        "Organisations in your subtree",
    ),
    ("home.campaigns", "进行中的主题活动", "Campaigns"),
    (
        "home.no_campaigns",
        "暂无主题活动。组织者可在“主题活动”中新建。",
        "No campaigns yet. Organisers can create one under Campaigns.",
    ),
    ("org.tree", "机构树", "Organisation tree"),
    ("org.children", "下级机构", "Child organisations"),
    (
        "org.no_children",
        "没有下级机构。可以在此新建下级机构或导入机构表。",
        "No child organisations. Create one here or import a spreadsheet.",
    ),
    ("org.details", "机构信息", "Details"),
    ("org.parent", "上级机构", "Parent"),
    ("org.short_name", "简称", "Short name"),
    ("org.name_en", "英文名称", "English name"),
    ("org.admin_level", "行政级别", "Administrative level"),
    ("org.cma_level", "资质认定级别", "CMA level"),
    ("org.region", "地区", "Region"),
    ("org.contact", "联系人", "Contact"),
    ("org.contact_name", "联系人姓名", "Contact name"),
    ("org.contact_phone", "联系电话", "Contact phone"),
    ("org.contact_email", "电子邮箱", "Contact e-mail"),
    (
        "org.subtree_size",
        "下辖机构（含本级）",
        "Subtree size (incl. itself)",
    ),
    ("org.new_child", "新建下级机构", "New child organisation"),
    ("org.move", "调整上级机构", "Move to another parent"),
    ("org.move_to", "新的上级机构编码", "Code of the new parent"),
    ("org.moved", "已调整上级机构。", "Moved."),
    (
        "org.search_placeholder",
        "输入机构名称的一部分，如“深圳”",
        "Part of a name, e.g. 深圳",
    ),
    ("org.search_results", "搜索结果", "Search results"),
    (
        "org.no_results",
        "没有找到匹配的机构。请换一个关键词。",
        "No organisation matches. Try another term.",
    ),
    (
        "org.accounts",
        "本机构账号",
        "Accounts of this organisation",
    ),
    ("acct.list", "账号列表", "Accounts"),
    ("acct.new", "新建账号", "New account"),
    ("acct.display_name", "姓名", "Name"),
    (
        "acct.org_code",
        "所属机构（输入名称或编码选择）",
        "Organisation (type a name or code to choose)",
    ),
    ("acct.email", "电子邮箱", "E-mail"),
    ("acct.phone", "联系电话", "Phone"),
    ("acct.initial_password", "初始密码", "Initial password"),
    (
        "acct.none",
        "该范围内还没有账号。",
        "No accounts in this subtree yet.",
    ),
    ("camp.list", "主题活动", "Campaigns"),
    ("camp.new", "新建主题活动", "New campaign"),
    ("camp.edit", "编辑主题活动", "Edit campaign"),
    ("camp.title", "标题", "Title"),
    ("camp.edition", "届次", "Edition"),
    ("camp.day", "活动日", "Day"),
    (
        "camp.international_theme",
        "国际主题",
        "International theme",
    ),
    ("camp.domestic_theme", "国内主题", "Domestic theme"),
    ("camp.local_themes", "各地主题", "Local themes"),
    (
        "camp.local_theme_help",
        "每行一个：机构编码 主题，如 GD 传递质量信任",
        "One per line: org code, a space, the theme",
    ),
    (
        "camp.owner",
        "主办机构（名称或编码）",
        "Owner (name or code)",
    ),
    ("camp.public", "公开展示", "Public"),
    ("camp.public_page", "查看公开页面", "View public page"),
    ("camp.organisers", "组织单位", "Organisers"),
    ("camp.none", "暂无主题活动。", "No campaigns yet."),
    ("notice.list", "通知", "Notices"),
    ("notice.new", "起草通知", "Draft a notice"),
    ("notice.edit", "编辑通知草稿", "Edit draft notice"),
    ("notice.relay", "转发", "Relay"),
    ("notice.relaying", "转发原件：", "Relaying:"),
    ("notice.status", "签收情况", "Acknowledgements"),
    ("notice.inbox", "收文", "Inbox"),
    ("notice.sent", "发文", "Sent"),
    (
        "notice.none_inbox",
        "暂无收到的通知。上级机关印发通知后会出现在这里。",
        "No notices received yet. Notices issued to your organisation appear here.",
    ),
    (
        "notice.none_sent",
        "本单位还没有发文。点击“起草通知”开始。",
        "Your organisation has not issued notices yet. Start with “Draft a notice”.",
    ),
    (
        "notice.none_delivered",
        "还没有分发记录。",
        "Nothing delivered yet.",
    ),
    (
        "notice.unacknowledged_n",
        "{n} 件未签收",
        "{n} not acknowledged",
    ),
    (
        "notice.total_n",
        "共 {n} 个收文单位",
        "{n} recipients in all",
    ),
    ("notice.doc_number", "发文字号", "Document number"),
    (
        "notice.doc_number_help",
        "没有发文字号的通知留空，显示为“无文号”。",
        "Leave empty for a notice without one; it shows as “No document number”.",
    ),
    ("notice.title", "标题", "Title"),
    ("notice.issuer", "发文机关", "Issuer"),
    ("notice.issuer_code", "发文机关代码", "Issuer code"),
    ("notice.recipients", "主送", "Recipients"),
    (
        "notice.recipients_help",
        "勾选的下级单位之外，每行一个：机构名称或编码；或“机构编码/类型 名称”表示其下属某类全部机构，如 GD/regulator 各地级以上市市场监管局。",
        "Besides the organisations ticked, one per line: an organisation's name or code, or “CODE/kind label” for all its children of a kind, e.g. GD/regulator 各地级以上市市场监管局.",
    ),
    ("notice.body", "正文", "Body"),
    (
        "notice.body_help",
        "标题层次：一、（一）1.（1）；每段一行。",
        "Heading levels: 一、 （一） 1. （1）; one paragraph per line.",
    ),
    ("notice.attachments", "附件说明", "Attachments"),
    (
        "notice.upload_attachment",
        "上传附件",
        "Upload an attachment",
    ),
    ("notice.attachment_title", "附件名称", "Attachment title"),
    ("notice.attachment_file", "文件", "File"),
    (
        "notice.attachment_help",
        "PDF、OFD、Word、Excel、PowerPoint、图片或 ZIP，最大 10 MB。名称留空则使用文件名。",
        "PDF, OFD, Word, Excel, PowerPoint, images or ZIP, up to 10 MB. Leave the title empty to use the file name.",
    ),
    ("notice.upload", "上传", "Upload"),
    ("notice.download", "下载", "Download"),
    (
        "notice.attachments_help",
        "每行一个附件名称；转发时原件自动作为附件。",
        "One attachment title per line; a relayed notice is attached automatically.",
    ),
    ("notice.signature", "署名", "Signature"),
    ("notice.written_on", "成文日期", "Date of writing"),
    ("notice.notes", "附注", "Notes"),
    ("notice.contacts", "联系人", "Contacts"),
    (
        "notice.contacts_help",
        "每行一人：姓名 电话 邮箱。",
        "One per line: name phone e-mail.",
    ),
    ("notice.publication", "公开方式", "Publication"),
    ("notice.direction", "行文方向", "Direction"),
    ("notice.cc", "抄送", "Copy to"),
    ("notice.printed_by", "印发机关", "Printed by"),
    ("notice.printed_on", "印发日期", "Printing date"),
    ("notice.proofreader", "校对", "Proofread by"),
    ("notice.campaign", "所属主题活动编号", "Campaign id"),
    ("notice.save_draft", "保存草稿", "Save draft"),
    ("notice.issue", "印发", "Issue"),
    ("notice.correct", "发布更正版本", "Correct"),
    ("notice.acknowledge", "签收", "Acknowledge"),
    ("notice.acknowledged", "已签收", "Acknowledged"),
    ("notice.not_acknowledged", "未签收", "Not acknowledged"),
    ("notice.acknowledged_at", "签收时间", "Acknowledged at"),
    ("notice.acknowledged_by", "签收人", "Acknowledged by"),
    ("notice.delivered_at", "收文时间", "Received"),
    ("notice.state", "状态", "State"),
    ("notice.draft", "草稿", "Draft"),
    ("notice.issued", "已印发", "Issued"),
    ("notice.version", "版本", "Version"),
    ("notice.version_n", "第 {n} 版", "Version {n}"),
    ("notice.versions", "版本记录", "Versions"),
    ("notice.chain", "转发链", "Relay chain"),
    ("notice.pdf", "下载 PDF", "Download PDF"),
    ("notice.this", "本文", "This notice"),
    ("notice.relayed_by", "转发：", "Relayed by: "),
    ("notice.org", "收文单位", "Recipient"),
    ("pub.title", "世界认可日", "World Accreditation Day"),
    ("pub.themes", "活动主题", "Themes"),
    (
        "pub.no_campaign",
        "目前没有公开的主题活动。",
        "There is no public campaign at the moment.",
    ),
    ("pub.notices", "通知公告", "Notices"),
    ("pub.calendar", "活动日历", "Calendar"),
    ("pub.news", "信息动态", "News"),
    ("pub.downloads", "宣传资料下载", "Downloads"),
    (
        "pub.section_soon",
        "本栏目内容将在发布后显示。",
        "This section fills as content is published.",
    ),
    ("pub.login_hint", "工作人员登录", "Staff login"),
    ("err.title", "出错了", "Something went wrong"),
    ("err.back", "返回首页", "Back to the home page"),
    ("err.required", "此项为必填项。", "This field is required."),
    (
        "err.days_out_of_range",
        "“{value}”不是 {min} 到 {max} 之间的天数。",
        "“{value}” is not a number of days from {min} to {max}.",
    ),
    (
        "err.file_empty",
        "文件“{name}”是空的。",
        "The file “{name}” is empty.",
    ),
    (
        "err.file_too_large",
        "文件“{name}”为 {size}，超过上限 {limit}。",
        "The file “{name}” is {size}; the limit is {limit}.",
    ),
    (
        "err.file_type_refused",
        "不接受文件“{name}”的类型；允许的类型：{allowed}。",
        "The file “{name}” is of a type not accepted; allowed: {allowed}.",
    ),
    (
        "err.file_content_mismatch",
        "文件“{name}”的内容不是 {kind} 格式，与扩展名不符。",
        "The content of “{name}” is not {kind}, as its extension says.",
    ),
    (
        "err.storage_quota_exceeded",
        "存储空间不足：本单位的上传文件已占用 {used}，再保存此文件将超过上限 {limit}。请联系系统管理员。",
        "Storage quota exceeded: your organisation's files take {used}; this upload would go past its limit of {limit}. Please contact the administrator.",
    ),
    (
        "err.too_many",
        "最多 {max} 项，当前 {actual} 项。",
        "At most {max} entries; this has {actual}.",
    ),
    (
        "err.upload_unreadable",
        "上传的文件无法读取，请重试。",
        "The upload could not be read; please try again.",
    ),
    (
        "err.too_long",
        "最多 {max} 个字，当前 {actual} 个字。",
        "At most {max} characters; this has {actual}.",
    ),
    (
        "err.single_line",
        "不能包含换行。",
        "Must be a single line.",
    ),
    (
        "err.unknown_value",
        "无法识别的取值：{value}",
        "Unknown value: {value}",
    ),
    (
        "err.malformed_json",
        "请求体不是所需格式的 JSON：{detail}",
        "The body is not JSON of the expected shape: {detail}",
    ),
    (
        "err.method_not_allowed",
        "此地址不支持该请求方法。",
        "This address does not accept that method.",
    ),
    (
        "err.invalid_code",
        "编码只能包含字母、数字、“-”“_”“.”：{value}",
        "Codes use letters, digits, -, _ and . only: {value}",
    ),
    (
        "err.invalid_login",
        "登录名只能包含字母、数字和 . _ - @",
        "Login names use letters, digits and . _ - @ only",
    ),
    (
        "err.length_out_of_range",
        "长度应在 {min} 到 {max} 之间，当前为 {actual}。",
        "Length must be {min}–{max}; it is {actual}.",
    ),
    (
        "err.password_too_short",
        "密码至少 {min} 个字符。",
        "Passwords need at least {min} characters.",
    ),
    (
        "err.password_only_digits",
        "密码不能全是数字。",
        "A password cannot be only digits.",
    ),
    (
        "err.password_mismatch",
        "两次输入的新密码不一致。",
        "The new passwords differ.",
    ),
    (
        "err.wrong_password",
        "当前密码不正确。",
        "The current password is wrong.",
    ),
    (
        "err.invalid_number",
        "不是有效的数字：{value}",
        "Not a valid number: {value}",
    ),
    (
        "err.date_out_of_range",
        "日期应在 {min} 年至 {max} 年之间：{value}",
        "The date must fall between {min} and {max}: {value}",
    ),
    (
        "err.invalid_date",
        "日期格式不正确（应为 2022-06-09）：{value}",
        "Invalid date (use 2022-06-09): {value}",
    ),
    (
        "err.invalid_email",
        "电子邮箱格式不正确。",
        "Invalid e-mail address.",
    ),
    (
        "err.code_taken",
        "该编码已被使用。",
        "This code is already taken.",
    ),
    (
        "err.login_taken",
        "该登录名已被使用。",
        "This login name is already taken.",
    ),
    (
        "err.external_id_taken",
        "该工号已用于另一个账户。",
        "This external ID belongs to another account.",
    ),
    (
        "err.unknown_account",
        "没有登录名为“{value}”的账户",
        "No account has the login name {value}",
    ),
    (
        "err.until_before_from",
        "截止日期早于起始日期。",
        "The end date is before the start date.",
    ),
    (
        "err.unknown_org",
        "没有名称或编码为“{value}”的机构",
        "No organisation has the name or code {value}",
    ),
    (
        "err.ambiguous_org",
        "“{value}”对应多个机构：{matches}。请输入更完整的名称或选择编码。",
        "{value} matches several organisations: {matches}. Type more of the name, or its code.",
    ),
    (
        "err.move_into_own_subtree",
        "不能把机构移到它自己或它的下级机构之下。",
        "An organisation cannot move under itself or its descendants.",
    ),
    (
        "err.role_not_grantable",
        "您不能授予该角色。",
        "You cannot grant this role.",
    ),
    (
        "err.bad_credentials",
        "登录名或密码不正确。",
        "Wrong login name or password.",
    ),
    (
        "err.too_many_attempts",
        "登录失败次数较多，请 {wait}后再试。",
        "Too many failed logins. Try again in {wait}.",
    ),
    (
        "err.token_days_out_of_range",
        "有效期须为 1 至 365 天。",
        "Must last from 1 to 365 days.",
    ),
    ("err.not_logged_in", "请先登录。", "Please log in."),
    (
        "err.session_expired",
        "会话已过期，请重新登录。",
        "Your session has expired; please log in again.",
    ),
    (
        "err.csrf_missing",
        "请求缺少安全令牌（CSRF），请刷新页面后重试。",
        "The request has no security (CSRF) token; reload the page and try again.",
    ),
    (
        "err.csrf_mismatch",
        "安全令牌（CSRF）不匹配，请刷新页面后重试。",
        "The security (CSRF) token does not match; reload the page and try again.",
    ),
    (
        "err.cross_origin",
        "拒绝来自其他网站的请求。",
        "Requests from other sites are refused.",
    ),
    (
        "err.forbidden",
        "您没有权限执行此操作。",
        "You are not allowed to do this.",
    ),
    ("err.not_found", "没有找到您要的内容。", "Not found."),
    (
        "err.internal",
        "服务器内部错误，已记录，请稍后重试。",
        "Internal error; it was logged. Please try again later.",
    ),
    (
        "err.invalid_phone",
        "电话号码格式不正确：{value}",
        "Not a phone number: {value}",
    ),
    (
        "err.notice_issued",
        "通知已印发，不能再修改；如需更正，请发布更正版本。",
        "The notice has been issued and cannot be changed; issue a correction instead.",
    ),
    (
        "err.notice_not_issued",
        "通知尚未印发。",
        "The notice has not been issued yet.",
    ),
    (
        "err.already_acknowledged",
        "已经签收过了。",
        "Already acknowledged.",
    ),
    (
        "err.not_a_recipient",
        "本单位不是该通知的主送单位。",
        "Your organisation is not a recipient of this notice.",
    ),
    (
        "err.invalid_count",
        "请输入 0 到 {max} 之间的整数：{value}",
        "Enter a whole number from 0 to {max}: {value}",
    ),
    (
        "err.summary_length_off",
        "字数 {actual}，不在要求的 {min}–{max} 字（{target}字左右）之内。确认无误请勾选“仍按此字数报送”。",
        "{actual} characters, outside the {min}–{max} asked for (about {target}). Tick “Send with this length” to send anyway.",
    ),
    (
        "err.summary_too_long",
        "总结超出字数要求：最多 {max} 字，当前 {actual} 字。",
        "The summary is too long: at most {max} characters; this has {actual}.",
    ),
    (
        "err.deadline_past",
        "截止时间 {value} 已过（现在是 {now}），请填写将来的时间。",
        "The deadline {value} has passed (it is now {now}); enter a time in the future.",
    ),
    (
        "err.deadline_not_before_parent",
        "转发任务的截止时间 {value} 必须早于上级截止时间 {before}。",
        "A relayed deadline ({value}) must come before the parent's deadline {before}.",
    ),
    (
        "err.timely_has_no_deadline",
        "已选择“及时报送”，不能同时填写截止时间 {value}：请清空截止时间，或取消“及时报送”。",
        "As soon as possible has no deadline: clear {value}, or untick As soon as possible.",
    ),
    (
        "err.timely_relay_of_deadline",
        "上级任务的截止时间为 {before}，转发任务须填写更早的截止时间，不能选择“及时报送”。",
        "The parent task is due {before}: a relay needs an earlier deadline of its own.",
    ),
    (
        "err.invalid_deadline",
        "截止时间格式不正确：{value}（例如 2022-06-20 18:00）",
        "Not a deadline: {value} (e.g. 2022-06-20 18:00)",
    ),
    (
        "err.invalid_file_type",
        "文件类型不正确：{value}（例如 pdf、docx、jpg）",
        "Not a file type: {value} (e.g. pdf, docx, jpg)",
    ),
    (
        "err.not_relayed_task",
        "任务 {value} 不属于本通知所转发的通知。",
        "Task {value} does not belong to the notice this one relays.",
    ),
    (
        "err.task_already_relayed",
        "该任务已在本通知中转发过。",
        "This task has already been relayed on this notice.",
    ),
    (
        "err.not_a_notice_recipient",
        "{value} 不是该通知的主送单位。",
        "{value} is not a recipient of the notice.",
    ),
    (
        "err.recipient_out_of_reach",
        "{value} 不在本单位的行文范围内：下行文发往本单位及下级单位，上行文发往上级机关，平行文发往其他不相隶属的单位；上行文、平行文由市场监管部门发出。",
        "{value} is out of reach: a notice down goes to the issuer and the organisations below it, a letter up to a superior, a letter across to an organisation neither above nor below; letters up and across are sent by regulators.",
    ),
    (
        "err.children_only_down",
        "上行文、平行文须逐一列出主送单位，不能按下级类别群发。",
        "A letter up or across names each addressee; only a notice down may address a group of subordinates.",
    ),
    (
        "err.campaign_not_managed",
        "只有活动主办单位及其上级才能把通知归入活动 {value}；转发时沿用原通知所属的活动。",
        "Only the campaign's owner (or an organisation above it) may attach a notice to campaign {value}; a relay keeps the original's campaign.",
    ),
    (
        "err.letter_carries_no_tasks",
        "上行文、平行文不能布置报送任务。",
        "A letter up or across carries no reporting tasks.",
    ),
    (
        "err.submit_to_out_of_reach",
        "报送单位 {value} 须为发文单位或其下级单位。",
        "Submissions go to the issuer or an organisation below it, not to {value}.",
    ),
    (
        "err.relay_goes_down",
        "转发是向下级行文，行文方向须为下行文。",
        "A relay goes down the tree: its direction is down.",
    ),
    (
        "err.already_submitted",
        "已报送，正在等待审核，不能修改。",
        "Already submitted and awaiting review; it cannot be changed.",
    ),
    (
        "err.submission_accepted",
        "报送材料已被采纳，不能修改。",
        "The submission has been accepted and cannot be changed.",
    ),
    (
        "err.submission_not_submitted",
        "该报送尚未提交或已处理。",
        "Nothing is awaiting review in this submission.",
    ),
    (
        "err.nothing_to_compile",
        "下级单位还没有被采纳的报送材料，无法汇总。",
        "No accepted submissions from units below yet; nothing to compile.",
    ),
    (
        "err.not_a_stream_task",
        "该任务不是稿件类任务（信息和新闻稿件），请在任务页报送。",
        "This task does not take a stream of items; submit on the task's page.",
    ),
    (
        "err.item_not_submitted",
        "该稿件已审核过。",
        "This item has already been reviewed.",
    ),
    (
        "err.item_not_accepted",
        "只有已采用的稿件才能发布。",
        "Only an accepted item can be published.",
    ),
    (
        "err.summary_not_sent",
        "本级汇总报告只保存在本单位，不向上报送。",
        "A summary kept where the task is collected is not sent anywhere.",
    ),
    (
        "err.already_corrected",
        "该版本已有更正版本。",
        "This version has already been corrected.",
    ),
    (
        "err.no_recipient_orgs",
        "主送单位中没有任何机构，无法印发。",
        "The recipients name no organisation; nothing to issue to.",
    ),
    (
        "err.doc_number_format",
        "发文字号格式应为“机关代字〔年份〕序号号”，如 粤市监认监〔2022〕253号。",
        "A document number looks like 粤市监认监〔2022〕253号: issuer code, year in brackets, serial.",
    ),
    (
        "err.doc_number_issuer",
        "发文字号缺少机关代字，或超过 {max} 个字。",
        "The document number lacks the issuer code, or it is longer than {max} characters.",
    ),
    (
        "err.doc_number_year",
        "发文字号中的年份应为四位数字，如〔2022〕。",
        "The year in the document number must have four digits, e.g. 〔2022〕.",
    ),
    (
        "err.doc_number_serial",
        "发文字号中的序号应为正整数，不编虚位。",
        "The serial of the document number must be a positive whole number without leading zeros.",
    ),
    (
        "err.printed_before_written",
        "印发日期不能早于成文日期 {written_on}。",
        "The printing date cannot be before the date of writing, {written_on}.",
    ),
    (
        "err.attachment_required",
        "本任务须附附件，请至少上传一个文件后再报送。",
        "This task requires attachments: upload at least one file before submitting.",
    ),
    (
        "err.attachments_not_accepted",
        "本任务不接受附件。",
        "This task takes no attachments.",
    ),
    (
        "err.invalid_token",
        "API 令牌无效或已吊销。",
        "The API token is invalid or revoked.",
    ),
];

static CATALOG: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| all_messages().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

/// Every message: the shared table, then each module's.
fn all_messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    MESSAGES
        .iter()
        .chain(activities::MESSAGES.iter())
        .chain(venues::MESSAGES.iter())
        .chain(pt::MESSAGES.iter())
        .chain(publicity::MESSAGES.iter())
        .chain(industry_stats::MESSAGES.iter())
        .chain(shipments::MESSAGES.iter())
        .chain(search::MESSAGES.iter())
        .chain(initiative::MESSAGES.iter())
        .chain(ingest::MESSAGES.iter())
        .chain(cases::MESSAGES.iter())
}

/// Translator for one request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Tr { locale }
    }

    /// The text for `key`; the key itself when missing (a test keeps that from happening).
    pub fn t(&self, key: &str) -> &'static str {
        match CATALOG.get(key) {
            Some((zh, en)) => match self.locale {
                Locale::ZhCn => zh,
                Locale::En => en,
            },
            None => {
                tracing::warn!(key, "missing message");
                ""
            }
        }
    }

    /// The text for `key` with `{name}` parameters filled in.
    pub fn tf(&self, key: &str, params: &[(&str, String)]) -> String {
        let mut s = self.t(key).to_owned();
        for (k, v) in params {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// The message for a field error, looked up by its stable code.
    pub fn field_error(&self, e: &FieldError) -> String {
        let params: Vec<(&str, String)> = e.params.iter().map(|(k, v)| (*k, v.clone())).collect();
        let key = format!("err.{}", e.code);
        if CATALOG.contains_key(key.as_str()) {
            self.tf(&key, &params)
        } else {
            e.code.to_owned()
        }
    }

    pub fn is_zh(&self) -> bool {
        self.locale == Locale::ZhCn
    }
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }
    /// A label in the current language from a (zh, en) pair.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.is_zh() { zh } else { en }
    }
    /// The colon after a label: full-width in Chinese, `: ` in English.
    pub fn colon(&self) -> &'static str {
        self.pick("：", ": ")
    }
}

/// Every key, for tests that check templates use only known keys.
pub fn keys() -> impl Iterator<Item = &'static str> {
    all_messages().map(|(k, _, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal key a template asks for (`tr.t("…")`, `tr.tf("…", …)`) is in the
    /// catalog: a missing one renders as nothing.
    #[test]
    fn templates_use_only_known_keys() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for call in [".t(\"", ".tf(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    if !CATALOG.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "unknown message keys: {missing:#?}");
    }

    #[test]
    fn catalog_is_complete_and_unique() {
        assert_eq!(CATALOG.len(), all_messages().count(), "duplicate keys");
        for (k, zh, en) in all_messages() {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
            let pz: Vec<_> = zh.match_indices('{').collect();
            let pe: Vec<_> = en.match_indices('{').collect();
            assert_eq!(pz.len(), pe.len(), "parameters differ for {k}");
        }
    }

    #[test]
    fn accept_language() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=1, zh-TW;q=0.5"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::from_accept_language("fr"), None);
    }

    #[test]
    fn field_errors_have_messages_in_both_languages() {
        let e = FieldError::new("summary", "too_long")
            .with("max", 500)
            .with("actual", 612);
        assert_eq!(
            Tr::new(Locale::ZhCn).field_error(&e),
            "最多 500 个字，当前 612 个字。"
        );
        assert_eq!(
            Tr::new(Locale::En).field_error(&e),
            "At most 500 characters; this has 612."
        );
    }
}
