//! `/admin/sync`: the scheduled refresh from 1C — each data set's age, "run now" per step (the
//! next run takes it, in the background), the run history with each step's figures or error
//! (the same as JSON, newest run first, under `runs`) — and the 1C user sync on the spot.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};
use skazka_accounts::{settings, sync};
use skazka_app::AppState;
use skazka_session::Session;
use skazka_sync_log::{RunRecord, Step, SyncLog, Waiting};
use skazka_web::{AppError, Format, format};

use super::{admin, csrf_input, render};

fn sync_page(
    session: &Session,
    last: Option<(chrono::DateTime<chrono::Utc>, sync::SyncReport)>,
    fresh: Option<&sync::SyncReport>,
) -> Markup {
    html! {
        h1 { "Синхронизация пользователей с 1С" }
        p { "Сотрудники берутся из справочника «Пользователи» 1С: роль — реквизит «Роль на сайте», пароль — «Пароль для входа на сайт», телефон — из контактной информации физического лица." }
        @if let Some(r) = fresh {
            div.alert.ok #sync-result role="status" {
                "Готово: получено из 1С " (r.from_onec) ", создано " span #sync-created { (r.created) }
                ", обновлено " span #sync-updated { (r.updated) } ", отключено " span #sync-deactivated { (r.deactivated) }
                ", без изменений " (r.unchanged) "."
            }
            @if !r.skipped.is_empty() {
                p { "Пропущены:" }
                ul { @for s in &r.skipped { li { (s) } } }
            }
        } @else if let Some((at, r)) = last {
            p.muted { "Последняя синхронизация " (at.format("%d.%m.%Y %H:%M UTC")) ": создано " (r.created) ", обновлено " (r.updated) ", отключено " (r.deactivated) "." }
        }
        form.inline method="post" action="/admin/sync" {
            (csrf_input(session))
            button type="submit" { "Синхронизировать сейчас" }
        }
    }
}

/// Runs shown on the page and in the JSON.
const HISTORY: i64 = 20;

/// A data set's age: when its step last succeeded.
#[derive(Serialize)]
pub struct DataSet {
    pub step: Step,
    pub label: &'static str,
    pub refreshed_at: Option<DateTime<Utc>>,
}

/// The refresh log as the page and the JSON show it.
#[derive(Serialize)]
pub struct Refreshes {
    pub data_sets: Vec<DataSet>,
    pub waiting: Vec<Waiting>,
    pub runs: Vec<RunRecord>,
}

impl Refreshes {
    async fn read(log: &SyncLog) -> Result<Refreshes, AppError> {
        let unavailable = |e: skazka_sync_log::SyncLogError| AppError::Unavailable(e.to_string());
        let mut data_sets = Vec::new();
        for step in Step::ALL {
            data_sets.push(DataSet {
                step,
                label: step.label(),
                refreshed_at: log.last_ok(step).await.map_err(unavailable)?,
            });
        }
        Ok(Refreshes {
            data_sets,
            waiting: log.waiting().await.map_err(unavailable)?,
            runs: log.runs(HISTORY).await.map_err(unavailable)?,
        })
    }

    /// Something is asked for or running: the page refreshes itself to show the outcome.
    fn busy(&self) -> bool {
        !self.waiting.is_empty() || self.runs.first().is_some_and(|r| r.finished_at.is_none())
    }
}

fn when(t: &DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format::date_time(&t.with_timezone(&tz).fixed_offset())
}

