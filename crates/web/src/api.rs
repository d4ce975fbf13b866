//! `/api/v1`: the registry as JSON for machines and for the pages' own scripts.

use crate::AppState;
use crate::ctx::{Api, L};
use crate::error::ApiError;
use crate::upload::Upload;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use safegrid_domain::enterprise::EnterpriseInput;
use safegrid_domain::registry::{DepartmentInput, KeyUnitInput, LiaisonGroupInput, PersonInput};
use safegrid_service::Lang;
use safegrid_service::hazards::{HazardInput, HazardQuery, StepInput};
use safegrid_service::inspections::{InspectionInput, PlanInput};
use safegrid_service::registry::{EnterpriseQuery, PersonQuery, RegionInput};
use serde::de::DeserializeOwned;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A JSON body whose problems are named: malformed JSON, a wrong type or an unknown field (with
/// its path), a body over the limit, or a body that is not JSON at all.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let lang = crate::ctx::lang_of(&parts);
        let req = Request::from_parts(parts, body);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::field(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "json.malformed",
                "body",
                "json.malformed",
                lang,
            ));
        }
        let bytes = body_bytes(req, state, lang).await?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Ok(JsonBody(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    Err(ApiError::field(
                        StatusCode::BAD_REQUEST,
                        "json.malformed",
                        "body",
                        "json.malformed",
                        lang,
                    ))
                } else {
                    // An unknown field is reported at its own name, a wrong type at its path.
                    let msg = inner.to_string();
                    let field = msg
                        .strip_prefix("unknown field `")
                        .and_then(|r| r.split('`').next())
                        .map(str::to_string)
                        .unwrap_or(if path == "." { "body".into() } else { path });
                    Err(ApiError::field(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "json.invalid",
                        &field,
                        "json.invalid",
                        lang,
                    ))
                }
            }
        }
    }
}

/// The whole body, or the refusal naming why it could not be had (over the limit, unreadable).
pub(crate) async fn body_bytes(
    req: Request,
    state: &AppState,
    lang: Lang,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::field(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body.too_large",
                "body",
                "body.too_large",
                lang,
            )
        } else {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "json.malformed",
                "body",
                "json.malformed",
                lang,
            )
        }
    })
}

pub(crate) fn err(lang: Lang) -> impl Fn(safegrid_service::Error) -> ApiError {
    move |e| ApiError::service(e, lang)
}

/// A new record's answer: 201 with the record as stored.
pub(crate) fn created(record: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(record)).into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(me))
        .route("/regions", get(regions).post(create_region))
        .route("/regions/{id}", get(region).put(rename_region))
        .route("/regions/{id}/move", axum::routing::post(move_region))
        .route("/departments", get(departments).post(create_department))
        .route(
            "/departments/{id}",
            get(department)
                .put(update_department)
                .delete(delete_department),
        )
        .route("/enterprises", get(enterprises).post(create_enterprise))
        .route("/enterprises/{id}", get(enterprise).put(update_enterprise))
        .route(
            "/enterprises/{id}/liaison-group",
            get(liaison_group).put(put_liaison_group),
        )
        .route("/liaison-groups", get(liaison_groups))
        .route("/people", get(people).post(create_person))
        .route("/people/{id}", get(person).put(update_person))
        .route("/key-units", get(key_units).post(create_key_unit))
        .route("/committees", get(committees))
        .route("/coverage", get(coverage))
        .route("/checklists", get(checklists))
        .route("/posts", axum::routing::post(put_post))
        .route("/posts/{id}", get(post))
        .route("/enterprises/{id}/posts", get(posts))
        .route("/risk-points", get(risk_points).post(create_risk_point))
        .route("/risk-points/regrade", axum::routing::post(regrade_risks))
        .route("/risk-lists", get(risk_lists).post(create_risk_list))
        .route(
            "/risk-lists/{id}/points",
            axum::routing::post(add_to_risk_list),
        )
        .route(
            "/risk-lists/{id}/risk-points",
            axum::routing::post(create_list_risk_point),
        )
        .route("/risk-bands", get(risk_bands).put(set_risk_bands))
        .route("/inspections", get(inspections).post(record_inspection))
        .route("/inspections/missed", get(missed_inspections))
        .route("/inspections/{id}", get(inspection))
        .route(
            "/inspection-plans",
            get(inspection_plans).post(create_inspection_plan),
        )
        .route("/hazards", get(hazards).post(report_hazard))
        .route("/hazards/progress", get(hazard_progress))
        .route("/hazards/{id}", get(hazard))
        .route("/hazards/{id}/steps", axum::routing::post(hazard_step))
        .route(
            "/hazards/{id}/files",
            get(hazard_files).post(upload_hazard_file),
        )
        .route("/audit/{entity_type}/{id}", get(history))
        .fallback(not_found)
}

