//! PDF rendering: the two seed notices, a certificate, a report, the proficiency-testing
//! letter and round report, fonts and missing characters. Each PDF is parsed back with lopdf (structure, embedded fonts) and, for the
//! text, with poppler's `pdftotext`. The PDFs and PNGs of their first and last pages are
//! written to `target/tmp/screenshots` for people to look at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use renke_domain::demo;
use renke_render::pdf::{
    self, Certificate, NoticeDoc, Pdf, PdfRenderer, PtReport, PtReportMeasurand, PtReportRow,
    Report,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The demo notice `i` as the web layer maps it (764号, then 253号 relaying it).
fn demo_doc(i: usize) -> NoticeDoc {
    pdf::demo::notices().remove(i)
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the PDF and, when poppler is installed, PNGs of its first and last pages.
fn save(name: &str, pdf: &Pdf) -> PathBuf {
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf.bytes).unwrap();
    for (page, suffix) in [(1, "first"), (pdf.pages, "last")] {
        let prefix = out_dir().join(format!("{name}-{suffix}"));
        let _ = Command::new("pdftoppm")
            .args([
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-f",
                &page.to_string(),
                "-l",
            ])
            .arg(page.to_string())
            .arg(&path)
            .arg(&prefix)
            .status();
    }
    path
}

/// The text of the PDF as poppler reads it (poppler-utils is installed by `.ci/run`).
fn text_of(path: &Path) -> String {
    pdftotext(path, &[])
}

/// The text with poppler's physical layout: columns side by side, as on the page.
fn layout_text_of(path: &Path) -> String {
    pdftotext(path, &["-layout"])
}

fn pdftotext(path: &Path, options: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .args(options)
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed on {path:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Text with line breaks and spaces removed, for phrases that wrap.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Parses the PDF and returns the base names of its fonts whose program is embedded.
fn embedded_fonts(pdf: &Pdf) -> Vec<String> {
    let doc = lopdf::Document::load_mem(&pdf.bytes).expect("a PDF lopdf can parse");
    assert_eq!(doc.get_pages().len(), pdf.pages);
    let mut names = Vec::new();
    for obj in doc.objects.values() {
        let Ok(dict) = obj.as_dict() else { continue };
        let is_descriptor = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"FontDescriptor");
        if !is_descriptor {
            continue;
        }
        let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.has(k));
        if embedded {
            let name = dict
                .get(b"FontName")
                .and_then(|n| n.as_name())
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            names.push(name);
        }
    }
    names
}

fn check_notice(name: &str, doc: &NoticeDoc, pdf: &Pdf) -> String {
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert_eq!(pdf.missing_chars, Vec::<char>::new());
    let fonts = embedded_fonts(pdf);
    assert!(
        fonts.iter().any(|f| f.contains("NotoSerifCJK")),
        "the CJK font is embedded: {fonts:?}"
    );
    let path = save(name, pdf);
    let text = text_of(&path);
    let flat = squeezed(&text);
    assert!(flat.contains(&squeezed(&doc.title)), "title in {text}");
    let number = doc
        .doc_number
        .as_deref()
        .expect("the sample has a 发文字号");
    assert!(flat.contains(number), "doc number in {text}");
    assert!(flat.contains("〔2022〕"));
    assert!(flat.contains(&squeezed(&format!("{}：", doc.recipients.join("，")))));
    assert!(text.contains("— 1 —"), "page number in {text}");
    assert!(flat.contains(&squeezed(&doc.issuer_mark)));
    assert!(flat.contains(&doc.signature));
    assert!(flat.contains("公开方式：主动公开"));
    text
}

#[test]
fn samr_notice_764() {
    let doc = demo_doc(0);
    let pdf = pdf::notice(&doc).unwrap();
    let text = check_notice("notice-764", &doc, &pdf);
    let flat = squeezed(&text);
    assert!(flat.contains("市监认证函〔2022〕764号"));
    assert!(flat.contains("各省、自治区、直辖市和新疆生产建设兵团市场监管局（厅、委）："));
    // The title breaks between words: "第十五个" stays on one line.
    let layout = layout_text_of(&out_dir().join("notice-764.pdf"));
    assert!(layout.contains("第十五个"), "{layout}");
    assert!(flat.contains("一、总体安排"));
    assert!(flat.contains("2022年5月27日"), "成文日期 in Chinese");
    assert!(flat.contains("联系人：周演示，电话：010-00000001"));
    assert!(pdf.pages >= 3, "{} pages", pdf.pages);
    for p in 2..=pdf.pages {
        assert!(text.contains(&format!("— {p} —")), "page number {p}");
    }
}

#[test]
fn guangdong_notice_253_with_imprint() {
    let doc = demo_doc(1);
    let pdf = pdf::notice(&doc).unwrap();
    let text = check_notice("notice-253", &doc, &pdf);
    let flat = squeezed(&text);
    assert!(flat.contains("粤市监认监〔2022〕253号"));
    assert!(flat.contains("各地级以上市市场监管局："));
    assert!(flat.contains("附件：市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知（市监认证函〔2022〕764号）"));
    assert!(flat.contains("抄送：省档案馆。"));
    // 印发机关 left and 印发日期 right on one line.
    let layout = layout_text_of(&out_dir().join("notice-253.pdf"));
    let line = layout
        .lines()
        .find(|l| l.contains("广东省市场监督管理局办公室"))
        .unwrap();
    assert!(line.trim_end().ends_with("2022年6月2日印发"), "{line}");
    assert!(flat.contains("校对：郑演示"));
    assert!(flat.contains("（此件公开发布）"));
    // The relayed 764号 follows in full, after its own 版记, on a page of its own under 附件.
    let original = demo_doc(0);
    assert!(
        doc.relayed.as_deref() == Some(&original),
        "253号 relays 764号"
    );
    let alone = pdf::notice(&NoticeDoc {
        relayed: None,
        ..doc.clone()
    })
    .unwrap();
    assert!(
        pdf.pages > alone.pages,
        "{} pages against {}",
        pdf.pages,
        alone.pages
    );
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let first_attached = pages
        .iter()
        .position(|p| squeezed(p).contains(&squeezed(&original.issuer_mark)))
        .unwrap_or_else(|| panic!("no page of 764号 after 253号: {text}"));
    assert_eq!(
        first_attached, alone.pages,
        "764号 starts on the page after 253号 ends"
    );
    assert!(
        squeezed(pages[first_attached]).starts_with("附件"),
        "{}",
        pages[first_attached]
    );
    let after = squeezed(&pages[first_attached..].concat());
    assert!(
        after.contains("一、总体安排") && after.contains("联系人：周演示"),
        "{after}"
    );
}

/// A notice without a 发文字号 (Shanghai's 2022 publicity notice has none) keeps the empty
/// line above the red line: its title starts where a numbered notice's does.
#[test]
fn a_notice_without_a_doc_number() {
    let numbered = demo_doc(0);
    let doc = NoticeDoc {
        doc_number: None,
        ..numbered.clone()
    };
    let pdf = pdf::notice(&doc).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let path = save("notice-no-doc-number", &pdf);
    let text = text_of(&path);
    assert!(!squeezed(&text).contains("〔2022〕"), "{text}");
    assert!(squeezed(&text).contains(&squeezed(&doc.title)));
    let numbered_pdf = pdf::notice(&numbered).unwrap();
    assert_eq!(pdf.pages, numbered_pdf.pages);
    // The title's first line stands at the same height on the page (pdftotext's word boxes).
    let title_top = |path: &Path| {
        let boxes = pdftotext(path, &["-bbox", "-f", "1", "-l", "1"]);
        let word = boxes
            .lines()
            .find(|l| l.contains("<word") && l.contains(">市场监管总局办公厅关于"))
            .unwrap_or_else(|| panic!("no title in {boxes}"))
            .to_owned();
        let y = word
            .split("yMin=\"")
            .nth(1)
            .and_then(|r| r.split('"').next());
        y.and_then(|y| y.parse::<f64>().ok()).unwrap()
    };
    let compare = save("notice-numbered-compare", &numbered_pdf);
    assert!((title_top(&path) - title_top(&compare)).abs() < 0.5);
}

#[test]
fn user_text_is_never_markup() {
    let mut doc = demo_doc(1);
    doc.title = "#set page(paper: \"a5\") *粗* _斜_ $x^2$ <l> @ref // 注释 \\ #panic(\"x\")".into();
    doc.body = "一、#read(\"/etc/passwd\")\n正文 = 标题\n- 列表 #{1 + 1}".into();
    doc.recipients = vec!["#include \"/data.json\"".into()];
    let pdf = pdf::notice(&doc).unwrap();
    let path = save("notice-markup", &pdf);
    let flat = squeezed(&text_of(&path));
    for s in [
        "#setpage(paper:\"a5\")*粗*_斜_$x^2$<l>@ref//注释\\#panic(\"x\")",
        "一、#read(\"/etc/passwd\")",
        "正文=标题",
        "#{1+1}",
        "#include\"/data.json\"：",
    ] {
        assert!(flat.contains(s), "{s} shown as typed in {flat}");
    }
    // Still A4: 595 × 842 pt.
    let lo = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let (_, page) = lo.get_pages().into_iter().next().unwrap();
    let media = lo
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_float().unwrap().round() as i64)
        .collect::<Vec<_>>();
    assert_eq!(media, [0, 0, 595, 842]);
}

