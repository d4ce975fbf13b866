//! Excel in and out: the registry's tables exported as xlsx, and enterprises and people imported
//! from xlsx with a report naming each bad row, column and reason. An import with any bad row
//! writes nothing.

use crate::registry::enterprises::write_enterprise;
use crate::registry::people::write_person;
use crate::{Error, Lang, Result, Service};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};
use safegrid_domain::access::Principal;
use safegrid_domain::enterprise::{EnterpriseInput, FringeTreatment, Scale, StandardGrade};
use safegrid_domain::registry::{PersonInput, PersonRole};
use safegrid_domain::{FieldError, Invalid, industry};
use safegrid_store::{enterprises, people, regions};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Cursor;

/// A table as people read it: a title, column headings and rows of text. The same table feeds the
/// xlsx export and the printable page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Writes tables as sheets of one workbook: bold, frozen header row, filters, sensible widths.
pub fn workbook(tables: &[Table]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let err = |e: rust_xlsxwriter::XlsxError| Error::Internal(e.to_string());
    for t in tables {
        let ws = wb.add_worksheet();
        // Sheet names may not hold []:*?/\ and are at most 31 characters.
        let name: String = t
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(&name).map_err(err)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
            let width = t
                .rows
                .iter()
                .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0)
                .max(h.chars().count());
            ws.set_column_width(c as u16, (width as f64 * 1.8 + 2.0).min(60.0))
                .map_err(err)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).map_err(err)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        if !t.headers.is_empty() {
            ws.autofilter(0, 0, t.rows.len() as u32, t.headers.len() as u16 - 1)
                .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// One bad cell (or row) of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub sheet: String,
    /// The row number as Excel shows it (the header is row 1).
    pub row: usize,
    /// The column heading as it stands in the file (or the field's label when the column is missing).
    pub column: String,
    pub code: String,
}

impl RowError {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "工作表「{}」第{}行「{}」：{}",
                self.sheet,
                self.row,
                self.column,
                lang.t(&self.code)
            ),
            Lang::En => format!(
                "sheet '{}' row {} column '{}': {}",
                self.sheet,
                self.row,
                self.column,
                lang.t(&self.code)
            ),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Non-empty means nothing was written.
    pub errors: Vec<RowError>,
}

const ENTERPRISE_FIELDS: &[&str] = &[
    "name",
    "uscc",
    "region_id",
    "industry_code",
    "scale",
    "high_risk",
    "address",
    "legal_representative",
    "legal_representative_mobile",
    "actual_controller",
    "safety_director",
    "safety_director_mobile",
    "chief_engineer",
    "standard_grade",
    "fringe_treatment",
    "employees",
];
const PERSON_FIELDS: &[&str] = &[
    "name",
    "mobile",
    "region_id",
    "organisation",
    "title",
    "roles",
];

fn sheet_title(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("enterprises", Lang::Zh) => "企业",
        ("enterprises", Lang::En) => "Enterprises",
        ("people", Lang::Zh) => "人员",
        (_, _) => "People",
    }
}

/// Text of a cell as a person meant it: whole numbers without ".0" (mobiles typed as numbers).
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Whether a column heading names a field: the field's code, or its label in either language.
pub(crate) fn heading_is(heading: &str, field: &str) -> bool {
    let key = format!("field.{field}");
    heading == field
        || heading == Lang::Zh.t(&key)
        || heading.eq_ignore_ascii_case(Lang::En.t(&key))
}

/// Maps each heading to a field: the field code itself, or its label in either language.
fn header_map(headers: &[String], fields: &[&str]) -> HashMap<&'static str, usize> {
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        for f in fields {
            if heading_is(h, f) {
                // `fields` are 'static strs, so the map can hold them.
                let f: &'static str = fields_static(f);
                map.entry(f).or_insert(i);
            }
        }
    }
    map
}

fn fields_static(f: &str) -> &'static str {
    ENTERPRISE_FIELDS
        .iter()
        .chain(PERSON_FIELDS)
        .find(|x| **x == f)
        .copied()
        .unwrap_or("name")
}

