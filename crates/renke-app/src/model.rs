//! The read models the use cases hand out: rows as the store reads them. The web layer
//! renders these; it never reads the store itself.

pub use renke_store::accounts::Account;
pub use renke_store::activities::{
    Activity, ActivityRow, BoardRow, DebugSlot, Organiser, Participant, Registration, Session,
    Venue,
};
pub use renke_store::campaigns::{Campaign, LocalTheme};
pub use renke_store::files::StoredFile;
pub use renke_store::items::{Item, ItemStatus};
pub use renke_store::notices::{
    ChainEntry, Delivery, DeliveryStatus, InboxItem, Notice, NoticeRef, Recipient,
};
pub use renke_store::orgs::{Org, OrgNode, OrgQuery, Page};
pub use renke_store::pt::{
    Dispatch, Enrolment, Evaluation, Followup, HistoryScore, LabOrg, Measurand, ResultRow, Round,
    Scheme, Score, Study,
};
pub use renke_store::reminders::Message;
pub use renke_store::sessions::ApiToken;
pub use renke_store::sessions::UnseenFailures;
pub use renke_store::tasks::{
    Collecting, Counts, Due, ExpectedRow, Filter, Levels, OrgCounts, Scope, Source, Submission,
    SubmissionFile, Task, Version,
};
