//! The stockpile page: every warehouse's items with their flags (short, expiring, expired), the
//! forms that add a warehouse, an item and a movement, the recent movements; the inventory as
//! xlsx and as a printable count sheet with an empty column for the count.

use super::{field, form_input, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status, xlsx};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::stock::{
    Category, ItemInput, MovementInput, MovementKind, WarehouseInput, WarehouseKind,
};
use safegrid_service::Error;
use safegrid_service::stock::StockView;
use safegrid_service::xlsx::Table;
use safegrid_store::incidents::IncidentRow;
use safegrid_store::regions::RegionRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stock", get(page))
        .route("/stock.xlsx", get(export))
        .route("/stock/count", get(count_sheet))
        .route("/stock/warehouses", post(add_warehouse))
        .route("/stock/warehouses/{id}/items", post(add_item))
        .route("/stock/move", post(move_stock))
}

#[derive(askama::Template)]
#[template(path = "stock.html")]
struct StockPage {
    ui: Ui,
    v: StockView,
    /// Regions the caller may keep a warehouse in.
    regions: Vec<RegionRow>,
    /// Warehouses the caller keeps (may add items to).
    keepable: Vec<safegrid_store::stock::WarehouseRow>,
    /// Open incidents stock may be dispatched to.
    incidents: Vec<IncidentRow>,
    kinds: Vec<&'static str>,
    categories: Vec<&'static str>,
    movements: Vec<&'static str>,
    count_sheet: bool,
    error: Option<String>,
}

async fn show(s: &AppState, p: &Page, count_sheet: bool, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let v = s.svc.stock(&p.who).await.map_err(&fl)?;
    let regions = s.svc.stock_places(&p.who).await.map_err(&fl)?;
    let incidents = if p.who.can_read_incident(&p.who.region_path) {
        s.svc
            .incidents(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .filter(|i| i.status == "open")
            .collect()
    } else {
        Vec::new()
    };
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &StockPage {
            ui: Ui::new(p, "response"),
            keepable: v
                .warehouses
                .iter()
                .filter(|w| p.who.can_keep_stock(&w.region_path))
                .cloned()
                .collect(),
            v,
            regions,
            incidents,
            kinds: WarehouseKind::ALL.iter().map(|k| k.as_str()).collect(),
            categories: Category::ALL.iter().map(|k| k.as_str()).collect(),
            movements: MovementKind::ALL.iter().map(|k| k.as_str()).collect(),
            count_sheet,
            error,
        },
    ))
}

async fn page(State(s): State<AppState>, p: Page) -> PageResult {
    show(&s, &p, false, None).await
}

/// The inventory to count against: the same table with an empty column for the count.
async fn count_sheet(State(s): State<AppState>, p: Page) -> PageResult {
    show(&s, &p, true, None).await
}

async fn export(State(s): State<AppState>, p: Page) -> PageResult {
    let l = p.lang;
    let v = s.svc.stock(&p.who).await.map_err(fail(l))?;
    let flag = |f: &safegrid_domain::stock::Flags| {
        [
            (f.low, "stock.low"),
            (f.expiring, "stock.expiring"),
            (f.expired, "stock.expired"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, k)| l.t(k).to_string())
        .collect::<Vec<_>>()
        .join("、")
    };
    let table = Table {
        title: l.t("stock.title").to_string(),
        headers: [
            "stock.warehouse",
            "field.name",
            "field.category",
            "field.unit",
            "field.quantity",
            "field.min_stock",
            "field.expires_on",
            "stock.flags",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: v
            .items
            .iter()
            .map(|i| {
                vec![
                    i.item.warehouse_name.clone(),
                    i.item.name.clone(),
                    l.t(&format!("stock_category.{}", i.item.category))
                        .to_string(),
                    i.item.unit.clone(),
                    i.item.quantity.to_string(),
                    i.item.min_stock.to_string(),
                    i.item.expires_on.clone().unwrap_or_default(),
                    flag(&i.flags),
                ]
            })
            .collect(),
    };
    xlsx(&[table], "stock.xlsx", l)
}

/// Shows the outcome of a form: back to the page, or the page with the refusal.
async fn done(s: &AppState, p: &Page, r: Result<(), Error>) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to("/stock").into_response()),
        Err(Error::Invalid(e)) => show(s, p, false, Some(words(p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn add_warehouse(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: WarehouseInput = form_input(&p, &pairs)?;
    let r = s.svc.create_warehouse(&p.who, &i).await.map(|_| ());
    done(&s, &p, r).await
}

async fn add_item(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: ItemInput = form_input(&p, &pairs)?;
    let r = s.svc.add_stock_item(&p.who, id, &i).await.map(|_| ());
    done(&s, &p, r).await
}

/// A movement of the item chosen in the form's list (`item_id`).
async fn move_stock(
    State(s): State<AppState>,
    p: Page,
    Form(mut pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id: i64 = field(&pairs, "item_id").parse().unwrap_or(0);
    pairs.retain(|(k, _)| k != "item_id");
    let i: MovementInput = form_input(&p, &pairs)?;
    let r = s.svc.move_stock(&p.who, id, &i).await.map(|_| ());
    done(&s, &p, r).await
}
