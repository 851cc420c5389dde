//! The demo's publicity materials (宣传资料), through `renke_app::publicity` with the demo
//! accounts as callers: the campaign's official posters and slogan (the administrator for SAMR,
//! published at once), and Guangdong's city bureaus' photos, news clippings and drafts in
//! each review state — published by the province, accepted and waiting, returned with a
//! reason, and just submitted. The pictures are drawn here (labelled 演示图片): the demo
//! ships no photographs.

use anyhow::{Context, anyhow};
use chrono::{DateTime, Utc};
use renke_app::publicity::{self as pty, MaterialForm, StepForm};
use renke_app::reporting::tasks::UploadedFile;
use renke_app::{App, Caller, FileStore, WebConfig};
use renke_domain::clock::Clock;
use renke_store::Db;

/// A material of the demo: who uploads it, what it is, and how far its review goes.
struct DemoMaterial {
    login: &'static str,
    kind: &'static str,
    title: &'static str,
    description: &'static str,
    tags: &'static str,
    consent: &'static str,
    /// The picture's colours (background, band) when it has a drawn image.
    picture: Option<([u8; 3], [u8; 3])>,
    /// A news draft's text (stored as a .txt document).
    text: Option<&'static str>,
    link: &'static str,
    /// Review steps by `gd.organiser`, in order (`accept`, `publish`, `return`).
    steps: &'static [&'static str],
}

const RED: [u8; 3] = [178, 34, 34];
const BLUE: [u8; 3] = [31, 78, 121];
const GOLD: [u8; 3] = [230, 180, 60];
const WHITE: [u8; 3] = [250, 250, 245];
const GREEN: [u8; 3] = [46, 125, 50];

/// The cities' materials.
const CITY_MATERIALS: [DemoMaterial; 6] = [
    DemoMaterial {
        login: "gdsz.staff",
        kind: "photo",
        title: "深圳市世界认可日主题宣传活动现场",
        description: "深圳市局在市民中心广场设置认可检测咨询台，发放宣传资料 2,000 余份。",
        tags: "现场活动、咨询台",
        consent: "照片中人员均已同意用于宣传；摄影：深圳市局办公室。",
        picture: Some((BLUE, GOLD)),
        text: None,
        link: "",
        steps: &["accept", "publish"],
    },
    DemoMaterial {
        login: "gdgz.staff",
        kind: "photo",
        title: "广州市检验检测机构实验室“云开放”直播",
        description: "广州市局组织 3 家检验检测机构开展实验室“云开放”网络直播，观看 1.2 万人次。",
        tags: "云开放、直播",
        consent: "直播截图，出镜人员已书面同意。",
        picture: Some((GREEN, WHITE)),
        text: None,
        link: "",
        steps: &["accept", "publish"],
    },
    DemoMaterial {
        login: "gdfs.staff",
        kind: "clipping",
        title: "《佛山日报》：认可检测为制造业高质量发展传递信任",
        description: "2022年6月1日第 A05 版报道。",
        tags: "媒体报道",
        consent: "",
        picture: Some((WHITE, RED)),
        text: None,
        link: "",
        steps: &["accept"],
    },
    DemoMaterial {
        login: "gddg.staff",
        kind: "news_draft",
        title: "东莞市开展“传递质量信任 服务绿色发展”主题宣传（新闻稿）",
        description: "供省局网站采用的新闻稿。",
        tags: "新闻稿",
        consent: "",
        picture: None,
        text: Some(
            "6月1日，东莞市市场监督管理局围绕2022年世界认可日主题“传递质量信任 服务绿色发展”，\
             启动世界认可日宣传周，组织辖区检验检测机构开展开放日活动，向企业和市民介绍认可与检验检测在绿色发展中的作用。",
        ),
        link: "",
        steps: &["return"],
    },
    DemoMaterial {
        login: "gdsz.staff",
        kind: "video",
        title: "深圳市认可检测科普短视频《检测报告背后的信任》",
        description: "3 分钟科普短视频，已在市局视频号发布。",
        tags: "短视频、科普",
        consent: "视频中人员均已同意公开播放。",
        picture: None,
        text: None,
        link: "https://video.example.cn/shenzhen/wad2022",
        steps: &[],
    },
    DemoMaterial {
        login: "gdhz.staff",
        kind: "photo",
        title: "惠州市进企业宣讲认证认可政策",
        description: "惠州市局走进仲恺高新区企业宣讲认证认可政策。",
        tags: "进企业",
        consent: "照片中人员均已同意用于宣传。",
        picture: Some((RED, WHITE)),
        text: None,
        link: "",
        steps: &[],
    },
];