#[test]
fn draft_notice_is_marked() {
    let mut doc = demo_doc(1);
    doc.draft = true;
    let pdf = pdf::notice(&doc).unwrap();
    let path = save("notice-draft", &pdf);
    let text = text_of(&path);
    assert_eq!(
        text.matches("草稿 DRAFT · 未印发 not issued").count(),
        pdf.pages,
        "on every page: {text}"
    );
}

/// A character outside the bundled subset is reported, never silently dropped; with a
/// font directory that has it, it falls back to that font and is embedded.
#[test]
fn characters_outside_the_subset_are_reported_or_fall_back() {
    // 𰀀 (U+30000, CJK extension G) is in no font here; 䶮 (U+4DAE) is in the full Noto
    // Serif CJK SC but not in the GB 2312 subset.
    let mut doc = demo_doc(1);
    doc.body = format!("{}\n生僻字：䶮、𰀀。", doc.body);
    let bundled = PdfRenderer::bundled().unwrap();
    let pdf = bundled.notice(&doc).unwrap();
    assert_eq!(pdf.missing_chars, vec!['䶮', '𰀀']);
    let path = save("notice-missing", &pdf);
    let flat = squeezed(&text_of(&path));
    assert!(flat.contains("生僻字："), "the rest of the line is there");

    // The system's Noto CJK (fonts-noto-cjk, installed by .ci/run) covers 䶮.
    let system = Path::new("/usr/share/fonts/opentype/noto");
    assert!(system.is_dir(), "fonts-noto-cjk must be installed");
    let with_system = PdfRenderer::new(Some(system)).unwrap();
    assert!(with_system.fonts().len() > bundled.fonts().len());
    let pdf = with_system.notice(&doc).unwrap();
    assert_eq!(pdf.missing_chars, vec!['𰀀']);
    let path = save("notice-fallback", &pdf);
    assert!(squeezed(&text_of(&path)).contains("生僻字：䶮"));
    let fonts = embedded_fonts(&pdf);
    assert!(fonts.len() > embedded_fonts(&bundled.notice(&demo_doc(1)).unwrap()).len());
}

