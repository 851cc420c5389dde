//! The OpenAPI schemas of the use cases' input forms. `renke-app` describes its forms as
//! JSON Schema (schemars) and knows nothing of OpenAPI; [`Doc<T>`] hands that description
//! to utoipa, so an operation names its body as `request_body = Doc<NoticeForm>` and the
//! form is documented once, from its own definition and doc comments.

use schemars::JsonSchema;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::marker::PhantomData;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{RefOr, Required, schema::Schema};

/// A use case's input form, documented from its JSON Schema.
pub struct Doc<T>(PhantomData<T>);

/// Every input form of the API, as documented (`request_body = form::NoticeForm`). utoipa
/// composes generic types from their arguments, so each form is named by an alias.
pub mod form {
    use super::Doc;
    pub type AccountInput = Doc<renke_app::accounts::AccountInput>;
    pub type AnalysisQuery = Doc<renke_app::industry_stats::AnalysisQuery>;
    pub type IndustryReportForm = Doc<renke_app::industry_stats::ReportForm>;
    pub type ShareForm = Doc<renke_app::industry_stats::ShareForm>;
    pub type BoardQuery = Doc<renke_app::shipments::BoardQuery>;
    pub type ActivityForm = Doc<renke_app::activities::ActivityForm>;
    pub type ApplyForm = Doc<renke_app::pt::ApplyForm>;
    pub type CalendarParams = Doc<renke_app::activities::CalendarParams>;
    pub type CampaignForm = Doc<renke_app::campaigns::CampaignForm>;
    pub type CertificateForm = Doc<renke_app::ceremony::CertificateForm>;
    pub type CaseStepForm = Doc<renke_app::cases::CaseStepForm>;
    pub type CheckinInput = Doc<renke_app::activities::CheckinInput>;
    pub type CheckinResult = Doc<renke_app::activities::CheckinResult>;
    pub type DispatchForm = Doc<renke_app::pt::DispatchForm>;
    pub type EvaluationForm = Doc<renke_app::pt::EvaluationForm>;
    pub type FollowupAnswer = Doc<renke_app::pt::FollowupAnswer>;
    pub type FollowupReview = Doc<renke_app::pt::FollowupReview>;
    pub type InitiativeForm = Doc<renke_app::initiatives::InitiativeForm>;
    pub type ItemForm = Doc<renke_app::reporting::items::ItemForm>;
    pub type LineForm = Doc<renke_app::shipments::LineForm>;
    pub type LoadForm = Doc<renke_app::pt::LoadForm>;
    pub type MaterialQuery = Doc<renke_app::publicity::MaterialQuery>;
    pub type NoticeForm = Doc<renke_app::notices::NoticeForm>;
    pub type OrgInput = Doc<renke_app::orgs::OrgInput>;
    pub type PaperForm = Doc<renke_app::reporting::tasks::PaperForm>;
    pub type PasswordChange = Doc<renke_app::auth::PasswordChange>;
    pub type ReadinessForm = Doc<renke_app::activities::ReadinessForm>;
    pub type ReceiptForm = Doc<renke_app::pt::ReceiptForm>;
    pub type RegistrationForm = Doc<renke_app::activities::RegistrationForm>;
    pub type ReminderForm = Doc<renke_app::reporting::reminders::ReminderForm>;
    pub type ResultsForm = Doc<renke_app::pt::ResultsForm>;
    pub type ReviewForm = Doc<renke_app::reporting::tasks::ReviewForm>;
    pub type RoundForm = Doc<renke_app::pt::RoundForm>;
    pub type SchemeForm = Doc<renke_app::pt::SchemeForm>;
    pub type SearchParams = Doc<renke_app::search::SearchParams>;
    pub type ScoreForm = Doc<renke_app::cases::ScoreForm>;
    pub type SelectForm = Doc<renke_app::cases::SelectForm>;
    pub type SessionForm = Doc<renke_app::activities::SessionForm>;
    pub type ShipmentForm = Doc<renke_app::shipments::ShipmentForm>;
    pub type ShipmentQuery = Doc<renke_app::shipments::ShipmentQuery>;
    pub type SignForm = Doc<renke_app::initiatives::SignForm>;
    pub type StepForm = Doc<renke_app::publicity::StepForm>;
    pub type StudyForm = Doc<renke_app::pt::StudyForm>;
    pub type TaskForm = Doc<renke_app::reporting::tasks::TaskForm>;
    pub type ZoneQuery = Doc<renke_app::publicity::ZoneQuery>;
}