/// The reason the demo's returned draft carries.
const RETURN_REASON: &str = "请补充活动参与人数和现场照片后重新提交。";

/// A picture of `w`×`h` in two colours (a band across the middle), as PNG.
fn picture(w: u32, h: u32, (bg, band): ([u8; 3], [u8; 3])) -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let in_band = y > h * 2 / 5 && y < h * 3 / 5;
        let edge = x < 12 || y < 12 || x >= w - 12 || y >= h - 12;
        image::Rgb(if in_band || edge { band } else { bg })
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .context("demo picture")?;
    Ok(out.into_inner())
}

/// The demo's materials on campaign `campaign_id`, stored in `files`, each step at `at`.
/// Returns how many were loaded.
pub(super) async fn load(
    db: &Db,
    files: &FileStore,
    campaign_id: i64,
    at: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let app =
        App::new(db.clone(), Clock::fixed(at), WebConfig::default()).with_files(files.clone());
    let caller = |login: &'static str| async move {
        renke_store::accounts::get_by_login(db, login)
            .await
            .map(Caller::from)
            .with_context(|| format!("demo account {login}"))
    };
    let campaign = campaign_id.to_string();
    let mut n = 0;
    // The campaign's official material: posters in print and web sizes, the slogan.
    // SAMR's campaign is managed by SAMR's own accounts (its department works it but does not
    // issue in its name): the administrator adds the official material.
    let samr = caller("admin").await?;
    let official = [
        (
            "2022年世界认可日宣传海报（印刷版，演示图片）",
            "poster",
            1200,
            1700,
        ),
        (
            "2022年世界认可日宣传海报（网络版，演示图片）",
            "poster",
            600,
            850,
        ),
    ];
    for (title, kind, w, h) in official {
        let f = MaterialForm {
            campaign_id: campaign.clone(),
            kind: kind.into(),
            title: title.into(),
            description: "主题：传递质量信任 服务绿色发展。".into(),
            tags: "海报、官方".into(),
            official: "1".into(),
            ..MaterialForm::default()
        };
        let file = UploadedFile::new(format!("{title}.png"), picture(w, h, (RED, GOLD))?);
        pty::submit(&app, &samr, &f, Some(&file))
            .await
            .map_err(|e| anyhow!("演示宣传资料 demo material {title}: {e:?}"))?;
        n += 1;
    }
    let slogan = MaterialForm {
        campaign_id: campaign.clone(),
        kind: "document".into(),
        title: "2022年世界认可日主题与宣传标语".into(),
        tags: "标语、官方".into(),
        official: "1".into(),
        ..MaterialForm::default()
    };
    let file = UploadedFile::new(
        "宣传标语.txt",
        "主题：传递质量信任 服务绿色发展\n认可检测 传递信任\n".as_bytes(),
    );
    pty::submit(&app, &samr, &slogan, Some(&file))
        .await
        .map_err(|e| anyhow!("演示宣传资料 demo slogan: {e:?}"))?;
    n += 1;

    // The cities' materials, reviewed by the province.
    let gd = caller("gd.organiser").await?;
    for m in &CITY_MATERIALS {
        let me = caller(m.login).await?;
        let f = MaterialForm {
            campaign_id: campaign.clone(),
            kind: m.kind.into(),
            title: m.title.into(),
            description: m.description.into(),
            tags: m.tags.into(),
            consent: m.consent.into(),
            link: m.link.into(),
            ..MaterialForm::default()
        };
        let file = match (m.picture, m.text) {
            (Some(colours), _) => Some(UploadedFile::new(
                format!("{}.png", m.title),
                picture(960, 640, colours)?,
            )),
            (None, Some(text)) => Some(UploadedFile::new(
                format!("{}.txt", m.title),
                text.as_bytes(),
            )),
            (None, None) => None,
        };
        let made = pty::submit(&app, &me, &f, file.as_ref())
            .await
            .map_err(|e| anyhow!("演示宣传资料 demo material {}: {e:?}", m.title))?;
        for step in m.steps {
            let s = StepForm {
                step: (*step).into(),
                reason: if *step == "return" {
                    RETURN_REASON.into()
                } else {
                    String::new()
                },
            };
            pty::take_step(&app, &gd, made.id, &s)
                .await
                .map_err(|e| anyhow!("演示宣传资料 demo step {step} {}: {e:?}", m.title))?;
        }
        n += 1;
    }
    Ok(n)
}