#[test]
fn a_missing_font_directory_is_an_error() {
    let err = PdfRenderer::new(Some(Path::new("/nonexistent/renke-fonts")))
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("/nonexistent/renke-fonts"),
        "{err}"
    );
}

#[test]
fn bundled_font_covers_gb2312_and_the_seeds() {
    let r = PdfRenderer::bundled().unwrap();
    // Every cell of GB 2312 (rows A1–A9 symbols, B0–F7 hanzi), decoded as GBK, its superset.
    let mut chars: Vec<char> = Vec::new();
    for hi in (0xA1u8..=0xA9).chain(0xB0..=0xF7) {
        for lo in 0xA1u8..=0xFE {
            let bytes = [hi, lo];
            let (s, _, bad) = encoding_rs::GBK.decode(&bytes);
            let c = s.chars().next().unwrap();
            // Unassigned cells decode to the private use area.
            if !bad && !('\u{E000}'..='\u{F8FF}').contains(&c) {
                chars.push(c);
            }
        }
    }
    assert!(chars.len() > 7400, "{}", chars.len());
    for n in demo::notices::notices() {
        chars.extend(n.title.chars());
        chars.extend(n.body.chars());
    }
    chars.extend("〔〕—（）：；、。“”《》①⑴⒈Ⅰ￥".chars());
    assert_eq!(r.fonts().uncovered(chars), Vec::<char>::new());
    assert_eq!(
        r.fonts().families(),
        ["Noto Sans CJK SC", "Noto Serif CJK SC"]
    );
}

