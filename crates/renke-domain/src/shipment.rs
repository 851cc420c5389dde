//! Poster distribution (海报寄送): a unit mails printed publicity items — 世界认可日海报 of
//! a given print size — to its addressees (CNAS to every provincial bureau, a province to
//! its city bureaus), one line per addressee with its quantity, courier and tracking
//! number. Each addressee confirms receipt (已签收) and then that the posters are put up
//! (已张贴), optionally with a photo.

use crate::org::string_enum;
use crate::text::Line;
use crate::{FieldError, Invalid};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where one addressee's line stands.
    LineState {
        Sent = "sent", "已寄出", "Sent";
        Received = "received", "已签收", "Received";
        Posted = "posted", "已张贴", "Put up";
    }
}

/// What an addressee confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStep {
    /// The parcel arrived (签收).
    Receive,
    /// The posters are up (张贴), optionally with a photo.
    Post,
}

impl LineStep {
    pub const ALL: [LineStep; 2] = [LineStep::Receive, LineStep::Post];
}

impl LineState {
    /// The state `step` leads to, or `None`: sent → received → posted, each once.
    pub fn after(self, step: LineStep) -> Option<LineState> {
        match (self, step) {
            (LineState::Sent, LineStep::Receive) => Some(LineState::Received),
            (LineState::Received, LineStep::Post) => Some(LineState::Posted),
            _ => None,
        }
    }

    /// The conflict code when `step` is not allowed from this state.
    pub fn refusal(self, step: LineStep) -> &'static str {
        match (self, step) {
            (LineState::Sent, LineStep::Post) => "shipment_not_received",
            (_, LineStep::Receive) => "shipment_already_received",
            (_, LineStep::Post) => "shipment_already_posted",
        }
    }

    /// The colour of the state's chip.
    pub fn colour(self) -> &'static str {
        match self {
            LineState::Sent => "grey",
            LineState::Received => "yellow",
            LineState::Posted => "green",
        }
    }

    /// Whether the parcel has arrived (received or put up).
    pub fn is_received(self) -> bool {
        self != LineState::Sent
    }
}

/// Longest item description, in characters.
pub const ITEM_MAX: usize = 200;
/// Longest print size (e.g. 对开 / 570 × 840 mm), in characters.
pub const SIZE_MAX: usize = 50;
/// Longest courier name, in characters.
pub const COURIER_MAX: usize = 50;
/// Longest tracking number, in characters.
pub const TRACKING_MAX: usize = 40;
/// Longest note, in characters.
pub const NOTE_MAX: usize = 1000;
/// Most copies on one line.
pub const QUANTITY_MAX: i64 = 100_000;
/// Most addressees of one shipment.
pub const ADDRESSEES_MAX: usize = 500;

/// A shipment's common fields, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShipmentText {
    pub item: Line,
    pub print_size: Option<String>,
    pub note: Option<String>,
    /// Copies per addressee.
    pub quantity: i64,
    pub courier: Option<String>,
}

/// The raw common fields, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShipmentInput<'a> {
    pub item: &'a str,
    pub print_size: &'a str,
    pub note: &'a str,
    pub quantity: &'a str,
    pub courier: &'a str,
}

