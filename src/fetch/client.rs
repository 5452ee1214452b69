//! Talking to the UN Comtrade API politely: one request at a time at a capped rate, a daily
//! cap kept across runs, 429 and `Retry-After` honoured, back-off with jitter on server and
//! network errors, and each answer checked whole before it is used.
//!
//! The HTTP client is the reqwest (hyper, rustls with ring, system root certificates) that
//! polars already builds, driven by a current-thread tokio runtime: reqwest's `blocking`
//! feature, or another client, would switch on features polars shares and rebuild polars.

use std::time::{Duration, Instant};

use super::cache::{Cache, now_utc};
use super::{Endpoint, Progress};
use crate::error::{Error, Result};

/// The answer of one request, checked: every record the envelope announced.
pub struct Answer {
    pub records: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Settings of the politeness rules.
#[derive(Debug, Clone)]
pub struct Politeness {
    /// Least time between two requests (the API allows about one a second).
    pub min_interval: Duration,
    /// Requests per UTC day, counted across runs in the cache (500 on the free tier).
    pub max_per_day: u64,
    /// Attempts per request for errors that may pass (429, 5xx, network, truncated body).
    pub attempts: u32,
    /// First back-off delay; doubled per attempt, with jitter, at most a minute.
    pub backoff: Duration,
    /// Longest `Retry-After` waited out; a longer one is a quota to come back for later.
    pub max_retry_after: Duration,
    /// Connect and read timeout.
    pub timeout: Duration,
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            min_interval: Duration::from_secs(1),
            max_per_day: 500,
            attempts: 6,
            backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(300),
            timeout: Duration::from_secs(120),
        }
    }
}

/// One client for a fetch.
pub struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    base: String,
    key: Option<super::ApiKey>,
    rules: Politeness,
    last: Option<Instant>,
    /// Requests sent by this run (every attempt counts).
    pub sent: u64,
}

/// What one attempt came to.
enum Attempt<T> {
    Done(T),
    /// May pass: wait (the server's `Retry-After`, or back off) and try again.
    Again {
        why: String,
        retry_after: Option<Duration>,
    },
}