fn certificate_demo() -> Certificate {
    pdf::demo::certificate()
}

#[test]
fn certificate_of_attendance() {
    let c = certificate_demo();
    let pdf = pdf::certificate(&c).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert_eq!(pdf.missing_chars, Vec::<char>::new());
    assert_eq!(pdf.pages, 1);
    assert!(embedded_fonts(&pdf).iter().any(|f| f.contains("CJK")));
    let path = save("certificate", &pdf);
    let text = text_of(&path);
    let flat = squeezed(&text);
    for s in [
        "参加证明",
        "证书编号No.：RK-2022-0007-000123",
        "陈演示（广州演示检测技术有限公司）：",
        "于2022年6月15日至6月16日参加了由广东省市场监督管理局主办的“中小微企业质量管理体系免费培训”（广州片区现场培训），特此证明。",
        "2022年6月16日",
        "扫码验证Verify：K7M2-Q9XD",
        "http://127.0.0.1:8080/verify/K7M2Q9XD",
    ] {
        assert!(flat.contains(s), "{s} in {text}");
    }
    assert!(flat.contains("CERTIFICATEOFATTENDANCE"), "{text}");
    // The verification QR code is drawn: hundreds of path segments (its modules), which
    // a certificate whose address does not fit a QR code lacks.
    let moves = |pdf: &renke_render::pdf::Pdf| {
        let lo = lopdf::Document::load_mem(&pdf.bytes).unwrap();
        lo.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .map(|s| {
                let content = s
                    .decompressed_content()
                    .unwrap_or_else(|_| s.content.clone());
                content
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|t| *t == b"m")
                    .count()
            })
            .sum::<usize>()
    };
    let without = pdf::certificate(&Certificate {
        verify_url: "x".repeat(3000),
        ..c.clone()
    })
    .unwrap();
    let (with_qr, without_qr) = (moves(&pdf), moves(&without));
    assert!(
        with_qr > without_qr + 200,
        "a QR code on the page: {with_qr} path moves, {without_qr} without"
    );
    // Landscape A4.
    let lo = lopdf::Document::load_mem(&pdf.bytes).unwrap();
    let (_, page) = lo.get_pages().into_iter().next().unwrap();
    let media = lo.get_dictionary(page).unwrap().get(b"MediaBox").unwrap();
    let w = media.as_array().unwrap()[2].as_float().unwrap().round() as i64;
    assert_eq!(w, 842);
}

#[test]
fn certificate_for_one_day_without_organisation() {
    let c = Certificate {
        person_org: None,
        session: None,
        ends_on: None,
        starts_on: date("2022-06-09"),
        ..certificate_demo()
    };
    assert_eq!(c.dates(), "2022年6月9日");
    let pdf = pdf::certificate(&c).unwrap();
    let flat = squeezed(&text_of(&save("certificate-one-day", &pdf)));
    assert!(flat.contains("陈演示：于2022年6月9日参加了由"), "{flat}");
    assert!(!flat.contains("（广州片区现场培训）"));
}

fn report_demo() -> Report {
    pdf::demo::report()
}

#[test]
fn compiled_report() {
    let r = report_demo();
    let pdf = pdf::report(&r).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert_eq!(pdf.missing_chars, Vec::<char>::new());
    assert!(embedded_fonts(&pdf).iter().any(|f| f.contains("CJK")));
    let path = save("report", &pdf);
    let text = text_of(&path);
    let flat = squeezed(&text);
    for s in [
        "广东省第十五个“世界认可日”活动开展情况汇总",
        "一、各单位报送情况",
        "深圳市市场监督管理局",
        "开展实验室开放日2场。",
        "二、活动及数据",
        "实验室“云开放”直播",
        "观看人次：15000",
        "合计1286",
        "三、材料索引",
        "https://renke.example.org/files/42",
        "javascript:alert(1)",
        "粤市监认监〔2022〕253号",
    ] {
        assert!(flat.contains(s), "{s} in {text}");
    }
    assert!(text.contains("— 1 —"));
    // Only the web address is a link.
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("https://renke.example.org/files/42"));
    assert!(!raw.contains("/URI (javascript"));
}