async fn not_found(L(lang): L) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "error.not_found", lang)
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

#[derive(serde::Serialize)]
struct Me {
    username: String,
    role: &'static str,
    region_path: String,
    department_id: Option<i64>,
    enterprise_id: Option<i64>,
}

async fn me(a: Api) -> ApiResult<Me> {
    let w = a.who;
    Ok(Json(Me {
        username: w.username,
        role: w.role.as_str(),
        region_path: w.region_path,
        department_id: w.department_id,
        enterprise_id: w.enterprise_id,
    }))
}

async fn regions(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.region_tree(&a.who).await.map_err(err(a.lang))?))
}

async fn create_region(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<RegionInput>,
) -> Result<Response, ApiError> {
    let r = s.svc.create_region(&a.who, &i).await.map_err(err(a.lang))?;
    Ok(created(r))
}

async fn region(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.region(&a.who, id).await.map_err(err(a.lang))?))
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Rename {
    name: String,
    code: String,
}

async fn rename_region(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(r): JsonBody<Rename>,
) -> ApiResult<impl serde::Serialize> {
    s.svc
        .rename_region(&a.who, id, &r.name, &r.code)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(s.svc.region(&a.who, id).await.map_err(err(a.lang))?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Move {
    parent_id: i64,
}

async fn move_region(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(m): JsonBody<Move>,
) -> ApiResult<impl serde::Serialize> {
    s.svc
        .move_region(&a.who, id, m.parent_id)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(s.svc.region(&a.who, id).await.map_err(err(a.lang))?))
}

async fn departments(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.departments(&a.who).await.map_err(err(a.lang))?))
}

async fn department(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.department(&a.who, id).await.map_err(err(a.lang))?,
    ))
}

async fn create_department(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<DepartmentInput>,
) -> Result<Response, ApiError> {
    let d = s
        .svc
        .create_department(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(created(d))
}

async fn update_department(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<DepartmentInput>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .update_department(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn delete_department(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.svc
        .delete_department(&a.who, id)
        .await
        .map_err(err(a.lang))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn enterprises(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<EnterpriseQuery>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.enterprises(&a.who, &q).await.map_err(err(a.lang))?,
    ))
}

async fn enterprise(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.enterprise(&a.who, id).await.map_err(err(a.lang))?,
    ))
}

async fn create_enterprise(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<EnterpriseInput>,
) -> Result<Response, ApiError> {
    let e = s
        .svc
        .create_enterprise(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(created(e))
}

async fn update_enterprise(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<EnterpriseInput>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .update_enterprise(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn liaison_group(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .liaison_group_of(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn put_liaison_group(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(mut i): JsonBody<LiaisonGroupInput>,
) -> ApiResult<impl serde::Serialize> {
    i.enterprise_id = id.to_string();
    Ok(Json(
        s.svc
            .put_liaison_group(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn liaison_groups(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.liaison_groups(&a.who).await.map_err(err(a.lang))?,
    ))
}

async fn people(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<PersonQuery>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.people(&a.who, &q).await.map_err(err(a.lang))?))
}

async fn person(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.person(&a.who, id).await.map_err(err(a.lang))?))
}

async fn create_person(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<PersonInput>,
) -> Result<Response, ApiError> {
    let p = s.svc.create_person(&a.who, &i).await.map_err(err(a.lang))?;
    Ok(created(p))
}

async fn update_person(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<PersonInput>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .update_person(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn key_units(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.key_units(&a.who).await.map_err(err(a.lang))?))
}

async fn create_key_unit(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<KeyUnitInput>,
) -> Result<Response, ApiError> {
    let k = s
        .svc
        .create_key_unit(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(created(k))
}

async fn committees(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.committees(&a.who).await.map_err(err(a.lang))?))
}

async fn coverage(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.coverage(&a.who).await.map_err(err(a.lang))?))
}