/// The JSON Schemas of `T` and of every form it contains, by name, with references in the
/// OpenAPI document's form (`#/components/schemas/…`).
fn definitions<T: JsonSchema>() -> Map<String, Value> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas/".into();
    settings.meta_schema = None;
    let mut generator = settings.into_generator();
    let _reference = generator.subschema_for::<T>();
    generator.take_definitions(true)
}

/// One JSON Schema as utoipa's schema object; a schema utoipa cannot read is logged and
/// documented as an empty object rather than failing the whole document.
fn to_openapi(name: &str, v: Value) -> RefOr<Schema> {
    serde_json::from_value(v).unwrap_or_else(|e| {
        tracing::error!(schema = name, error = %e, "JSON Schema not representable in OpenAPI");
        RefOr::T(Schema::default())
    })
}

impl<T: JsonSchema> utoipa::PartialSchema for Doc<T> {
    fn schema() -> RefOr<Schema> {
        let name = T::schema_name();
        let schema = definitions::<T>().remove(name.as_ref()).unwrap_or_default();
        to_openapi(&name, schema)
    }
}

impl<T: JsonSchema> utoipa::ToSchema for Doc<T> {
    fn name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        let own = T::schema_name();
        for (name, schema) in definitions::<T>() {
            if name != own {
                let s = to_openapi(&name, schema);
                schemas.push((name, s));
            }
        }
    }
}

/// The form's fields as parameters, in the query unless the operation says otherwise (e.g.
/// the calendar's filters).
impl<T: JsonSchema> utoipa::IntoParams for Doc<T> {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let name = T::schema_name();
        let mut schema = definitions::<T>().remove(name.as_ref()).unwrap_or_default();
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let Some(Value::Object(properties)) = schema.get_mut("properties").map(Value::take) else {
            return Vec::new();
        };
        properties
            .into_iter()
            .map(|(field, mut property)| {
                let description = property
                    .as_object_mut()
                    .and_then(|p| p.remove("description"))
                    .and_then(|d| d.as_str().map(str::to_owned));
                let required = if required.contains(&field) {
                    Required::True
                } else {
                    Required::False
                };
                ParameterBuilder::new()
                    .parameter_in(parameter_in_provider().unwrap_or(ParameterIn::Query))
                    .required(required)
                    .description(description)
                    .schema(Some(to_openapi(&field, property)))
                    .name(field)
                    .build()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::{IntoParams, PartialSchema, ToSchema};

    #[test]
    fn a_form_is_documented_from_its_json_schema() {
        use renke_app::notices::NoticeForm;
        assert_eq!(Doc::<NoticeForm>::name(), "NoticeForm");
        let schema = serde_json::to_value(Doc::<NoticeForm>::schema()).unwrap();
        assert_eq!(schema["type"], "object", "{schema}");
        assert!(schema["properties"]["title"].is_object(), "{schema}");
        // Nested forms are references to components listed beside it.
        let contact = &schema["properties"]["contacts"]["items"]["$ref"];
        assert_eq!(contact, "#/components/schemas/ContactForm", "{schema}");
        let mut nested = Vec::new();
        Doc::<NoticeForm>::schemas(&mut nested);
        let names: Vec<&str> = nested.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"ContactForm"), "{names:?}");
    }

    #[test]
    fn query_forms_become_parameters() {
        let params = Doc::<renke_app::activities::CalendarParams>::into_params(|| None);
        let mut names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["campaign_id", "limit", "month", "offset", "org"]);
        let month = params.iter().find(|p| p.name == "month").unwrap();
        assert!(
            month
                .description
                .as_deref()
                .unwrap_or("")
                .contains("2022-06"),
            "the field's doc comment describes the parameter"
        );
        assert!(params.iter().all(|p| p.parameter_in == ParameterIn::Query));
    }
}