#[test]
fn empty_report_says_so() {
    let r = Report {
        units: vec![],
        activities: vec![],
        materials: vec![],
        introduction: None,
        task: None,
        notice: None,
        submit_to: None,
        ..report_demo()
    };
    let pdf = pdf::report(&r).unwrap();
    let flat = squeezed(&text_of(&save("report-empty", &pdf)));
    for s in ["（暂无报送）", "（暂无活动）", "（暂无材料）"] {
        assert!(flat.contains(s), "{s}");
    }
}

/// The letter to GD01-K7M2 on round GDPT-2022-01: its code, its results and scores, both
/// classes, its charts — and no other laboratory's code anywhere.
#[test]
fn pt_letter_to_one_laboratory() {
    let letter = pdf::demo::pt_letter();
    let pdf = pdf::pt_letter(&letter).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert_eq!(pdf.missing_chars, Vec::<char>::new());
    assert!((1..=2).contains(&pdf.pages), "{} pages", pdf.pages);
    assert!(embedded_fonts(&pdf).iter().any(|f| f.contains("CJK")));
    let path = save("pt-letter", &pdf);
    let text = text_of(&path);
    let flat = squeezed(&text);
    for s in [
        "广东省市场监督管理局",
        "能力验证结果通知书",
        "GDPT-2022-01",
        "电气产品绝缘电阻测试",
        "致：广州演示检测技术有限公司",
        "实验室代码：GD01-K7M2",
        "2022年5月20日",
        "绝缘电阻（样品A）",
        "稳健平均值（算法A，ISO13528:2022C.3.1）",
        "|z|≤2为满意；2<|z|<3为可疑",
        "|z|≥3为不满意",
        "仅以代码标识",
    ] {
        assert!(flat.contains(s), "{s} in {text}");
    }
    assert_eq!(letter.rows.len(), 2);
    for row in &letter.rows {
        assert!(
            flat.contains(&format!("z={}", row.score)),
            "{} in {text}",
            row.score
        );
        assert!(flat.contains(&squeezed(&row.result)));
    }
    assert_eq!(letter.rows[0].class, "满意");
    assert_eq!(letter.rows[1].class, "不满意");
    assert!(text.contains("不满意") && text.replace("不满意", "").contains("满意"));
    // The charts are drawn: distribution (own result marked) and the ranked z scores.
    assert_eq!(letter.charts.len(), 3);
    assert!(
        letter
            .charts
            .iter()
            .all(|c| c.svg.contains("id=\"marked\""))
    );
    // No other laboratory's code, in the text or in the charts.
    let report = pdf::demo::pt_report();
    let others: Vec<&str> = report.measurands[0]
        .rows
        .iter()
        .map(|r| r.code.as_str())
        .filter(|c| *c != letter.lab_code)
        .collect();
    assert_eq!(others.len(), 47);
    let raw = String::from_utf8_lossy(&pdf.bytes);
    for code in others {
        assert!(!flat.contains(code), "{code} in the letter: {text}");
        assert!(
            !letter.charts.iter().any(|c| c.svg.contains(code)),
            "{code}"
        );
        assert!(!raw.contains(code));
    }
}

/// The round's report: the summary, both samples with methods and charts, every code, the
/// classes — and never a laboratory's name.
#[test]
fn pt_round_report() {
    let report = pdf::demo::pt_report();
    let pdf = pdf::pt_report(&report).unwrap();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    assert_eq!(pdf.missing_chars, Vec::<char>::new());
    let path = save("pt-report", &pdf);
    let text = text_of(&path);
    let flat = squeezed(&text);
    for s in [
        "能力验证结果报告",
        "GDPT-2022-01",
        "参加实验室：48家",
        "二、结果汇总",
        "绝缘电阻（样品A）",
        "绝缘电阻（样品B）",
        "方法说明：",
        "全部结果参与计算",
        "逾期提交的结果",
        "四、配对样品的Youden图",
        "绝缘电阻（样品A）与绝缘电阻（样品B）：z值Youden图",
    ] {
        assert!(flat.contains(s), "{s} in {text}");
    }
    assert!(text.contains("— 1 —"));
    for m in &report.measurands {
        assert_eq!(m.counts.iter().sum::<usize>(), m.n);
        assert!(m.counts[0] > 0 && m.counts[2] > 0, "{:?}", m.counts);
        for r in &m.rows {
            assert!(flat.contains(&r.code), "{} in {text}", r.code);
        }
        assert!(flat.contains(&squeezed(&m.assigned)));
    }
    // GD01-K7M2's row for sample B, with its score and class.
    let own = report.measurands[1]
        .rows
        .iter()
        .find(|r| r.code == "GD01-K7M2")
        .unwrap();
    assert_eq!(own.class, "不满意");
    assert!(
        flat.contains(&format!("GD01-K7M2{}{}不满意", own.result, own.score)),
        "{text}"
    );
    assert!(flat.contains("满意") && flat.contains("可疑"));
    assert!(!flat.contains("广州演示检测技术有限公司"), "no names");
}