fn refreshes_section(session: &Session, r: &Refreshes, tz: chrono_tz::Tz) -> Markup {
    let label = |name: &str| Step::parse(name).map_or(name.to_owned(), |s| s.label().to_owned());
    html! {
        h2 { "Обновление данных из 1С" }
        p.muted { "По расписанию: каждые 5 минут в рабочее время, ночью раз в час. Отчёты о продажах — раз в час." }
        table.list #data-sets {
            thead { tr { th { "Данные" } th { "Обновлены" } th {} } }
            tbody {
                @for d in &r.data_sets {
                    tr {
                        td { (d.label) }
                        td { @match &d.refreshed_at { Some(t) => (when(t, tz)), None => span.muted { "ещё не обновлялись" } } }
                        td {
                            form.inline method="post" action="/admin/sync/run" {
                                (csrf_input(session))
                                input type="hidden" name="step" value=(d.step.name());
                                button.secondary type="submit" { "Обновить сейчас" }
                            }
                        }
                    }
                }
            }
        }
        @if !r.waiting.is_empty() {
            p.alert #sync-waiting role="status" {
                "Запрошено: "
                @for (i, w) in r.waiting.iter().enumerate() { @if i > 0 { ", " } (label(&w.step)) }
                ". Запуск — в течение минуты; страница обновится сама."
            }
        }
        h3 { "Последние запуски" }
        @if r.runs.is_empty() {
            p.muted { "Запусков ещё не было." }
        } @else {
            div.table-scroll {
                table.list #sync-runs {
                    thead { tr { th { "Начало" } th { "Шаг" } th { "Длительность" } th { "Прочитано" } th { "Изменено" } th { "Вызовов 1С" } th { "Результат" } } }
                    tbody {
                        @for run in &r.runs {
                            @for (i, s) in run.steps.iter().enumerate() {
                                tr class=[s.error.as_ref().map(|_| "failed")] {
                                    td { @if i == 0 { (when(&run.started_at, tz)) br; span.muted { (run.trigger) } } }
                                    td { (label(&s.step)) }
                                    td { @match s.duration_ms { Some(ms) => { (format!("{:.1}", ms as f64 / 1000.0)) " с" }, None => "идёт…" } }
                                    td { (s.rows_read) }
                                    td { (s.rows_changed) }
                                    td { (s.onec_calls) }
                                    td { @match (&s.error, s.duration_ms) {
                                        (Some(e), _) => span.error { "Ошибка: " (e) },
                                        (None, Some(_)) => "готово",
                                        (None, None) => "выполняется",
                                    } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    format: Format,
) -> Result<Response, AppError> {
    admin(&session)?;
    let refreshes = Refreshes::read(&SyncLog::new(state.db().clone())).await?;
    if format == Format::Json {
        let mut response = axum::Json(&refreshes).into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        return Ok(response);
    }
    let last = sync::last_sync(state.db()).await?;
    let tz = state.config().onec_timezone;
    let mut response = render(
        &session,
        "Синхронизация с 1С",
        html! {
            (sync_page(&session, last, None))
            (refreshes_section(&session, &refreshes, tz))
        },
    );
    if refreshes.busy() {
        // No script: the browser reloads the page until the run is done.
        response
            .headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("3"));
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct RunStep {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    step: String,
}

/// `POST /admin/sync/run` (`step`): files a "run now"; the next run takes it.
pub async fn request(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<RunStep>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let step = Step::parse(&form.step)
        .ok_or_else(|| AppError::BadRequest(format!("Неизвестный шаг: {}", form.step)))?;
    SyncLog::new(state.db().clone())
        .request(step, Some(session.user_id()))
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(axum::response::Redirect::to("/admin/sync").into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn run(
    State(state): State<AppState>,
    session: Session,
    axum::Form(form): axum::Form<CsrfOnly>,
) -> Result<Response, AppError> {
    admin(&session)?;
    session.check_csrf(Some(&form.csrf))?;
    let settings = settings::current(state.db(), state.onec_client()).await?;
    let report = sync::sync_users(
        state.db(),
        state.onec_client(),
        &settings.user,
        state.sessions(),
        Some(session.user_id()),
    )
    .await?;
    Ok(render(
        &session,
        "Синхронизация с 1С",
        sync_page(&session, None, Some(&report)),
    ))
}
