//! Exports of a round on a ward: the coded fragments and the triad scores as CSV (UTF-8 with BOM;
//! `sep=semicolon` for Dutch Excel, which then also gets decimal commas) or XLSX. For coders and
//! quality officers; every export is written to the audit log.

use crate::AppState;
use crate::auth::{Me, query_param};
use crate::error::AppError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driehoek_domain::export::{csv, defuse};
use driehoek_domain::validate::Problem;
use driehoek_storage::exports::{self, FRAGMENT_HEADER, SCORE_HEADER};
use driehoek_storage::{coding, reports, second_coding};

/// The sheet as an XLSX workbook; text cells are defused like CSV cells.
fn xlsx(sheet: &str, header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(fail)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Numbers stay numbers (full precision); everything else is text.
            match cell.parse::<f64>() {
                Ok(n) if !cell.is_empty() && header[c as usize] != "triad" => {
                    ws.write_number(r, c, n).map_err(fail)?;
                }
                _ => {
                    ws.write_string(r, c, defuse(cell)).map_err(fail)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

pub async fn export(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let ward = coding::coding_ward(&app.db, me.tenant(), &ward_id).await?;
    let (_, round) = reports::ward_round(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let blind = second_coding::Blind::WardRound {
        ward: &ward_id,
        round: &round_id,
    };
    second_coding::check_blind(&app.db, &me.tenant().user_id, blind).await?;
    let q = query.unwrap_or_default();
    let what = query_param(&q, "what").unwrap_or_else(|| "fragments".into());
    let format = query_param(&q, "format").unwrap_or_else(|| "csv".into());
    let dutch = query_param(&q, "sep").as_deref() == Some("semicolon");
    if !matches!(what.as_str(), "fragments" | "scores") {
        return Err(AppError::Invalid(vec![Problem::new("what", "export-what")]));
    }
    if !matches!(format.as_str(), "csv" | "xlsx") {
        return Err(AppError::Invalid(vec![Problem::new(
            "format",
            "export-format",
        )]));
    }
    let (header, rows): (&[&str], Vec<Vec<String>>) = if what == "fragments" {
        (
            &FRAGMENT_HEADER,
            exports::fragment_rows(&app.db, &ward_id, &round_id).await?,
        )
    } else {
        let comma = dutch && format == "csv";
        (
            &SCORE_HEADER,
            exports::score_rows(&app.db, me.tenant(), &ward_id, &round_id, comma).await?,
        )
    };
    exports::record(
        &app.db,
        me.tenant(),
        me.email(),
        &ward,
        &round.name,
        &format!("{what} {format}{}", if dutch { " ;" } else { "" }),
    )
    .await?;
    let base: String = format!("{}-{}-{what}", ward.name, round.name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let (body, kind, ext) = if format == "xlsx" {
        (
            xlsx(&what, header, &rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            csv(header, &rows, if dutch { ';' } else { ',' }).into_bytes(),
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{base}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
