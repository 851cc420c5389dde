//! Per-field precision, recall and F1 of a parsed notice against a hand-written expectation.
//!
//! How fields are matched (the same rules `renke notice score` prints):
//! - **Single values** (`document_number`, `title`, `issue_date`, `publication`, and the
//!   scalar fields of matched activities, deadlines and `relayed`): equal → 1 true positive;
//!   both present but different → 1 false positive and 1 false negative; only expected → 1 false
//!   negative; only produced → 1 false positive; both null → nothing counted.
//! - **Lists of strings** (`issuer`, `recipients`, `cc`, `attachments`, organiser lists,
//!   `organized_by`, `venues`, `mode`, `materials`): compared as multisets of exact strings.
//! - **themes**: each item is the pair (text, scope), compared as a multiset.
//! - **contacts**: each item is the whole tuple (name, org, phone, email, role), compared as a
//!   multiset; `contacts.name`, `contacts.org`, `contacts.phone`, `contacts.email`,
//!   `contacts.role` also compare the non-null values of each attribute as multisets (partial
//!   credit when one attribute is wrong).
//! - **activities**: `activities` compares titles as a multiset. Expected and produced
//!   activities are then paired by equal title, the rest in order; each pair's fields count
//!   under `activities.<field>` (`debug_sessions` as (date, time) pairs). An unpaired activity
//!   counts all its non-empty fields as false negatives (expected) or false positives (produced).
//! - **deadlines**: `deadlines` compares dates as a multiset; deadlines are paired by equal date,
//!   the rest in order, and their fields count under `deadlines.<field>`.
//! - **attached_notices** are paired in order and scored with the same rules, adding to the same
//!   field names; an unpaired attached notice is scored against an empty one.
//! - `warnings` are diagnostics and are not scored (the case tests compare them exactly).
//!
//! The overall figure is micro-averaged: the sums of true positives, false positives and false
//! negatives over all fields.

use crate::model::{Activity, Deadline, Notice};

/// True positives, false positives, false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Counts {
    /// Precision; 1 when nothing was produced.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Recall; 1 when nothing was expected.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Counts per field, in first-seen order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub fields: Vec<(String, Counts)>,
}

impl Score {
    fn entry(&mut self, field: &str) -> &mut Counts {
        let i = match self.fields.iter().position(|(f, _)| f == field) {
            Some(i) => i,
            None => {
                self.fields.push((field.to_string(), Counts::default()));
                self.fields.len() - 1
            }
        };
        &mut self.fields[i].1
    }

    fn add(&mut self, field: &str, c: Counts) {
        self.entry(field).add(c);
    }

    /// Add another score's counts, field by field.
    pub fn merge(&mut self, other: &Score) {
        for (f, c) in &other.fields {
            self.add(f, *c);
        }
    }

    /// Micro-averaged counts over all fields.
    pub fn overall(&self) -> Counts {
        let mut t = Counts::default();
        for (_, c) in &self.fields {
            t.add(*c);
        }
        t
    }

    pub fn get(&self, field: &str) -> Option<Counts> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| *c)
    }
}

fn one<T: PartialEq>(e: Option<&T>, a: Option<&T>) -> Counts {
    match (e, a) {
        (Some(x), Some(y)) if x == y => Counts {
            tp: 1,
            fp: 0,
            fn_: 0,
        },
        (Some(_), Some(_)) => Counts {
            tp: 0,
            fp: 1,
            fn_: 1,
        },
        (Some(_), None) => Counts {
            tp: 0,
            fp: 0,
            fn_: 1,
        },
        (None, Some(_)) => Counts {
            tp: 0,
            fp: 1,
            fn_: 0,
        },
        (None, None) => Counts::default(),
    }
}