impl Client {
    pub fn new(base: &str, key: Option<super::ApiKey>, rules: Politeness) -> Result<Client> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Network(format!("cannot start the HTTP client: {e}")))?;
        // reqwest's connector needs the runtime's context when it is built.
        let _context = runtime.enter();
        let http = reqwest::Client::builder()
            .user_agent(concat!("tradestat/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(rules.timeout)
            .read_timeout(rules.timeout)
            .build()
            .map_err(|e| Error::Network(format!("cannot start the HTTP client: {e}")))?;
        Ok(Client {
            runtime,
            http,
            base: base.trim_end_matches('/').to_string(),
            key,
            rules,
            last: None,
            sent: 0,
        })
    }

    /// GET `request` (path and query, no key), with the rules above. `cap` is the row cap
    /// asked for: an answer at the cap is returned as it is; the caller splits the part.
    pub fn get(
        &mut self,
        request: &str,
        endpoint: Endpoint,
        cache: &Cache,
        progress: &dyn Progress,
    ) -> Result<Answer> {
        self.with_retries(request, cache, progress, |c| c.attempt(request, endpoint))
    }

    /// GET a file (a bulk file of the data API) whole, with the rules above; `check` says
    /// whether the bytes are the whole file (`Err(why)`: cut off or damaged, fetched again, and
    /// after the last attempt refused with `why`).
    pub fn get_file(
        &mut self,
        request: &str,
        cache: &Cache,
        progress: &dyn Progress,
        check: &dyn Fn(&[u8]) -> std::result::Result<(), String>,
    ) -> Result<Vec<u8>> {
        self.with_retries(request, cache, progress, |c| {
            Ok(match c.send(request, Endpoint::Data, "*/*")? {
                Attempt::Done(body) => match check(&body) {
                    Ok(()) => Attempt::Done(body),
                    Err(why) => Attempt::Again {
                        why,
                        retry_after: None,
                    },
                },
                Attempt::Again { why, retry_after } => Attempt::Again { why, retry_after },
            })
        })
    }

    /// Run `attempt` until it is done, an error that will not pass, or the attempts run out;
    /// waiting out `Retry-After` or backing off between attempts.
    fn with_retries<T>(
        &mut self,
        request: &str,
        cache: &Cache,
        progress: &dyn Progress,
        attempt_once: impl Fn(&Self) -> Result<Attempt<T>>,
    ) -> Result<T> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.before_request(cache, progress)?;
            let why = match attempt_once(self)? {
                Attempt::Done(a) => return Ok(a),
                Attempt::Again { why, retry_after } => {
                    if attempt >= self.rules.attempts {
                        return Err(Error::Network(format!(
                            "{request}: {why}, {attempt} attempts; the parts fetched so far are \
                             cached: run the same command again later to resume"
                        )));
                    }
                    let wait = match retry_after {
                        Some(w) if w > self.rules.max_retry_after => {
                            return Err(Error::Quota(format!(
                                "the API asks to wait {} s before the next request ({why}); the \
                                 parts fetched so far are cached: run the same command again \
                                 after that to resume",
                                w.as_secs()
                            )));
                        }
                        Some(w) => w,
                        None => self.backoff(attempt),
                    };
                    (why, wait)
                }
            };
            progress.waiting(why.1, &why.0);
            std::thread::sleep(why.1);
        }
    }

    /// Back-off before attempt `attempt + 1`: base x 2^(attempt-1), times 0.5..1.5 (jitter, so
    /// that clients that failed together do not retry together), at most a minute.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.rules.backoff.as_secs_f64() * 2f64.powi(attempt.saturating_sub(1) as i32);
        Duration::from_secs_f64((base * (0.5 + jitter())).min(60.0))
    }

    /// Hold the rate (least interval since the last request) and the daily cap.
    fn before_request(&mut self, cache: &Cache, progress: &dyn Progress) -> Result<()> {
        let day = &now_utc()[..10];
        let made = cache.requests_on(day);
        if made >= self.rules.max_per_day {
            return Err(Error::Quota(format!(
                "{made} requests to the Comtrade API today ({day}, UTC) reach the daily cap of {} \
                 (--max-per-day); the parts fetched so far are cached: run the same command \
                 tomorrow to resume, or raise --max-per-day if your subscription allows more",
                self.rules.max_per_day
            )));
        }
        if let Some(last) = self.last {
            let next = last + self.rules.min_interval;
            let now = Instant::now();
            if next > now {
                progress.waiting(next - now, "rate limit");
                std::thread::sleep(next - now);
            }
        }
        self.last = Some(Instant::now());
        cache.count_request(day)?;
        self.sent += 1;
        Ok(())
    }

    fn attempt(&self, request: &str, endpoint: Endpoint) -> Result<Attempt<Answer>> {
        let body = match self.send(request, endpoint, "application/json")? {
            Attempt::Done(b) => b,
            Attempt::Again { why, retry_after } => {
                return Ok(Attempt::Again { why, retry_after });
            }
        };
        let message = api_message(&body);
        let again = |why: String| {
            Ok(Attempt::Again {
                why,
                retry_after: None,
            })
        };
        let envelope: Envelope = match serde_json::from_slice(&body) {
            Ok(e) => e,
            // A cut-off body does not parse: fetch it again.
            Err(e) => return again(format!("the answer is not whole JSON ({e})")),
        };
        if let Some(err) = envelope
            .error
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            return Err(Error::Api(format!(
                "the Comtrade API answered {request} with an error: {err}; check the query \
                 (tradestat fetch --dry-run shows the requests)"
            )));
        }
        let data = envelope.data.ok_or_else(|| {
            Error::Api(format!(
                "{request}: the answer has no \"data\" array{}",
                if message.is_empty() {
                    String::new()
                } else {
                    format!(" ({message})")
                }
            ))
        })?;
        if let Some(count) = envelope.count
            && count != data.len() as u64
        {
            return again(format!(
                "the answer announced {count} records and held {}",
                data.len()
            ));
        }
        Ok(Attempt::Done(Answer { records: data }))
    }

    /// One GET: the body of a 200, an attempt to repeat (429, 5xx, network, a body cut off
    /// before its Content-Length), or an error that will not pass (key, quota, 4xx).
    fn send(&self, request: &str, endpoint: Endpoint, accept: &str) -> Result<Attempt<Vec<u8>>> {
        let url = format!("{}{request}", self.base);
        let mut req = self.http.get(&url).header("Accept", accept);
        if let (Endpoint::Data, Some(k)) = (endpoint, &self.key) {
            // The key travels in a header only: URLs end up in caches, manifests and messages.
            req = req.header("Ocp-Apim-Subscription-Key", k.expose());
        }
        let again = |why: String| {
            Ok(Attempt::Again {
                why,
                retry_after: None,
            })
        };
        let resp = match self.runtime.block_on(async { req.send().await }) {
            Ok(r) => r,
            // reqwest's messages name the URL, which holds no key.
            Err(e) => return again(format!("network error: {}", error_chain(&e))),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = match self.runtime.block_on(async { resp.bytes().await }) {
            Ok(b) => b,
            Err(e) => {
                return again(format!(
                    "the connection broke during the answer: {}",
                    error_chain(&e)
                ));
            }
        };
        let message = api_message(&body);
        let quota = message.to_ascii_lowercase().contains("quota");
        match status {
            200 => {}
            429 if quota && retry_after.is_none() => {
                return Err(Error::Quota(format!(
                    "the Comtrade API says: {message}; the parts fetched so far are cached: run \
                     the same command again when the quota is replenished"
                )));
            }
            429 => {
                return Ok(Attempt::Again {
                    why: "HTTP 429 Too Many Requests".into(),
                    retry_after,
                });
            }
            401 | 403 if quota => {
                return Err(Error::Quota(format!(
                    "the Comtrade API says (HTTP {status}): {message}; the parts fetched so far \
                     are cached: run the same command again when the quota is replenished"
                )));
            }
            401 | 403 => {
                let what = if self.key.is_some() && endpoint == Endpoint::Data {
                    "refused the subscription key: check COMTRADE_API_KEY (or comtrade_api_key \
                     in the config file) against your key at comtradedeveloper.un.org, or use \
                     --preview for the public preview (no key, 500 rows a request)"
                } else {
                    "refused the request without a key: set COMTRADE_API_KEY to your \
                     subscription key (free at comtradedeveloper.un.org)"
                };
                return Err(Error::ApiKey(format!(
                    "the Comtrade API {what} (HTTP {status}{})",
                    if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    }
                )));
            }
            // A server error may pass; a Retry-After with it (503) says when.
            500..=599 => {
                return Ok(Attempt::Again {
                    why: format!("HTTP {status} from the server"),
                    retry_after,
                });
            }
            _ => {
                return Err(Error::Api(format!(
                    "{request}: HTTP {status}{}; check the query (tradestat fetch --dry-run shows \
                     the requests)",
                    if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    }
                )));
            }
        }
        Ok(Attempt::Done(body.to_vec()))
    }
}

