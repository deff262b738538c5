//! Server configuration: secrets (HMAC keys with ids, the person-key secret, the admin token) and
//! the admission, overload and embedding settings.
//!
//! Secrets come from the environment (`FAIRLINE_HMAC_KEYS="k2:HEX,k1:HEX"` — the first signs —,
//! `FAIRLINE_PERSON_KEY=HEX`, `FAIRLINE_ADMIN_TOKEN=…`), or from a JSON file named by
//! `FAIRLINE_SECRETS_FILE`; otherwise they are generated once and kept in `DATA/secrets.json`
//! (readable by the owner only), so a restart keeps every ticket valid.

use std::{net::IpAddr, path::Path, time::Duration};

use anyhow::{bail, Context};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::{
    signing::{Keyring, SigningKey},
    store::JoinCommit,
};

/// Secrets as written in a secrets file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecretsFile {
    /// HMAC keys, newest (signing) first: `[{"id": "k1", "hex": "…"}]`.
    pub hmac_keys: Vec<HexKey>,
    /// Hex secret for person-key hashing.
    pub person_key_hex: String,
    /// Bearer token for the admin endpoints.
    pub admin_token: String,
}

/// A key id and its secret in hex.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HexKey {
    /// Key id.
    pub id: String,
    /// Secret, hex.
    pub hex: String,
}

/// Loaded secrets.
#[derive(Clone)]
pub struct Secrets {
    /// Ticket and admission keys.
    pub keyring: Keyring,
    /// Secret for the keyed hash of a person's identity.
    pub person_key: Vec<u8>,
    /// Admin bearer token.
    pub admin_token: String,
}

impl Secrets {
    /// The secrets of one campaign: signing keys and the person key derived for `campaign_id`
    /// (a ticket or admission of one campaign verifies in no other, and a person's key hash
    /// differs between campaigns); the admin token stays the deployment's.
    pub fn for_campaign(&self, campaign_id: &str) -> Self {
        Self {
            keyring: self.keyring.scoped(campaign_id),
            person_key: crate::signing::scoped_secret(&self.person_key, campaign_id),
            admin_token: self.admin_token.clone(),
        }
    }

