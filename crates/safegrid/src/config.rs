//! Configuration, layered: defaults, then the config file (TOML), then `SAFEGRID_*` environment
//! variables, then command-line flags; the later wins.

use anyhow::{Context, Result};
use clap::Args;
use safegrid_service::Lang;
use serde::Deserialize;
use std::path::PathBuf;

/// Flags (and their environment variables) that every command takes.
#[derive(Args, Debug, Default)]
pub struct Overrides {
    /// Address to serve on.
    #[arg(long, global = true, env = "SAFEGRID_LISTEN")]
    pub listen: Option<String>,
    /// Folder of the embedded database (safegrid.sqlite) and other files.
    #[arg(long, global = true, env = "SAFEGRID_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// postgres://… to use PostgreSQL instead of the embedded SQLite database.
    #[arg(long, global = true, env = "SAFEGRID_DATABASE_URL")]
    pub database_url: Option<String>,
    /// A TOML file with any of: listen, data_dir, database_url, secure_cookies, lang, worker_interval_secs, mqtt, mqtt_client_id, mqtt_prefix.
    #[arg(long, global = true, env = "SAFEGRID_CONFIG")]
    pub config: Option<PathBuf>,
    /// Language of the command's messages: zh or en.
    #[arg(long, global = true, env = "SAFEGRID_LANG")]
    pub lang: Option<String>,
    /// mqtt://host:port of a broker to take readings from (off when unset).
    #[arg(long, global = true, env = "SAFEGRID_MQTT")]
    pub mqtt: Option<String>,
    /// This process's MQTT client id: the same across restarts (the broker keeps its session),
    /// different for each process.
    #[arg(long, global = true, env = "SAFEGRID_MQTT_CLIENT_ID")]
    pub mqtt_client_id: Option<String>,
    /// First level of the MQTT topics (`<prefix>/readings/<sensor>`).
    #[arg(long, global = true, env = "SAFEGRID_MQTT_PREFIX")]
    pub mqtt_prefix: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    secure_cookies: Option<bool>,
    lang: Option<String>,
    worker_interval_secs: Option<u64>,
    mqtt: Option<String>,
    mqtt_client_id: Option<String>,
    mqtt_prefix: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub secure_cookies: bool,
    pub lang: Lang,
    /// How often the worker looks for due jobs.
    pub worker_interval: std::time::Duration,
    pub mqtt: Option<String>,
    pub mqtt_client_id: String,
    pub mqtt_prefix: String,
}

impl Config {
    pub fn load(o: &Overrides) -> Result<Config> {
        let file: File = match &o.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("read config {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("config {}", p.display()))?
            }
            None => File::default(),
        };
        let lang = o
            .lang
            .clone()
            .or(file.lang)
            .map(|l| Lang::parse(&l).unwrap_or_default())
            .unwrap_or_default();
        Ok(Config {
            listen: o
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            data_dir: o
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("safegrid-data")),
            database_url: o
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.is_empty()),
            secure_cookies: file.secure_cookies.unwrap_or(false),
            lang,
            worker_interval: std::time::Duration::from_secs(
                file.worker_interval_secs.unwrap_or(10).max(1),
            ),
            mqtt: o.mqtt.clone().or(file.mqtt).filter(|u| !u.is_empty()),
            mqtt_client_id: o
                .mqtt_client_id
                .clone()
                .or(file.mqtt_client_id)
                .unwrap_or_else(|| "safegrid".into()),
            mqtt_prefix: o
                .mqtt_prefix
                .clone()
                .or(file.mqtt_prefix)
                .unwrap_or_else(|| "safegrid".into()),
        })
    }

    /// The database to open: the configured URL, or `safegrid.sqlite` in the data folder (created).
    pub fn database_url(&self) -> Result<String> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("create {}", self.data_dir.display()))?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("safegrid.sqlite").display()
        ))
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(
            &p,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/sg\"\nlang = \"en\"\n",
        )
        .unwrap();
        let c = Config::load(&Overrides {
            config: Some(p.clone()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (c.listen.as_str(), c.data_dir.to_str().unwrap(), c.lang),
            ("0.0.0.0:9000", "/srv/sg", Lang::En)
        );
        let c = Config::load(&Overrides {
            config: Some(p),
            listen: Some("127.0.0.1:1".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:1");
        let c = Config::load(&Overrides::default()).unwrap();
        assert_eq!((c.listen.as_str(), c.lang), ("127.0.0.1:8080", Lang::Zh));
    }

    #[test]
    fn unknown_config_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "lisen = \"x\"\n").unwrap();
        assert!(
            Config::load(&Overrides {
                config: Some(p),
                ..Default::default()
            })
            .is_err()
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://sg:secret@db:5432/sg"),
            "postgres://sg:***@db:5432/sg"
        );
        assert_eq!(redact("sqlite://x.sqlite"), "sqlite://x.sqlite");
    }
}