impl ShipmentInput<'_> {
    /// Every problem at once: `item` required / too long; `print_size`, `courier`, `note`
    /// too long; `quantity` required, a whole number from 1 to [`QUANTITY_MAX`].
    pub fn parse(&self) -> Result<ShipmentText, Invalid> {
        let mut errs = Invalid::default();
        let item = Line::parse("item", self.item, ITEM_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let print_size = short_text("print_size", self.print_size, SIZE_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let note = short_text("note", self.note, NOTE_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let quantity = parse_quantity("quantity", self.quantity)
            .map_err(|e| errs.push(e))
            .ok();
        let courier = short_text("courier", self.courier, COURIER_MAX)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let (Some(item), Some(quantity)) = (item, quantity) else {
            return Err(errs);
        };
        errs.into_result()?;
        Ok(ShipmentText {
            item,
            print_size,
            note,
            quantity,
            courier,
        })
    }
}

/// A line's courier details, checked: copies, courier, tracking number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText {
    pub quantity: i64,
    pub courier: Option<String>,
    pub tracking_no: Option<String>,
}

/// Checks a line's edit: `quantity` as for a shipment; `courier` at most
/// [`COURIER_MAX`]; `tracking_no` letters, digits and `-` only, at most [`TRACKING_MAX`].
pub fn parse_line(quantity: &str, courier: &str, tracking_no: &str) -> Result<LineText, Invalid> {
    let mut errs = Invalid::default();
    let quantity = parse_quantity("quantity", quantity)
        .map_err(|e| errs.push(e))
        .ok();
    let courier = short_text("courier", courier, COURIER_MAX)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let tracking_no = parse_tracking(tracking_no)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let Some(quantity) = quantity else {
        return Err(errs);
    };
    errs.into_result()?;
    Ok(LineText {
        quantity,
        courier,
        tracking_no,
    })
}

/// A tracking number: empty is `None`; otherwise ASCII letters, digits and `-`.
pub fn parse_tracking(raw: &str) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > TRACKING_MAX || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(FieldError::new("tracking_no", "tracking_invalid")
            .with("value", s)
            .with("max", TRACKING_MAX));
    }
    Ok(Some(s.to_ascii_uppercase()))
}

/// A number of copies: required, a whole number from 1 to [`QUANTITY_MAX`].
pub fn parse_quantity(field: &str, raw: &str) -> Result<i64, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    match s.parse::<i64>() {
        Ok(n) if (1..=QUANTITY_MAX).contains(&n) => Ok(n),
        _ => Err(FieldError::new(field, "quantity_invalid")
            .with("value", s)
            .with("max", QUANTITY_MAX)),
    }
}

/// Trimmed text of at most `max` characters; empty gives `None`.
fn short_text(field: &str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = crate::text::char_len(s);
    if n > max {
        return Err(FieldError::new(field, "too_long")
            .with("max", max)
            .with("actual", n));
    }
    Ok(Some(s.to_owned()))
}

/// Counts of a shipment's lines by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: i64,
    /// Received (including those put up).
    pub received: i64,
    pub posted: i64,
}

impl Counts {
    /// Lines whose parcel has not been confirmed as received.
    pub fn not_received(&self) -> i64 {
        self.total - self.received
    }
    /// Lines not yet confirmed as put up.
    pub fn not_posted(&self) -> i64 {
        self.total - self.posted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LineState as S;
    use LineStep as M;

    /// Every state × step, written out.
    #[test]
    fn transition_table() {
        let table: &[(S, [Option<S>; 2])] = &[
            (S::Sent, [Some(S::Received), None]),
            (S::Received, [None, Some(S::Posted)]),
            (S::Posted, [None, None]),
        ];
        assert_eq!(table.len(), S::ALL.len());
        for (from, row) in table {
            for (step, want) in M::ALL.iter().zip(row) {
                assert_eq!(from.after(*step), *want, "{from} × {step:?}");
            }
        }
        assert_eq!(S::Sent.refusal(M::Post), "shipment_not_received");
        assert_eq!(S::Received.refusal(M::Receive), "shipment_already_received");
        assert_eq!(S::Posted.refusal(M::Post), "shipment_already_posted");
    }

    #[test]
    fn shipment_fields_name_their_problems() {
        let bad = ShipmentInput {
            item: " ",
            quantity: "0",
            courier: &"顺".repeat(51),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("item", "required"),
                ("quantity", "quantity_invalid"),
                ("courier", "too_long")
            ]
        );
        let ok = ShipmentInput {
            item: "世界认可日海报",
            print_size: "对开（570×840mm）",
            quantity: " 20 ",
            courier: "中国邮政EMS",
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.quantity, 20);
        assert_eq!(ok.print_size.as_deref(), Some("对开（570×840mm）"));
    }

    #[test]
    fn tracking_numbers_are_letters_digits_and_dashes() {
        assert_eq!(
            parse_tracking(" sf1234567890 ").unwrap().as_deref(),
            Some("SF1234567890")
        );
        assert_eq!(parse_tracking("").unwrap(), None);
        assert_eq!(
            parse_tracking("SF 123").unwrap_err().code,
            "tracking_invalid"
        );
        let e = parse_line("", "", "<x>").unwrap_err();
        let codes: Vec<_> = e.0.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["required", "tracking_invalid"]);
    }
}