    /// From the environment, a named file, or `data_dir/secrets.json` (generated if missing).
    pub fn load(data_dir: &Path) -> anyhow::Result<Self> {
        if let Ok(keys) = std::env::var("FAIRLINE_HMAC_KEYS") {
            let hmac_keys = keys
                .split(',')
                .map(|pair| {
                    let (id, hex) = pair
                        .split_once(':')
                        .context("FAIRLINE_HMAC_KEYS wants id:hex,…")?;
                    Ok(HexKey {
                        id: id.trim().to_owned(),
                        hex: hex.trim().to_owned(),
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let file = SecretsFile {
                hmac_keys,
                person_key_hex: std::env::var("FAIRLINE_PERSON_KEY")
                    .context("FAIRLINE_PERSON_KEY is required with FAIRLINE_HMAC_KEYS")?,
                admin_token: std::env::var("FAIRLINE_ADMIN_TOKEN")
                    .context("FAIRLINE_ADMIN_TOKEN is required with FAIRLINE_HMAC_KEYS")?,
            };
            return Self::from_file(file);
        }
        let path = match std::env::var_os("FAIRLINE_SECRETS_FILE") {
            Some(path) => path.into(),
            None => data_dir.join("secrets.json"),
        };
        if !path.exists() {
            let generated = Self::generate();
            let text = serde_json::to_string_pretty(&generated)?;
            write_private(&path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read secrets file {}", path.display()))?;
        let file: SecretsFile = serde_json::from_str(&text)
            .with_context(|| format!("secrets file {} is not valid", path.display()))?;
        Self::from_file(file)
    }

    /// Fresh random secrets.
    pub fn generate() -> SecretsFile {
        SecretsFile {
            hmac_keys: vec![HexKey {
                id: "k1".into(),
                hex: random_hex(32),
            }],
            person_key_hex: random_hex(32),
            admin_token: random_hex(24),
        }
    }

    /// Checks and decodes a secrets file.
    pub fn from_file(file: SecretsFile) -> anyhow::Result<Self> {
        let keys = file
            .hmac_keys
            .iter()
            .map(|key| {
                Ok(SigningKey {
                    id: key.id.clone(),
                    secret: decode_hex(&key.hex)
                        .with_context(|| format!("HMAC key {} is not hex", key.id))?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let Some(keyring) = Keyring::new(keys) else {
            bail!("at least one HMAC key of 16 bytes or more is required");
        };
        let person_key = decode_hex(&file.person_key_hex).context("the person key is not hex")?;
        if person_key.len() < 16 || file.admin_token.len() < 16 {
            bail!("the person key and the admin token must be at least 16 bytes");
        }
        Ok(Self {
            keyring,
            person_key,
            admin_token: file.admin_token,
        })
    }
}

/// How the waiting room admits people and protects itself: the `serve` command's tuning options
/// and their defaults, declared once here (`Tuning::default()` is what the command line gives
/// when no option is written). Fields marked `skip` are not options.
#[derive(Debug, Clone, clap::Args)]
pub struct Tuning {
    /// Admissions per second.
    #[arg(long = "admit-rate", value_name = "PER_SECOND", default_value_t = 5.0, value_parser = admit_rate)]
    pub admit_rate_per_s: f64,
    /// At most this many admitted, unfinished sessions.
    #[arg(long = "max-active", value_name = "COUNT", default_value_t = 500)]
    pub max_active_admissions: u32,
    /// How long an admission lasts before it must be used or extended.
    #[arg(skip = Duration::from_secs(300))]
    pub admission_ttl: Duration,
    /// How many times an admission may be extended.
    #[arg(skip = 2u32)]
    pub max_extensions: u32,
    /// How long after a rank is reached its holder may still claim the admission.
    #[arg(skip = Duration::from_secs(900))]
    pub claim_window: Duration,
    /// Concurrency bound for cacheable reads (campaign, state, sites).
    #[arg(skip = 1024usize)]
    pub read_concurrency: usize,
    /// Concurrent joins before 503.
    #[arg(long = "join-concurrency", value_name = "COUNT", default_value_t = 128)]
    pub join_concurrency: usize,
    /// Concurrency bound for admitted users (admit, extend, book, lookup, cancel).
    #[arg(skip = 128usize)]
    pub booking_concurrency: usize,
    /// Joins one client may burst before 429.
    #[arg(long = "join-burst", value_name = "COUNT", default_value_t = 10)]
    pub join_burst: u32,
    /// Joins per second a client regains.
    #[arg(skip = 0.5f64)]
    pub join_refill_per_s: f64,
    /// Trust `X-Forwarded-For` from this proxy address only.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    pub trusted_proxy: Option<IpAddr>,
    /// A partner origin allowed to call the API from a browser (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,
    /// `max-age` of the queue state document, seconds (1–5).
    #[arg(skip = 2u32)]
    pub state_max_age_s: u32,
    /// Group-commit joins (`on`, the default: joins arriving while a commit is under way share
    /// one transaction) or commit each join alone (`off`).
    #[arg(long = "join-batch", value_name = "on|off", default_value = "on", value_parser = join_batch)]
    pub join_commit: JoinCommit,
}

/// `--join-batch on|off`.
fn join_batch(text: &str) -> Result<JoinCommit, String> {
    match text {
        "on" => Ok(JoinCommit::Grouped),
        "off" => Ok(JoinCommit::OnePerJoin),
        _ => Err("must be on or off".to_owned()),
    }
}

impl Default for Tuning {
    /// The command line's defaults.
    fn default() -> Self {
        #[derive(clap::Parser)]
        struct Defaults {
            #[command(flatten)]
            tuning: Tuning,
        }
        <Defaults as clap::Parser>::try_parse_from(["fairline-server"])
            .unwrap_or_else(|error| error.exit())
            .tuning
    }
}

/// Highest admission rate, per second (the command line and operators alike).
pub const MAX_ADMIT_RATE_PER_S: f64 = 100_000.0;

/// `--admit-rate`: above 0 and at most [`MAX_ADMIT_RATE_PER_S`].
fn admit_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate > 0.0 && rate <= MAX_ADMIT_RATE_PER_S => Ok(rate),
        _ => Err("must be above 0 and at most 100000".to_owned()),
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    fairline_core::wire::to_hex(&buffer)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    crate::signing::from_hex(text.trim())
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_persist_and_reload_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let first = Secrets::load(dir.path()).unwrap();
        let second = Secrets::load(dir.path()).unwrap();
        assert_eq!(first.admin_token, second.admin_token);
        assert_eq!(first.person_key, second.person_key);
        assert_eq!(first.keyring.signing_key_id(), "k1");
    }

    #[test]
    fn defaults_are_the_command_line_defaults() {
        let tuning = Tuning::default();
        assert_eq!(tuning.admit_rate_per_s, 5.0);
        assert_eq!(tuning.max_active_admissions, 500);
        assert_eq!(tuning.join_burst, 10);
        assert_eq!(tuning.join_concurrency, 128);
        assert_eq!(tuning.admission_ttl, Duration::from_secs(300));
        assert_eq!(tuning.claim_window, Duration::from_secs(900));
        assert!(tuning.allowed_origins.is_empty() && tuning.trusted_proxy.is_none());
        assert!(admit_rate("0").is_err() && admit_rate("100001").is_err());
        assert_eq!(admit_rate("12.5"), Ok(12.5));
    }

    #[test]
    fn short_or_malformed_secrets_are_refused() {
        let mut file = Secrets::generate();
        file.hmac_keys[0].hex = "abcd".into();
        assert!(Secrets::from_file(file).is_err());
        let mut file = Secrets::generate();
        file.person_key_hex = "not hex".into();
        assert!(Secrets::from_file(file).is_err());
    }
}
