//! `housing-storage`: how every service of the suite keeps its data.
//!
//! One [`Database`] over either PostgreSQL (production, compose) or an
//! embedded SQLite file (the zero-setup default), through sqlx's `Any` driver
//! so that a service writes its queries once. SQL stays portable: `$1`
//! placeholders (both backends accept them); integers, and booleans as 0 / 1,
//! in `BIGINT` (the `Any` driver cannot decode SQLite's `BOOLEAN`); `TEXT`;
//! bytes in `BYTEA` (PostgreSQL) / `BLOB` (SQLite); times as microseconds since
//! the epoch in `BIGINT`.
//!
//! Each service owns its migrations, embedded in its binary, one directory per
//! backend (`migrations/postgres`, `migrations/sqlite`) where dialects differ;
//! they run at start-up and are never edited after they land.
//!
//! Storage errors are translated here ([`StorageError`]); services never match
//! on `sqlx::Error`.
//!
//! [`testing`] runs one storage test suite against both backends.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Executor};

pub mod audit;
pub mod testing;

pub use sqlx;

/// Which database a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL, for production and compose.
    Postgres,
    /// Embedded SQLite, for the zero-setup default.
    Sqlite,
}

impl Backend {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StorageError::UnsupportedUrl)
        }
    }

    /// A name for logs: "postgres" or "sqlite".
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// A service's migrations, one set per backend.
#[derive(Debug)]
pub struct Migrations {
    /// For PostgreSQL.
    pub postgres: &'static Migrator,
    /// For SQLite.
    pub sqlite: &'static Migrator,
}

/// A storage failure, in terms a service can act on.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A row with the same unique key exists.
    #[error("a record with the same key exists")]
    Conflict,
    /// The database cannot be reached or refused the connection.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// The URL names no supported backend.
    #[error("the database URL must start with postgres://, postgresql:// or sqlite:")]
    UnsupportedUrl,
    /// A migration failed.
    #[error("migrating the database failed")]
    Migration(#[source] sqlx::migrate::MigrateError),
    /// Anything else.
    #[error("database error")]
    Other(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(database_error) if database_error.is_unique_violation() => {
                StorageError::Conflict
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_) => StorageError::Unavailable(error),
            _ => StorageError::Other(error),
        }
    }
}

/// A service's database, as its settings name it.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `postgres://…` or `sqlite:…`; may hold a password.
    pub url: secrecy::SecretString,
    /// Most connections open at once.
    pub max_connections: u32,
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Most connections open at once.
    pub max_connections: u32,
    /// How long a caller waits for a free connection.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// A pooled connection to a service's database, migrated.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
}

impl Database {
    /// Connects to `url`, creating an SQLite file (and its directory) if
    /// missing, and runs the service's migrations for that backend.
    pub async fn connect(
        url: &str,
        migrations: &Migrations,
        settings: &PoolSettings,
    ) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        if backend == Backend::Sqlite {
            create_sqlite_directory(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .map_err(StorageError::Other)?
            .disable_statement_logging();
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout);
        if backend == Backend::Sqlite {
            // WAL lets readers run beside the single writer; busy_timeout makes
            // concurrent writers wait for the lock instead of failing at once.
            pool_options = pool_options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = pool_options
            .connect_with(options)
            .await
            .map_err(StorageError::from)?;
        let migrator = match backend {
            Backend::Postgres => migrations.postgres,
            Backend::Sqlite => migrations.sqlite,
        };
        migrator.run(&pool).await.map_err(StorageError::Migration)?;
        tracing::info!(backend = backend.as_str(), "database ready");
        Ok(Self { pool, backend })
    }

    /// The pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the directory an SQLite URL's file lives in, so that a fresh
/// machine's first start needs no preparation (`sqlite://data/x.db` → `data/`).
fn create_sqlite_directory(url: &str) -> Result<(), StorageError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    if let Some(directory) = std::path::Path::new(path).parent()
        && !directory.as_os_str().is_empty()
    {
        std::fs::create_dir_all(directory)
            .map_err(|error| StorageError::Other(sqlx::Error::Io(error)))?;
    }
    Ok(())
}

/// The URL of an SQLite file, created when missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