fn multiset<T: PartialEq + Clone>(e: &[T], a: &[T]) -> Counts {
    let mut left: Vec<T> = a.to_vec();
    let mut tp = 0;
    for x in e {
        if let Some(i) = left.iter().position(|y| y == x) {
            left.remove(i);
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: (a.len() as u64) - tp,
        fn_: (e.len() as u64) - tp,
    }
}

/// Pair items: first those with equal keys, then the rest in order.
fn pair<T, K: PartialEq>(
    e: &[T],
    a: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut used = vec![false; a.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut unpaired_e = Vec::new();
    for (i, x) in e.iter().enumerate() {
        match (0..a.len()).find(|&j| !used[j] && key(&a[j]) == key(x)) {
            Some(j) => {
                used[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => unpaired_e.push(i),
        }
    }
    let mut rest_a = (0..a.len()).filter(|&j| !used[j]);
    for i in unpaired_e {
        pairs.push((Some(i), rest_a.next()));
    }
    for j in rest_a {
        pairs.push((None, Some(j)));
    }
    pairs
}

fn activity(s: &mut Score, e: Option<&Activity>, a: Option<&Activity>) {
    let empty = Activity::default();
    let (ee, aa) = (e.unwrap_or(&empty), a.unwrap_or(&empty));
    fn opt(x: Option<&Activity>, f: fn(&Activity) -> Option<&String>) -> Option<&String> {
        x.and_then(f)
    }
    s.add(
        "activities.kind",
        one(opt(e, |x| x.kind.as_ref()), opt(a, |x| x.kind.as_ref())),
    );
    s.add(
        "activities.organizers.host",
        multiset(&ee.organizers.host, &aa.organizers.host),
    );
    s.add(
        "activities.organizers.undertaker",
        multiset(&ee.organizers.undertaker, &aa.organizers.undertaker),
    );
    s.add(
        "activities.organizers.co_organizer",
        multiset(&ee.organizers.co_organizer, &aa.organizers.co_organizer),
    );
    s.add(
        "activities.organizers.guide",
        multiset(&ee.organizers.guide, &aa.organizers.guide),
    );
    s.add(
        "activities.organized_by",
        multiset(&ee.organized_by, &aa.organized_by),
    );
    s.add(
        "activities.date",
        one(opt(e, |x| x.date.as_ref()), opt(a, |x| x.date.as_ref())),
    );
    s.add(
        "activities.end_date",
        one(
            opt(e, |x| x.end_date.as_ref()),
            opt(a, |x| x.end_date.as_ref()),
        ),
    );
    s.add(
        "activities.start_time",
        one(
            opt(e, |x| x.start_time.as_ref()),
            opt(a, |x| x.start_time.as_ref()),
        ),
    );
    s.add(
        "activities.end_time",
        one(
            opt(e, |x| x.end_time.as_ref()),
            opt(a, |x| x.end_time.as_ref()),
        ),
    );
    s.add(
        "activities.period_text",
        one(
            opt(e, |x| x.period_text.as_ref()),
            opt(a, |x| x.period_text.as_ref()),
        ),
    );
    s.add("activities.venues", multiset(&ee.venues, &aa.venues));
    s.add("activities.mode", multiset(&ee.mode, &aa.mode));
    s.add(
        "activities.audience",
        one(
            opt(e, |x| x.audience.as_ref()),
            opt(a, |x| x.audience.as_ref()),
        ),
    );
    let dbg = |x: &Activity| -> Vec<(Option<String>, Option<String>)> {
        x.debug_sessions
            .iter()
            .map(|d| (d.date.clone(), d.time.clone()))
            .collect()
    };
    s.add("activities.debug_sessions", multiset(&dbg(ee), &dbg(aa)));
}

fn deadline(s: &mut Score, e: Option<&Deadline>, a: Option<&Deadline>) {
    let empty = Deadline::default();
    let (ee, aa) = (e.unwrap_or(&empty), a.unwrap_or(&empty));
    s.add(
        "deadlines.time",
        one(
            e.and_then(|x| x.time.as_ref()),
            a.and_then(|x| x.time.as_ref()),
        ),
    );
    s.add(
        "deadlines.task",
        one(e.map(|x| &x.task), a.map(|x| &x.task)),
    );
    s.add(
        "deadlines.materials",
        multiset(&ee.materials, &aa.materials),
    );
    s.add(
        "deadlines.submit_to",
        one(
            e.and_then(|x| x.submit_to.as_ref()),
            a.and_then(|x| x.submit_to.as_ref()),
        ),
    );
    s.add(
        "deadlines.length_chars",
        one(
            e.and_then(|x| x.length_chars.as_ref()),
            a.and_then(|x| x.length_chars.as_ref()),
        ),
    );
    s.add(
        "deadlines.paper_copy",
        one(
            e.and_then(|x| x.paper_copy.as_ref()),
            a.and_then(|x| x.paper_copy.as_ref()),
        ),
    );
}

/// Score one produced notice against its expectation.
pub fn score(expected: &Notice, actual: &Notice) -> Score {
    let mut s = Score::default();
    score_into(&mut s, expected, actual);
    s
}

fn score_into(s: &mut Score, e: &Notice, a: &Notice) {
    s.add("issuer", multiset(&e.issuer, &a.issuer));
    s.add(
        "document_number",
        one(e.document_number.as_ref(), a.document_number.as_ref()),
    );
    s.add("title", one(e.title.as_ref(), a.title.as_ref()));
    s.add("recipients", multiset(&e.recipients, &a.recipients));
    s.add("cc", multiset(&e.cc, &a.cc));
    s.add(
        "issue_date",
        one(e.issue_date.as_ref(), a.issue_date.as_ref()),
    );
    s.add(
        "publication",
        one(e.publication.as_ref(), a.publication.as_ref()),
    );
    s.add("themes", multiset(&e.themes, &a.themes));

    let titles = |n: &Notice| {
        n.activities
            .iter()
            .map(|x| x.title.clone())
            .collect::<Vec<_>>()
    };
    s.add("activities", multiset(&titles(e), &titles(a)));
    for (i, j) in pair(&e.activities, &a.activities, |x| x.title.clone()) {
        activity(s, i.map(|i| &e.activities[i]), j.map(|j| &a.activities[j]));
    }

    let dates = |n: &Notice| {
        n.deadlines
            .iter()
            .map(|x| x.date.clone())
            .collect::<Vec<_>>()
    };
    s.add("deadlines", multiset(&dates(e), &dates(a)));
    for (i, j) in pair(&e.deadlines, &a.deadlines, |x| x.date.clone()) {
        deadline(s, i.map(|i| &e.deadlines[i]), j.map(|j| &a.deadlines[j]));
    }

    s.add("contacts", multiset(&e.contacts, &a.contacts));
    type Attr = fn(&crate::model::Contact) -> Option<String>;
    let attrs: [(&str, Attr); 5] = [
        ("contacts.name", |c| c.name.clone()),
        ("contacts.org", |c| c.org.clone()),
        ("contacts.phone", |c| c.phone.clone()),
        ("contacts.email", |c| c.email.clone()),
        ("contacts.role", |c| c.role.clone()),
    ];
    for (f, get) in attrs {
        let ev: Vec<String> = e.contacts.iter().filter_map(get).collect();
        let av: Vec<String> = a.contacts.iter().filter_map(get).collect();
        s.add(f, multiset(&ev, &av));
    }

    s.add("attachments", multiset(&e.attachments, &a.attachments));
    let r = |n: &Notice, f: fn(&crate::model::Relayed) -> Option<String>| {
        n.relayed.as_ref().and_then(f)
    };
    s.add(
        "relayed.issuer",
        one(
            r(e, |x| x.issuer.clone()).as_ref(),
            r(a, |x| x.issuer.clone()).as_ref(),
        ),
    );
    s.add(
        "relayed.title",
        one(
            r(e, |x| x.title.clone()).as_ref(),
            r(a, |x| x.title.clone()).as_ref(),
        ),
    );
    s.add(
        "relayed.document_number",
        one(
            r(e, |x| x.document_number.clone()).as_ref(),
            r(a, |x| x.document_number.clone()).as_ref(),
        ),
    );

    let empty = Notice::default();
    let n = e.attached_notices.len().max(a.attached_notices.len());
    s.add(
        "attached_notices",
        Counts {
            tp: e.attached_notices.len().min(a.attached_notices.len()) as u64,
            fp: a
                .attached_notices
                .len()
                .saturating_sub(e.attached_notices.len()) as u64,
            fn_: e
                .attached_notices
                .len()
                .saturating_sub(a.attached_notices.len()) as u64,
        },
    );
    for k in 0..n {
        score_into(
            s,
            e.attached_notices.get(k).unwrap_or(&empty),
            a.attached_notices.get(k).unwrap_or(&empty),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Contact, Theme};

    #[test]
    fn identical_notices_score_one() {
        let n = Notice {
            title: Some("t".into()),
            issuer: vec!["a".into(), "b".into()],
            themes: vec![Theme {
                text: "x".into(),
                scope: None,
            }],
            ..Default::default()
        };
        let s = score(&n, &n);
        assert_eq!(
            s.overall(),
            Counts {
                tp: 4,
                fp: 0,
                fn_: 0
            }
        );
        assert!((s.overall().f1() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn wrong_missing_and_extra_values_count() {
        let e = Notice {
            title: Some("t".into()),
            document_number: Some("n".into()),
            contacts: vec![Contact {
                name: Some("张三".into()),
                phone: Some("1".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let a = Notice {
            title: Some("u".into()),
            issue_date: Some("2022-01-01".into()),
            contacts: vec![Contact {
                name: Some("张三".into()),
                phone: Some("2".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let s = score(&e, &a);
        assert_eq!(
            s.get("title"),
            Some(Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            })
        );
        assert_eq!(
            s.get("document_number"),
            Some(Counts {
                tp: 0,
                fp: 0,
                fn_: 1
            })
        );
        assert_eq!(
            s.get("issue_date"),
            Some(Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            })
        );
        assert_eq!(
            s.get("contacts"),
            Some(Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            })
        );
        assert_eq!(
            s.get("contacts.name"),
            Some(Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            })
        );
        let t = s.get("title").unwrap();
        assert_eq!((t.precision(), t.recall(), t.f1()), (0.0, 0.0, 0.0));
    }

    #[test]
    fn activities_pair_by_title_then_order() {
        let act = |t: &str, d: Option<&str>| Activity {
            title: t.into(),
            date: d.map(String::from),
            ..Default::default()
        };
        let e = Notice {
            activities: vec![act("甲", Some("2022-06-09")), act("乙", None)],
            ..Default::default()
        };
        let a = Notice {
            activities: vec![act("乙", None), act("丙", Some("2022-06-09"))],
            ..Default::default()
        };
        let s = score(&e, &a);
        assert_eq!(
            s.get("activities"),
            Some(Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            })
        );
        // 甲 pairs with 丙 by order: same date
        assert_eq!(
            s.get("activities.date"),
            Some(Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            })
        );
    }
}
