//! Command line: `server [serve]`, `server migrate`, `server create-admin`,
//! `server seed-demo`. Every command reads the same configuration.

use crate::config::Config;
use crate::serve;
use anyhow::{Context, Result, bail};
use backend::{audit, db, password};
use clap::{Parser, Subcommand};
use leptos::config::get_configuration;

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "Datacheck: customers check their own data, staff review the changes.",
    after_help = "Site files and the listen address come from cargo-leptos' variables \
                  (LEPTOS_SITE_ADDR, default 127.0.0.1:3000; LEPTOS_SITE_ROOT, default target/site)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run migrations and serve the app (the default).
    Serve,
    /// Run database migrations and exit.
    Migrate,
    /// Create the first admin (or another one) for production use.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The password; read from standard input when not given here or in the env.
        #[arg(long, env = "DATACHECK_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Fill an empty development database with demo data.
    SeedDemo,
}

/// The site must name the files its pages load. In production the customer pages must
/// have their own bundle: without it, every phone would download the staff app.
fn check_site(options: &leptos::config::LeptosOptions, env: backend::DeployEnv) -> Result<()> {
    let assets = crate::http::site_assets(options)?;
    if assets.customer.is_none() {
        if env == backend::DeployEnv::Prod {
            bail!(
                "{} has no asset manifest with the customer bundle: build the site with `cargo xtask build`",
                options.site_root
            );
        }
        tracing::info!(
            "no asset manifest in the site: the customer pages hydrate with the staff bundle (a development build)"
        );
    }
    Ok(())
}

pub async fn run(cli: Cli) -> Result<()> {
    // Refuse a bad configuration before touching anything.
    let checked = cli.config.check()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let pool = serve::connect(&checked.database_url, cli.config.db_pool_size).await?;
            serve::MIGRATOR
                .run(&pool)
                .await
                .context("running migrations")?;
            if cli.config.demo {
                seed_and_report(&pool).await?;
            }
            let conf = get_configuration(None).context("reading Leptos configuration")?;
            check_site(&conf.leptos_options, checked.env)?;
            let state = serve::state(&cli.config, pool).await?;
            if cli.config.demo {
                for (label, link) in demo::demo_links(&state.pool, &state.settings).await? {
                    println!("demo customer link ({label}): {link}");
                }
            }
            let mail = if cli.config.mail_worker {
                Some(
                    backend::mail::Transport::from_url(checked.smtp_url.as_deref())
                        .map_err(|e| anyhow::anyhow!("DATACHECK_SMTP_URL: {e}"))?,
                )
            } else {
                None
            };
            if checked.smtp_url.is_none() {
                tracing::info!(
                    "no SMTP configured: mails go to the dev mailbox at /staff/dev/mailbox"
                );
            }
            serve::serve(
                state,
                conf.leptos_options,
                mail,
                cli.config.mutation_retention_days,
            )
            .await
        }
        Command::Migrate => {
            let pool = serve::connect(&checked.database_url, 2).await?;
            serve::MIGRATOR
                .run(&pool)
                .await
                .context("running migrations")?;
            println!("migrations applied");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            name,
            password: pw,
        } => {
            let pool = serve::connect(&checked.database_url, 2).await?;
            serve::MIGRATOR
                .run(&pool)
                .await
                .context("running migrations")?;
            let pw = match pw {
                Some(p) => p,
                None => {
                    eprint!("Password for {email}: ");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            create_admin(&pool, &email, &name, &pw).await?;
            println!("admin {email} created");
            Ok(())
        }
        Command::SeedDemo => {
            if checked.env == backend::DeployEnv::Prod {
                bail!("demo data is for development only");
            }
            let pool = serve::connect(&checked.database_url, 2).await?;
            serve::MIGRATOR
                .run(&pool)
                .await
                .context("running migrations")?;
            seed_and_report(&pool).await
        }
    }
}

async fn seed_and_report(pool: &sqlx::PgPool) -> Result<()> {
    match demo::seed_demo(pool).await? {
        Some(s) => tracing::info!(contacts = s.contacts, "demo data seeded"),
        None => tracing::info!("demo data: database already has data, not seeding"),
    }
    println!(
        "demo sign-in: {} / {} (admin), {} / {} (staff, one company)",
        demo::ADMIN_EMAIL,
        demo::ADMIN_PASSWORD,
        demo::STAFF_EMAIL,
        demo::STAFF_PASSWORD
    );
    println!("demo DMS API key (all companies): {}", demo::DEMO_API_KEY);
    Ok(())
}

pub async fn create_admin(pool: &sqlx::PgPool, email: &str, name: &str, pw: &str) -> Result<()> {
    let email = backend::admin::clean_staff_email(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = backend::admin::clean_name(name, "name", "a name", 200)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    password::check_policy(pw, "password").map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let hash = password::hash(pw.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = pool.begin().await?;
    let id = db::staff_user::insert(&mut *tx, &email, &name, &hash, "admin", false)
        .await?
        .with_context(|| format!("a staff user with e-mail {email} already exists"))?;
    audit::record(
        &mut *tx,
        &audit::Actor::System("command line"),
        audit::Event {
            action: "staff.created_admin",
            subject_type: "staff_user",
            subject_id: Some(id.to_string()),
            company_id: None,
            detail: serde_json::json!({ "email": email }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