async fn hazards(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<HazardQuery>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.hazards(&a.who, &q).await.map_err(err(a.lang))?))
}

async fn hazard(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.hazard(&a.who, id).await.map_err(err(a.lang))?))
}

async fn report_hazard(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<HazardInput>,
) -> Result<Response, ApiError> {
    let h = s.svc.report_hazard(&a.who, &i).await.map_err(err(a.lang))?;
    Ok(created(h))
}

async fn hazard_step(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<StepInput>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .hazard_step(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct By {
    by: String,
}

async fn hazard_progress(
    State(s): State<AppState>,
    a: Api,
    Query(b): Query<By>,
) -> ApiResult<impl serde::Serialize> {
    let by = if b.by.is_empty() {
        "village"
    } else {
        b.by.as_str()
    };
    Ok(Json(
        s.svc
            .hazard_progress(&a.who, by, a.lang)
            .await
            .map_err(err(a.lang))?,
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct RiskQuery {
    enterprise_id: Option<String>,
    level: Option<String>,
}

async fn risk_points(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<RiskQuery>,
) -> ApiResult<impl serde::Serialize> {
    let eid = safegrid_service::registry::parse_opt_id(q.enterprise_id.as_deref());
    Ok(Json(
        s.svc
            .risk_points(&a.who, eid, q.level.as_deref())
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn create_risk_point(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<safegrid_domain::risk::RiskPointInput>,
) -> Result<Response, ApiError> {
    let r = s
        .svc
        .create_risk_point(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(created(r))
}

async fn risk_lists(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.risk_lists(&a.who).await.map_err(err(a.lang))?))
}

async fn create_risk_list(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<safegrid_domain::risk_list::RiskListInput>,
) -> Result<Response, ApiError> {
    let r = s.svc.create_risk_list(&a.who, &i).await;
    Ok(created(r.map_err(err(a.lang))?))
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ListPointInput {
    risk_point_id: String,
}

async fn add_to_risk_list(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ListPointInput>,
) -> ApiResult<impl serde::Serialize> {
    let r = s.svc.add_to_risk_list(&a.who, id, &i.risk_point_id).await;
    Ok(Json(r.map_err(err(a.lang))?))
}

async fn create_list_risk_point(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<safegrid_domain::risk::RiskPointInput>,
) -> Result<Response, ApiError> {
    let r = s.svc.create_list_risk_point(&a.who, id, &i).await;
    Ok(created(r.map_err(err(a.lang))?))
}

async fn risk_bands(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.risk_bands().await.map_err(err(a.lang))?))
}

async fn set_risk_bands(
    State(s): State<AppState>,
    a: Api,
    JsonBody(b): JsonBody<safegrid_domain::risk::RiskBands>,
) -> ApiResult<impl serde::Serialize> {
    s.svc
        .set_risk_bands(&a.who, &b)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(b))
}

async fn regrade_risks(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        serde_json::json!({ "changed": s.svc.regrade_risks(&a.who).await.map_err(err(a.lang))? }),
    ))
}

async fn put_post(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<safegrid_domain::cards::PostInput>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.put_post(&a.who, &i).await.map_err(err(a.lang))?))
}

async fn post(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.post(&a.who, id).await.map_err(err(a.lang))?))
}

async fn posts(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(s.svc.posts(&a.who, id).await.map_err(err(a.lang))?))
}

async fn hazard_files(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .hazard_attachments(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    ))
}