/// The demo report with one measurand of `n` invented participants and its score chart.
fn pt_report_of(n: usize) -> PtReport {
    let base = pdf::demo::pt_report();
    let m = &base.measurands[0];
    let rows: Vec<PtReportRow> = (0..n)
        .map(|i| PtReportRow {
            code: format!("GD{i:04}-X"),
            result: format!("{:.1}", 50.0 + (i % 17) as f64 * 0.3),
            score: format!("{:.2}", (i % 17) as f64 * 0.3 - 2.4),
            class: if i % 17 > 15 { "可疑" } else { "满意" }.into(),
            late: i % 97 == 0,
        })
        .collect();
    let scores: Vec<(String, f64)> = rows
        .iter()
        .map(|r| (r.code.clone(), r.score.parse().unwrap()))
        .collect();
    PtReport {
        participants: n,
        measurands: vec![PtReportMeasurand {
            n,
            counts: [n - n / 17, n / 17, 0],
            charts: vec![pdf::PtChart {
                title: "z 分数排序".into(),
                svg: renke_render::chart::ranked_scores_svg(&scores, None, "z"),
            }],
            rows,
            ..m.clone()
        }],
        ..base.clone()
    }
}

/// Several hundred participants: one row each, in two columns over the pages; the work
/// grows with the rows, not faster.
#[test]
fn pt_report_with_many_participants() {
    let start = std::time::Instant::now();
    let small = pdf::pt_report(&pt_report_of(100)).unwrap();
    let t_small = start.elapsed();
    let start = std::time::Instant::now();
    let big = pdf::pt_report(&pt_report_of(600)).unwrap();
    let t_big = start.elapsed();
    assert!(big.warnings.is_empty(), "{:?}", big.warnings);
    assert!(
        big.pages > small.pages,
        "{} against {}",
        big.pages,
        small.pages
    );
    let flat = squeezed(&text_of(&save("pt-report-600", &big)));
    assert!(flat.contains("GD0000-X") && flat.contains("GD0599-X"));
    // Six times the rows in well under 36 times the time.
    assert!(
        t_big.as_secs_f64() < 12.0 * t_small.as_secs_f64().max(0.2),
        "{t_small:?} for 100 rows, {t_big:?} for 600"
    );
}

/// 10,000 participants (slow in a debug build: run with `--ignored`).
#[test]
#[ignore]
fn pt_report_with_ten_thousand_participants() {
    let start = std::time::Instant::now();
    let pdf = pdf::pt_report(&pt_report_of(10_000)).unwrap();
    let took = start.elapsed();
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let flat = squeezed(&text_of(&save("pt-report-10000", &pdf)));
    assert!(flat.contains("GD9999-X"));
    eprintln!("10,000 rows: {} pages in {took:?}", pdf.pages);
}

/// A notice received as a PDF is read back by `text::extract` (lopdf, no external tool):
/// its number, salutation and dates come out as characters, in order.
#[test]
fn a_notice_pdf_is_read_back_as_text() {
    let pdf = pdf::notice(&demo_doc(0)).unwrap();
    let text = renke_render::text::extract("764号.pdf", &pdf.bytes).unwrap();
    let flat = squeezed(&text);
    let number = flat.find("市监认证函〔2022〕764号").expect("number");
    let salutation = flat
        .find("各省、自治区、直辖市和新疆生产建设兵团市场监管局（厅、委）：")
        .expect("salutation");
    assert!(number < salutation, "{text}");
    assert!(flat.contains("2022年5月27日"), "{text}");
}