/// The documented envelope: `{"elapsedTime", "count", "data": [...], "error"}`.
#[derive(serde::Deserialize)]
struct Envelope {
    count: Option<u64>,
    data: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    #[serde(default, deserialize_with = "lenient_string")]
    error: Option<String>,
}

/// The `error` field as text, whatever its JSON type.
fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v: Option<serde_json::Value> = serde::Deserialize::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// The message of an error answer: the JSON `error`/`message` field, else the text (short).
fn api_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        for k in ["error", "message", "Message", "statusMessage"] {
            if let Some(s) = v.get(k).and_then(|m| m.as_str())
                && !s.trim().is_empty()
            {
                return clip(s.trim());
            }
        }
        return String::new();
    }
    clip(String::from_utf8_lossy(body).trim())
}

fn clip(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).take(300).collect();
    s
}

/// The messages of an error and its causes, joined.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// `Retry-After`: seconds, or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let parts: Vec<&str> = v.split_whitespace().collect();
    let [_, d, mon, y, hms, _] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| x == mon)? as u32 + 1;
    let mut t = hms.split(':').map(|x| x.parse::<i64>().ok());
    let (h, mi, s) = (t.next()??, t.next()??, t.next()??);
    let days = super::cache::days_from_civil(y.parse().ok()?, m, d.parse().ok()?);
    let at = days * 86_400 + h * 3600 + mi * 60 + s;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64;
    Some(Duration::from_secs((at - now).max(0) as u64))
}

/// A number in [0, 1) that differs between calls and processes (for jitter; not for secrets).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
        // A date in the past is no wait at all.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let far = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT").unwrap();
        assert!(far > Duration::from_secs(365 * 86_400));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn jitter_spreads_the_back_off() {
        let xs: Vec<f64> = (0..200).map(|_| jitter()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((0.3..0.7).contains(&mean), "{mean}");
        assert!(xs.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn error_messages_come_from_the_json() {
        assert_eq!(
            api_message(br#"{"error": "Invalid reporterCode"}"#),
            "Invalid reporterCode"
        );
        assert_eq!(
            api_message(br#"{"statusCode": 403, "message": "Out of call volume quota."}"#),
            "Out of call volume quota."
        );
        assert_eq!(api_message(b"Bad gateway\r\n"), "Bad gateway");
    }
}
