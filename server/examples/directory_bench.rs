//! The directory at scale: seeds 100,000 users into a fresh database and measures, over real
//! HTTP against the server running in this process, how long the admin portal's user pages
//! take — the first page, a page deep in the list (by keyset cursor), prefix searches on the
//! email and on the display name, and the type and status filters.
//!
//! ```text
//! cargo run --release -p sspr-server --example directory_bench -- DATABASE_URL [USERS] [REQUESTS]
//! ```
//!
//! `cargo xtask bench` runs it on SQLite and PostgreSQL; the database must be new (empty).
//! Timing goals live here, in a benchmark, never in tests.

mod common;

use common::{admin_cookie, Bench};
use sspr_server::store::Db;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(database_url) = args.first().cloned() else {
        anyhow::bail!("usage: directory_bench DATABASE_URL [USERS] [REQUESTS]");
    };
    let users: i64 = args.get(1).map_or(Ok(100_000), |n| n.parse())?;
    let requests: usize = args.get(2).map_or(Ok(300), |n| n.parse())?;

    let bench = Bench::start(&database_url, |config| {
        // One client makes every request here; the per-address ceiling is not what is measured.
        config.requests_per_minute = 10_000_000;
    })
    .await?;
    // The rest of `bench` (the placeholder SPA folder) lives until the end of `main`.
    let Bench {
        listener,
        address,
        state,
        db,
        ..
    } = bench;
    let backend = db.backend.as_str();

    let started = Instant::now();
    seed(&db, users, state.now_ms()).await?;
    eprintln!(
        "{backend}: seeded {users} users in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let cookie = admin_cookie(&state).await?;

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(sspr_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let base = format!("http://{address}/api/admin/");
    let get = |path_and_query: String| {
        let client = client.clone();
        let url = format!("{base}{path_and_query}");
        let cookie = cookie.clone();
        async move {
            let response = client.get(&url).header("cookie", cookie).send().await?;
            anyhow::ensure!(response.status() == 200, "{url}: {}", response.status());
            Ok::<serde_json::Value, anyhow::Error>(response.json().await?)
        }
    };
    // The cursor of a page 90 % of the way through the list.
    let deep_cursor = {
        let mut cursor = String::new();
        let target = users * 9 / 10;
        let mut seen = 0;
        while seen + 200 <= target {
            let page = get(format!("users?limit=200&after={cursor}")).await?;
            seen += 200;
            cursor = page["next"].as_str().unwrap_or_default().to_owned();
        }
        cursor
    };
    let scenarios: Vec<(&str, String)> = vec![
        (
            "baseline: GET /api/admin/session (no directory query)",
            "session".into(),
        ),
        ("first page (50)", "users?limit=50".into()),
        (
            "page 90 % deep (keyset cursor)",
            format!("users?limit=50&after={deep_cursor}"),
        ),
        ("search: email prefix", "users?search=user4711".into()),
        ("search: display-name prefix", "users?search=kim%20".into()),
        ("search: one letter (broad)", "users?search=p".into()),
        ("filter: type=guest", "users?type=guest".into()),
        ("filter: status=locked (rare)", "users?status=locked".into()),
    ];
    println!("| {backend}: {users} users, {requests} requests each | p50 | p99 | rows |");
    println!("|---|---|---|---|");
    for (name, query) in scenarios {
        let mut times = Vec::with_capacity(requests);
        let mut rows = 0;
        for _ in 0..requests {
            let started = Instant::now();
            let page = get(query.clone()).await?;
            times.push(started.elapsed());
            rows = page["items"].as_array().map_or(1, Vec::len);
        }
        times.sort();
        println!(
            "| {name} | {} | {} | {rows} |",
            ms(times[times.len() / 2]),
            ms(times[(times.len() * 99 / 100).min(times.len() - 1)])
        );
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `users` accounts in one statement (a recursive count, which both back ends run): emails
/// `user<n>@…` over ten domains, display names from a small list of first names, every tenth a
/// guest (half of them redeemed), one in a thousand locked, one in five hundred disabled.
async fn seed(db: &Db, users: i64, now_ms: i64) -> anyhow::Result<()> {
    const NAMES: [&str; 10] = [
        "Kim", "Alex", "Sam", "Robin", "Jo", "Pat", "Lee", "Max", "Noor", "Ira",
    ];
    let name_case = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| format!("WHEN {i} THEN '{name}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let sql = format!(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO users (id, email, email_canonical, display_name, display_name_canonical, \
                            user_type, disabled, locked_until_ms, created_at_ms, updated_at_ms) \
         SELECT 'bench' || CAST(n AS TEXT), \
                'user' || CAST(n AS TEXT) || '@domain' || CAST(n % 10 AS TEXT) || '.example', \
                'user' || CAST(n AS TEXT) || '@domain' || CAST(n % 10 AS TEXT) || '.example', \
                (CASE n % 10 {name_case} END) || ' ' || CAST(n AS TEXT), \
                lower(CASE n % 10 {name_case} END) || ' ' || CAST(n AS TEXT), \
                CASE WHEN n % 10 = 0 THEN 'guest' ELSE 'member' END, \
                CASE WHEN n % 500 = 7 THEN 1 ELSE 0 END, \
                CASE WHEN n % 1000 = 3 THEN $2 + 3600000 ELSE 0 END, \
                $2, $2 \
         FROM seq"
    );
    sqlx::query(&sql)
        .bind(users)
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, user_id, redirect_url, created_at_ms, redeemed_at_ms) \
         SELECT id, id, id, 'https://app.example/', created_at_ms, \
                CASE WHEN CAST(substr(id, 6) AS BIGINT) % 20 = 0 THEN created_at_ms END \
         FROM users WHERE user_type = 'guest'",
    )
    .execute(&db.pool)
    .await?;
    // Fresh statistics, as a long-running database has.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(())
}