/// An enumeration value typed as its code or as its label in either language.
fn enum_value(v: &str, prefix: &str, codes: &[&str]) -> String {
    let v = v.trim();
    for c in codes {
        let key = format!("{prefix}.{c}");
        if v == *c || v == Lang::Zh.t(&key) || v.eq_ignore_ascii_case(Lang::En.t(&key)) {
            return c.to_string();
        }
    }
    v.to_string()
}

fn yes_no(v: &str) -> String {
    match v.trim() {
        "是" | "Yes" | "yes" | "Y" | "y" | "1" | "true" | "TRUE" => "true".into(),
        "" => String::new(),
        _ => "false".into(),
    }
}

pub(crate) struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub(crate) fn read_sheets(bytes: &[u8]) -> std::result::Result<Vec<Sheet>, Invalid> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|_| Invalid::one("file", "xlsx.not_xlsx"))?;
    let mut out = Vec::new();
    for name in wb.sheet_names().to_vec() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|_| Invalid::one("file", "xlsx.not_xlsx"))?;
        let mut rows = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>());
        let headers = rows.next().unwrap_or_default();
        out.push(Sheet {
            name,
            headers,
            rows: rows.collect(),
        });
    }
    Ok(out)
}

impl Service {
    /// Imports the sheets it recognises (企业/Enterprises by USCC, 人员/People by mobile): creates
    /// new records and updates existing ones, all in one transaction. Any bad row stops the whole
    /// import and is reported; then nothing is written.
    pub async fn import_registry(
        &self,
        who: &Principal,
        bytes: &[u8],
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport> {
        let sheets = read_sheets(bytes)?;
        let is = |s: &Sheet, kind: &str| {
            s.name == sheet_title(kind, Lang::Zh)
                || s.name.eq_ignore_ascii_case(sheet_title(kind, Lang::En))
                || s.name.eq_ignore_ascii_case(kind)
        };
        let ent_sheet = sheets.iter().find(|s| is(s, "enterprises"));
        let people_sheet = sheets.iter().find(|s| is(s, "people"));
        if ent_sheet.is_none() && people_sheet.is_none() {
            return Err(Invalid::one("sheet", "xlsx.no_sheet").into());
        }
        // Regions are named in the file; resolve names among the villages and groups the caller sees.
        // A group is named with its village ("石坝村 一组"), as the exports write it.
        let mut region_by_name: HashMap<String, i64> = HashMap::new();
        let rows = regions::within(&self.store, &who.region_path).await?;
        let names: HashMap<i64, &str> = rows.iter().map(|r| (r.id, r.name.as_str())).collect();
        for r in &rows {
            if let (Some(parent), "group") =
                (r.parent_id.and_then(|p| names.get(&p)), r.level.as_str())
            {
                region_by_name
                    .entry(format!("{parent} {}", r.name))
                    .or_insert(r.id);
            } else {
                region_by_name.entry(r.name.clone()).or_insert(r.id);
            }
        }
        let mut report = ImportReport::default();
        let mut ent_inputs = Vec::new();
        let mut person_inputs = Vec::new();
        if let Some(s) = ent_sheet {
            ent_inputs = parse_enterprises(s, &region_by_name, &mut report.errors);
        }
        if let Some(s) = people_sheet {
            person_inputs = parse_people(s, &region_by_name, &mut report.errors);
        }
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let total = ent_inputs.len() + person_inputs.len();
        let mut tx = self.store.begin().await?;
        let sheet = ent_sheet.map(|s| s.name.clone()).unwrap_or_default();
        for (i, (row, draft)) in ent_inputs.iter().enumerate() {
            let before = enterprises::by_uscc(&mut tx, draft.uscc.as_str()).await?;
            let existed = before.is_some();
            match write_enterprise(&mut tx, who, before, draft).await {
                Ok(_) if existed => report.updated += 1,
                Ok(_) => report.created += 1,
                Err(e) => {
                    report.errors.push(write_error(
                        &sheet,
                        *row,
                        e,
                        ENTERPRISE_FIELDS,
                        ent_sheet.map(|s| &s.headers),
                    ));
                    return Ok(ImportReport {
                        created: 0,
                        updated: 0,
                        errors: report.errors,
                    });
                }
            }
            progress(i + 1, total);
        }
        let sheet = people_sheet.map(|s| s.name.clone()).unwrap_or_default();
        for (i, (row, draft)) in person_inputs.iter().enumerate() {
            let before = people::by_mobile(&mut tx, draft.mobile.as_str()).await?;
            let existed = before.is_some();
            match write_person(&mut tx, who, before, draft).await {
                Ok(_) if existed => report.updated += 1,
                Ok(_) => report.created += 1,
                Err(e) => {
                    report.errors.push(write_error(
                        &sheet,
                        *row,
                        e,
                        PERSON_FIELDS,
                        people_sheet.map(|s| &s.headers),
                    ));
                    return Ok(ImportReport {
                        created: 0,
                        updated: 0,
                        errors: report.errors,
                    });
                }
            }
            progress(ent_inputs.len() + i + 1, total);
        }
        tx.commit().await?;
        Ok(report)
    }

    pub async fn enterprise_table(&self, who: &Principal, lang: Lang) -> Result<Table> {
        let rows = self.all_enterprises(who).await?;
        let yes_no = |b: bool| lang.t(if b { "yes" } else { "no" }).to_string();
        Ok(Table {
            title: sheet_title("enterprises", lang).into(),
            headers: ENTERPRISE_FIELDS
                .iter()
                .map(|f| lang.t(&format!("field.{f}")).to_string())
                .collect(),
            rows: rows
                .into_iter()
                .map(|e| {
                    let o = |v: Option<String>| v.unwrap_or_default();
                    vec![
                        e.name,
                        e.uscc,
                        e.region_name,
                        e.industry_code,
                        lang.t(&format!("scale.{}", e.scale)).to_string(),
                        yes_no(e.high_risk),
                        o(e.address),
                        e.legal_representative,
                        o(e.legal_representative_mobile),
                        o(e.actual_controller),
                        o(e.safety_director),
                        o(e.safety_director_mobile),
                        o(e.chief_engineer),
                        lang.t(&format!("grade.{}", e.standard_grade)).to_string(),
                        lang.t(&format!("fringe.{}", e.fringe_treatment))
                            .to_string(),
                        e.employees.to_string(),
                    ]
                })
                .collect(),
        })
    }

    /// The coverage report as tables: one per kind of gap.
    pub async fn coverage_tables(&self, who: &Principal, lang: Lang) -> Result<Vec<Table>> {
        let c = self.coverage(who).await?;
        let t = |k: &str| lang.t(k).to_string();
        let ent = |title: &str, rows: &[safegrid_store::coverage::GapEnterprise]| Table {
            title: t(title),
            headers: vec![
                t("field.name"),
                t("field.uscc"),
                t("field.region_id"),
                t("field.industry_code"),
                t("field.safety_director"),
                t("field.chief_engineer"),
            ],
            rows: rows
                .iter()
                .map(|e| {
                    let o = |v: &Option<String>| v.clone().unwrap_or_default();
                    vec![
                        e.name.clone(),
                        e.uscc.clone(),
                        e.region_name.clone(),
                        e.industry_code.clone(),
                        o(&e.safety_director),
                        o(&e.chief_engineer),
                    ]
                })
                .collect(),
        };
        Ok(vec![
            ent("coverage.without_liaison_group", &c.without_liaison_group),
            ent("coverage.without_supervisor", &c.without_supervisor),
            ent(
                "coverage.high_risk_without_officers",
                &c.high_risk_without_officers,
            ),
            Table {
                title: t("coverage.villages_without_grid_member"),
                headers: vec![t("field.name")],
                rows: c
                    .villages_without_grid_member
                    .iter()
                    .map(|v| vec![v.name.clone()])
                    .collect(),
            },
            Table {
                title: t("coverage.objects_missing_duties"),
                headers: vec![t("field.name"), t("field.region_id"), t("field.role")],
                rows: c
                    .objects_missing_duties
                    .iter()
                    .map(|g| {
                        vec![
                            g.name.clone(),
                            g.region_name.clone(),
                            t(&format!("duty.{}", g.role)),
                        ]
                    })
                    .collect(),
            },
        ])
    }

    pub async fn people_table(&self, who: &Principal, lang: Lang) -> Result<Table> {
        crate::ensure(who.can_read_region(&who.region_path))?;
        let rows = people::all_within(&self.store, &who.region_path).await?;
        let sep = if lang == Lang::Zh { "、" } else { ", " };
        Ok(Table {
            title: sheet_title("people", lang).into(),
            headers: PERSON_FIELDS
                .iter()
                .map(|f| lang.t(&format!("field.{f}")).to_string())
                .collect(),
            rows: rows
                .into_iter()
                .map(|p| {
                    let roles: Vec<String> = p
                        .roles
                        .split(',')
                        .filter(|r| !r.is_empty())
                        .map(|r| lang.t(&format!("person_role.{r}")).to_string())
                        .collect();
                    vec![
                        p.name,
                        p.mobile,
                        p.region_name,
                        p.organisation.unwrap_or_default(),
                        p.title.unwrap_or_default(),
                        roles.join(sep),
                    ]
                })
                .collect(),
        })
    }
}

fn write_error(
    sheet: &str,
    row: usize,
    e: Error,
    fields: &[&str],
    headers: Option<&Vec<String>>,
) -> RowError {
    let (field, code) = match e {
        Error::Invalid(inv) => inv
            .errors
            .into_iter()
            .next()
            .map(|f| (f.field, f.code))
            .unwrap_or(("name".into(), "error.invalid".into())),
        Error::Forbidden => ("region_id".into(), "error.forbidden".into()),
        _ => ("name".into(), "error.internal".into()),
    };
    RowError {
        sheet: sheet.into(),
        row,
        column: column_name(&field, fields, headers),
        code,
    }
}

fn column_name(field: &str, fields: &[&str], headers: Option<&Vec<String>>) -> String {
    if let Some(h) = headers
        && let Some(i) = header_map(h, fields).get(field)
    {
        return h[*i].clone();
    }
    Lang::Zh.t(&format!("field.{field}")).to_string()
}

fn row_errors(
    sheet: &Sheet,
    row: usize,
    inv: Invalid,
    map: &HashMap<&str, usize>,
    errors: &mut Vec<RowError>,
) {
    for FieldError { field, code } in inv.errors {
        let column = map
            .get(field.as_str())
            .map(|i| sheet.headers[*i].clone())
            .unwrap_or_else(|| Lang::Zh.t(&format!("field.{field}")).to_string());
        errors.push(RowError {
            sheet: sheet.name.clone(),
            row,
            column,
            code,
        });
    }
}

fn missing_columns(
    sheet: &Sheet,
    required: &[&str],
    map: &HashMap<&str, usize>,
    errors: &mut Vec<RowError>,
) -> bool {
    let before = errors.len();
    for f in required {
        if !map.contains_key(f) {
            errors.push(RowError {
                sheet: sheet.name.clone(),
                row: 1,
                column: Lang::Zh.t(&format!("field.{f}")).into(),
                code: "xlsx.missing_column".into(),
            });
        }
    }
    errors.len() > before
}

fn region_of(v: &str, by_name: &HashMap<String, i64>) -> std::result::Result<String, ()> {
    if v.is_empty() {
        return Ok(String::new());
    }
    by_name.get(v).map(|id| id.to_string()).ok_or(())
}

fn parse_enterprises(
    s: &Sheet,
    by_name: &HashMap<String, i64>,
    errors: &mut Vec<RowError>,
) -> Vec<(usize, safegrid_domain::enterprise::EnterpriseDraft)> {
    let map = header_map(&s.headers, ENTERPRISE_FIELDS);
    if missing_columns(
        s,
        &[
            "name",
            "uscc",
            "region_id",
            "industry_code",
            "legal_representative",
        ],
        &map,
        errors,
    ) {
        return vec![];
    }
    let codes = |all: &[&'static str]| all.to_vec();
    let scales: Vec<&str> = codes(&Scale::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>());
    let grades: Vec<&str> = StandardGrade::ALL.iter().map(|x| x.as_str()).collect();
    let fringes: Vec<&str> = FringeTreatment::ALL.iter().map(|x| x.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, cells) in s.rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let get = |f: &str| {
            map.get(f)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or_default()
        };
        let region_name = get("region_id");
        let Ok(region_id) = region_of(&region_name, by_name) else {
            row_errors(
                s,
                row,
                Invalid::one("region_id", "xlsx.unknown_region"),
                &map,
                errors,
            );
            continue;
        };
        // The industry may be typed as its code or as its Chinese or English name.
        let ind = get("industry_code");
        let industry_code = industry::CATALOGUE
            .iter()
            .find(|x| x.name_zh == ind || x.name_en.eq_ignore_ascii_case(&ind))
            .map(|x| x.code.to_string())
            .unwrap_or(ind);
        let input = EnterpriseInput {
            name: get("name"),
            uscc: get("uscc"),
            region_id,
            industry_code,
            scale: enum_value(&get("scale"), "scale", &scales),
            high_risk: yes_no(&get("high_risk")),
            address: get("address"),
            legal_representative: get("legal_representative"),
            legal_representative_mobile: get("legal_representative_mobile"),
            actual_controller: get("actual_controller"),
            safety_director: get("safety_director"),
            safety_director_mobile: get("safety_director_mobile"),
            chief_engineer: get("chief_engineer"),
            standard_grade: enum_value(&get("standard_grade"), "grade", &grades),
            fringe_treatment: enum_value(&get("fringe_treatment"), "fringe", &fringes),
            employees: get("employees"),
        };
        match input.validate() {
            Ok(d) => {
                if seen.insert(d.uscc.to_string(), row).is_some() {
                    row_errors(
                        s,
                        row,
                        Invalid::one("uscc", "xlsx.duplicate_in_file"),
                        &map,
                        errors,
                    );
                } else {
                    out.push((row, d));
                }
            }
            Err(inv) => row_errors(s, row, inv, &map, errors),
        }
    }
    out
}

fn parse_people(
    s: &Sheet,
    by_name: &HashMap<String, i64>,
    errors: &mut Vec<RowError>,
) -> Vec<(usize, safegrid_domain::registry::PersonDraft)> {
    let map = header_map(&s.headers, PERSON_FIELDS);
    if missing_columns(s, &["name", "mobile", "region_id"], &map, errors) {
        return vec![];
    }
    let roles: Vec<&str> = PersonRole::ALL.iter().map(|x| x.as_str()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, cells) in s.rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let get = |f: &str| {
            map.get(f)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or_default()
        };
        let Ok(region_id) = region_of(&get("region_id"), by_name) else {
            row_errors(
                s,
                row,
                Invalid::one("region_id", "xlsx.unknown_region"),
                &map,
                errors,
            );
            continue;
        };
        let input = PersonInput {
            name: get("name"),
            mobile: get("mobile"),
            email: String::new(),
            region_id,
            organisation: get("organisation"),
            title: get("title"),
            roles: get("roles")
                .split(['、', ',', '，', ';'])
                .map(|r| enum_value(r, "person_role", &roles))
                .collect(),
        };
        match input.validate() {
            Ok(d) => {
                if seen.insert(d.mobile.to_string(), row).is_some() {
                    row_errors(
                        s,
                        row,
                        Invalid::one("mobile", "xlsx.duplicate_in_file"),
                        &map,
                        errors,
                    );
                } else {
                    out.push((row, d));
                }
            }
            Err(inv) => row_errors(s, row, inv, &map, errors),
        }
    }
    out
}
