//! The certificate of attendance (参加证明): who attended what, when, organised by whom.

use super::zh_date;
use chrono::NaiveDate;
use serde::Serialize;

/// `data` as a QR code in SVG (medium error correction, a quiet zone of four modules);
/// empty when it does not fit a QR code.
fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(120, 120)
            .build(),
        Err(_) => String::new(),
    }
}

/// A certificate of attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// 证书编号, unique per certificate (e.g. RK-2022-0001-000123).
    pub number: String,
    /// The person who attended.
    pub person: String,
    /// Their company or institution, if known.
    pub person_org: Option<String>,
    /// The activity's title.
    pub activity: String,
    /// The session attended, for a series (e.g. 广州片区现场培训).
    pub session: Option<String>,
    /// The day attended, or the first day of a period.
    pub starts_on: NaiveDate,
    /// The last day of a period, if it is one.
    pub ends_on: Option<NaiveDate>,
    /// 主办单位: who organised it and issues the certificate.
    pub organiser: String,
    /// The day the certificate was issued.
    pub issued_on: NaiveDate,
    /// The code that verifies it (`K7M2-Q9XD`), printed beside the QR code.
    pub verify_code: String,
    /// The public page that verifies it, printed as a QR code.
    pub verify_url: String,
}

#[derive(Serialize)]
struct Data<'a> {
    number: &'a str,
    person: &'a str,
    person_org: Option<&'a str>,
    activity: &'a str,
    session: Option<&'a str>,
    dates: String,
    dates_en: String,
    organiser: &'a str,
    issued_on: String,
    verify_code: &'a str,
    verify_url: &'a str,
    /// The QR code of `verify_url`, as SVG.
    verify_qr: String,
}

impl Certificate {
    /// 2022年6月9日, or 2022年5月20日至6月30日 for a period.
    pub fn dates(&self) -> String {
        match self.ends_on {
            Some(end) if end != self.starts_on => {
                let end_text =
                    if end.format("%Y").to_string() == self.starts_on.format("%Y").to_string() {
                        end.format("%-m月%-d日").to_string()
                    } else {
                        zh_date(&end)
                    };
                format!("{}至{}", zh_date(&self.starts_on), end_text)
            }
            _ => zh_date(&self.starts_on),
        }
    }

    fn dates_en(&self) -> String {
        let one = |d: &NaiveDate| d.format("%-d %B %Y").to_string();
        match self.ends_on {
            Some(end) if end != self.starts_on => {
                format!("{} – {}", one(&self.starts_on), one(&end))
            }
            _ => one(&self.starts_on),
        }
    }

    pub(super) fn to_data(&self) -> impl Serialize + '_ {
        Data {
            number: &self.number,
            person: &self.person,
            person_org: self.person_org.as_deref(),
            activity: &self.activity,
            session: self.session.as_deref(),
            dates: self.dates(),
            dates_en: self.dates_en(),
            organiser: &self.organiser,
            issued_on: zh_date(&self.issued_on),
            verify_code: &self.verify_code,
            verify_url: &self.verify_url,
            verify_qr: qr_svg(&self.verify_url),
        }
    }
}
