//! A token bucket per client address, in memory only (nothing of it is stored): each POST takes
//! a token; a client with none left is answered 429 with the seconds until its next one.

use super::limits::{MAX_CLIENTS, RATE_BURST, RATE_PER_SECOND};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct RateLimit {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    burst: f64,
    per_second: f64,
    max_clients: usize,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new(RATE_BURST, RATE_PER_SECOND, MAX_CLIENTS)
    }
}

impl RateLimit {
    pub fn new(burst: f64, per_second: f64, max_clients: usize) -> Self {
        RateLimit {
            buckets: Mutex::new(HashMap::new()),
            burst,
            per_second,
            max_clients,
        }
    }

    /// Takes a token of `client`'s bucket: `Ok`, or `Err(seconds)` to wait for the next one.
    pub fn take(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !buckets.contains_key(&client) && buckets.len() >= self.max_clients {
            // Clients whose bucket has filled up again are as if never seen: drop them.
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, b| b.tokens + rate * now.duration_since(b.at).as_secs_f64() < burst);
            if buckets.len() >= self.max_clients {
                return Err(1);
            }
        }
        let b = buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_rate_per_client() {
        let r = RateLimit::new(3.0, 2.0, 10);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "::1".parse().unwrap());
        let t = Instant::now();
        assert!((0..3).all(|_| r.take(a, t).is_ok()));
        assert_eq!(r.take(a, t), Err(1));
        assert!(r.take(b, t).is_ok(), "another client has its own bucket");
        assert!(r.take(a, t + Duration::from_millis(500)).is_ok());
        assert!(r.take(a, t + Duration::from_millis(500)).is_err());
    }

    #[test]
    fn clients_past_the_cap_wait_until_a_bucket_is_full_again() {
        let r = RateLimit::new(2.0, 1.0, 2);
        let ip = |n: u8| IpAddr::from([10, 0, 0, n]);
        let t = Instant::now();
        assert!(r.take(ip(1), t).is_ok() && r.take(ip(2), t).is_ok());
        assert_eq!(r.take(ip(3), t), Err(1));
        // After two seconds the first two buckets are full: forgotten, room for the third.
        assert!(r.take(ip(3), t + Duration::from_secs(2)).is_ok());
    }
}