/// Multipart upload of one evidence file in the field `file`.
async fn upload_hazard_file(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (name, bytes) = uploaded_file(&mut form, a.lang).await?;
    let row = s.svc.attach_to_hazard(&a.who, id, &name, &bytes).await;
    Ok(created(row.map_err(err(a.lang))?))
}

/// The one file of a multipart upload (field `file`), or the refusal for none or one too large.
pub(crate) async fn uploaded_file(
    form: &mut axum::extract::Multipart,
    lang: Lang,
) -> Result<(String, Bytes), ApiError> {
    match crate::upload::first_file(form).await {
        Upload::File(name, bytes) => Ok((name, bytes)),
        Upload::TooLarge => Err(ApiError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file.too_large",
            "file",
            "file.too_large",
            lang,
        )),
        Upload::Empty => Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.empty",
            "file",
            "file.empty",
            lang,
        )),
    }
}

async fn checklists() -> Json<&'static [safegrid_domain::inspection::Template]> {
    Json(safegrid_domain::inspection::TEMPLATES)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct InspectionsQuery {
    enterprise_id: Option<String>,
    page: Option<i64>,
}

async fn inspections(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<InspectionsQuery>,
) -> ApiResult<impl serde::Serialize> {
    let eid = safegrid_service::registry::parse_opt_id(q.enterprise_id.as_deref());
    Ok(Json(
        s.svc
            .inspections(&a.who, eid, q.page.unwrap_or(1))
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn inspection(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.inspection(&a.who, id).await.map_err(err(a.lang))?,
    ))
}

/// Records an inspection: a JSON `InspectionInput`, or a multipart body whose part `inspection`
/// holds that JSON and whose parts `photo.<item>` hold the photos taken at the items.
async fn record_inspection(
    State(s): State<AppState>,
    a: Api,
    req: Request,
) -> Result<Response, ApiError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (input, photos) = if multipart {
        let mut form = axum::extract::Multipart::from_request(req, &s)
            .await
            .map_err(|_| malformed("inspection", a.lang))?;
        let mut input: Option<InspectionInput> = None;
        let mut photos = Vec::new();
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| malformed("photo", a.lang))?
        {
            let name = field.name().unwrap_or("").to_string();
            if let Some(item) = name.strip_prefix("photo.") {
                let item = item.to_string();
                let file = field.file_name().unwrap_or("photo").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| malformed("photo", a.lang))?;
                photos.push(safegrid_service::inspections::ItemPhoto {
                    item,
                    name: file,
                    bytes: bytes.to_vec(),
                });
            } else if name == "inspection" {
                let text = field
                    .bytes()
                    .await
                    .map_err(|_| malformed("inspection", a.lang))?;
                input = Some(
                    serde_json::from_slice(&text).map_err(|_| malformed("inspection", a.lang))?,
                );
            }
        }
        (
            input.ok_or_else(|| malformed("inspection", a.lang))?,
            photos,
        )
    } else {
        let JsonBody(i) = JsonBody::<InspectionInput>::from_request(req, &s).await?;
        (i, Vec::new())
    };
    let v = s
        .svc
        .record_inspection_with_photos(&a.who, &input, &photos)
        .await
        .map_err(err(a.lang))?;
    Ok(created(v))
}

/// A body part that is missing or cannot be read, named.
fn malformed(field: &str, lang: Lang) -> ApiError {
    ApiError::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        "json.malformed",
        field,
        "json.malformed",
        lang,
    )
}

async fn missed_inspections(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .missed_inspections(&a.who, 14)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn inspection_plans(State(s): State<AppState>, a: Api) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc.inspection_plans(&a.who).await.map_err(err(a.lang))?,
    ))
}

async fn create_inspection_plan(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<PlanInput>,
) -> Result<Response, ApiError> {
    let p = s
        .svc
        .create_inspection_plan(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(created(p))
}

async fn history(
    State(s): State<AppState>,
    a: Api,
    Path((t, id)): Path<(String, i64)>,
) -> ApiResult<impl serde::Serialize> {
    Ok(Json(
        s.svc
            .entity_history(&a.who, &t, id)
            .await
            .map_err(err(a.lang))?,
    ))
}
