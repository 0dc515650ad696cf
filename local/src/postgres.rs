//! Finding Postgres for the local runner: `DATABASE_URL` if set; else a server on
//! 127.0.0.1:5432 if one answers; else a private throw-away cluster started from the system's
//! PostgreSQL binaries in a temporary folder (gone when the runner stops).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use skazka_app::PostgresTarget;
use skazka_config::Config;
use skazka_store::tokio_postgres::{self, NoTls};

/// The database the runner uses on a server it finds or starts.
pub const DATABASE: &str = "skazka";

#[derive(Debug, thiserror::Error)]
pub enum PgLocalError {
    #[error(
        "no PostgreSQL: nothing answers on 127.0.0.1:5432 and no server binaries were found; install the Debian package `postgresql` (apt-get install postgresql) or set DATABASE_URL"
    )]
    NoBinaries,
    #[error(
        "a PostgreSQL server answers on 127.0.0.1:5432 but refused user `postgres` ({0}); set DATABASE_URL"
    )]
    Refused(String),
    #[error("the temporary PostgreSQL cluster did not start: {0}")]
    Cluster(String),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
}

/// Resolves Postgres as described above. The cluster, when one was started, must be kept alive
/// as long as the runner runs (dropping it stops it).
pub async fn resolve(
    config: &Config,
) -> Result<(PostgresTarget, Option<TempCluster>), PgLocalError> {
    if let Some(database) = &config.database {
        return Ok((
            PostgresTarget {
                config: database.config.clone(),
                origin: "DATABASE_URL",
            },
            None,
        ));
    }
    if server_answers().await {
        let mut server = tokio_postgres::Config::new();
        server
            .host("127.0.0.1")
            .port(5432)
            .user("postgres")
            .dbname("postgres")
            .connect_timeout(Duration::from_secs(2));
        let config = ensure_database(&server)
            .await
            .map_err(|e| PgLocalError::Refused(e.to_string()))?;
        return Ok((
            PostgresTarget {
                config,
                origin: "local server",
            },
            None,
        ));
    }
    let cluster = tokio::task::spawn_blocking(TempCluster::create)
        .await
        .map_err(|e| PgLocalError::Cluster(e.to_string()))??;
    let config = ensure_database(&cluster.admin_config()).await?;
    Ok((
        PostgresTarget {
            config,
            origin: "temporary cluster",
        },
        Some(cluster),
    ))
}

async fn server_answers() -> bool {
    matches!(
        tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(("127.0.0.1", 5432)),
        )
        .await,
        Ok(Ok(_))
    )
}

/// Creates [`DATABASE`] on the server `admin` reaches when it is missing; returns its config.
async fn ensure_database(
    admin: &tokio_postgres::Config,
) -> Result<tokio_postgres::Config, tokio_postgres::Error> {
    let (client, connection) = admin.connect(NoTls).await?;
    let connection = tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DATABASE])
        .await?
        .is_some();
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .await?;
    }
    drop(client);
    let _ = connection.await;
    let mut config = admin.clone();
    config.dbname(DATABASE);
    Ok(config)
}

/// A private Postgres cluster in a temporary folder, reachable only through a Unix socket in
/// that folder. Stopped and deleted on drop.
pub struct TempCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres_user: bool,
}

impl TempCluster {
    /// The newest server binaries: `/usr/lib/postgresql/<version>/bin` (Debian), else the folder
    /// of an `initdb` on `PATH`.
    pub fn find_binaries() -> Option<PathBuf> {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = entry.path().join("bin");
                (bin.join("initdb").exists() && bin.join("pg_ctl").exists())
                    .then_some((version, bin))
            })
            .collect();
        versions.sort();
        if let Some((_, bin)) = versions.pop() {
            return Some(bin);
        }
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
        })
    }

    /// initdb + start (about 1.5 s). initdb refuses to run as root: as root, the cluster runs as
    /// the `postgres` user (which the Debian package creates).
    pub fn create() -> Result<TempCluster, PgLocalError> {
        let bin = Self::find_binaries().ok_or(PgLocalError::NoBinaries)?;
        let dir = tempfile::Builder::new()
            .prefix("skazka-pg-")
            .tempdir()
            .map_err(|e| PgLocalError::Cluster(e.to_string()))?;
        let as_postgres_user = is_root();
        if as_postgres_user {
            run(Command::new("chown").arg("postgres:").arg(dir.path()))?;
        }
        let cluster = TempCluster {
            dir,
            bin,
            as_postgres_user,
        };
        let data = cluster.data_dir();
        cluster.run_tool(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        cluster.start()?;
        Ok(cluster)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The folder holding the server's socket (its "host").
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// user `postgres`, database `postgres`, over the socket.
    pub fn admin_config(&self) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host_path(self.socket_dir())
            .port(5432)
            .user("postgres")
            .dbname("postgres")
            .connect_timeout(Duration::from_secs(2));
        config
    }

    /// Starts the server (again), waiting until it accepts connections.
    pub fn start(&self) -> Result<(), PgLocalError> {
        let data = self.data_dir();
        let log = self.dir.path().join("postgres.log");
        let options = format!(
            "-k {} -c listen_addresses='' -p 5432 -c fsync=off -c full_page_writes=off",
            path_str(self.socket_dir())?
        );
        self.run_tool(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-w",
                "-t",
                "20",
                "-o",
                &options,
                "start",
            ],
        )
    }

    /// Stops the server (fast shutdown: open connections are closed).
    pub fn stop(&self) -> Result<(), PgLocalError> {
        let data = self.data_dir();
        self.run_tool(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", "fast", "-w", "stop"],
        )
    }

    fn run_tool(&self, tool: &str, args: &[&str]) -> Result<(), PgLocalError> {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command.args(args).current_dir(self.dir.path());
        run(&mut command)
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        if let Ok(data) = path_str(&self.data_dir()) {
            let _ = self.run_tool("pg_ctl", &["-D", data, "-m", "immediate", "-w", "stop"]);
        }
    }
}

fn run(command: &mut Command) -> Result<(), PgLocalError> {
    let output = command
        .output()
        .map_err(|e| PgLocalError::Cluster(format!("{command:?}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        Err(PgLocalError::Cluster(format!(
            "{:?} failed ({}): {}{}",
            command.get_program(),
            output.status,
            stderr.trim(),
            stdout.trim()
        )))
    }
}

fn path_str(path: &Path) -> Result<&str, PgLocalError> {
    path.to_str()
        .ok_or_else(|| PgLocalError::Cluster(format!("not a UTF-8 path: {}", path.display())))
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
