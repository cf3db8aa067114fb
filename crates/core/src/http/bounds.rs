//! How long the app waits for a SCIM endpoint, in one place: the bound Entra's provisioning
//! service itself puts on an endpoint's answer, used by Diagnose's replay of Entra's calls and
//! by every SCIM check on the setup path (the pasted or fetched Tenant URL, token rotation,
//! preview and the "Arrived in Unity" read-back), so both give up on the same endpoint alike.

use std::time::Duration;

use super::HttpConfig;

/// Tightens the bounds for tests and slow-network experiments: `PER_CALL,TRIES,DEADLINE`, in
/// seconds (decimals allowed), e.g. `2,3,6`. Values can only tighten Entra's bound, never loosen it.
pub const SCIM_BOUNDS_ENV: &str = "SCIM_SETUP_SCIM_BOUNDS";

/// The time budget of one SCIM check: each call's timeout, how many tries, and the overall
/// deadline no try or retry wait may run past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScimBounds {
    /// One call, from sending to the last byte of the answer.
    pub per_call: Duration,
    /// Tries in all, the first included, for a failure worth another try (a refused
    /// connection, a 429 or 5xx, or a timeout when the deadline leaves room).
    pub tries: u32,
    /// The whole check, tries and waits together.
    pub deadline: Duration,
}

impl ScimBounds {
    /// Entra's own bound: an endpoint must answer within 60 seconds. Microsoft states it in a
    /// Microsoft employee's accepted answer on Microsoft Q&A ("A requirement for SCIM endpoints
    /// to work with Azure AD provisioning is the ability to provide responses within 60
    /// seconds", <https://learn.microsoft.com/en-us/answers/questions/1151866/azure-ad-scim-attempting-to-create-the-same-user-r>);
    /// no learn.microsoft.com documentation page states the number. The deadline equals it: the
    /// app never waits longer for an endpoint than Entra would before it calls the endpoint
    /// unavailable, so a silent endpoint costs 60 s, once; the extra tries are for quick
    /// failures (a 503 with a short `Retry-After`, a refused connection).
    pub const ENTRA: ScimBounds = ScimBounds {
        per_call: Duration::from_secs(60),
        tries: 3,
        deadline: Duration::from_secs(60),
    };

    /// Entra's bound, tightened by [`SCIM_BOUNDS_ENV`] when it is set and reads as three
    /// positive numbers; an unreadable value is ignored (Entra's bound stays).
    pub fn from_env() -> Self {
        std::env::var(SCIM_BOUNDS_ENV)
            .ok()
            .and_then(|text| Self::parse(&text))
            .map(|asked| Self::ENTRA.tightened_by(&asked))
            .unwrap_or(Self::ENTRA)
    }

    /// `PER_CALL,TRIES,DEADLINE` in seconds, or `None` when it does not read as three
    /// positive numbers.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let [per_call, tries, deadline] = parts.as_slice() else {
            return None;
        };
        let seconds = |text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                .map(Duration::from_secs_f64)
        };
        Some(Self {
            per_call: seconds(per_call)?,
            tries: tries.parse::<u32>().ok().filter(|t| (1..=10).contains(t))?,
            deadline: seconds(deadline)?,
        })
    }

    /// The stricter of `self` and `other`, bound by bound.
    pub fn tightened_by(&self, other: &ScimBounds) -> ScimBounds {
        ScimBounds {
            per_call: self.per_call.min(other.per_call),
            tries: self.tries.min(other.tries),
            deadline: self.deadline.min(other.deadline),
        }
    }

    /// These bounds tightened by what `config` allows (the app's request timeout setting, a
    /// test's short timeouts), as a config for the SCIM endpoint's calls; backoff, connect
    /// timeout and `Retry-After` cap come from `config`.
    pub fn within(&self, config: &HttpConfig) -> HttpConfig {
        let bounds = self.tightened_by(&ScimBounds {
            per_call: config.total_timeout,
            tries: config.max_attempts.max(1),
            deadline: config.deadline,
        });
        HttpConfig {
            connect_timeout: config.connect_timeout.min(bounds.per_call),
            total_timeout: bounds.per_call,
            max_attempts: bounds.tries,
            deadline: bounds.deadline,
            service: Some("the SCIM endpoint"),
            ..config.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_bound_caps_every_other_bound() {
        // Whatever a setting or the environment asks, the result is never looser than Entra's.
        for asked in ["120,5,600", "1,1,1", "2.5,3,6", "90,2,30", "30,9,45"] {
            let asked = ScimBounds::parse(asked).expect(asked);
            let bounds = ScimBounds::ENTRA.tightened_by(&asked);
            assert!(bounds.per_call <= ScimBounds::ENTRA.per_call, "{bounds:?}");
            assert!(bounds.tries <= ScimBounds::ENTRA.tries, "{bounds:?}");
            assert!(bounds.deadline <= ScimBounds::ENTRA.deadline, "{bounds:?}");
            assert!(bounds.per_call <= asked.per_call && bounds.deadline <= asked.deadline);
        }
    }

    #[test]
    fn unreadable_bounds_are_refused() {
        for text in [
            "", "5", "5,3", "5,3,6,7", "x,3,6", "5,0,6", "5,3,-1", "0,3,6", "5,3,NaN", "5,1.5,6",
            "5,3,inf",
        ] {
            assert_eq!(ScimBounds::parse(text), None, "{text:?}");
        }
        assert_eq!(
            ScimBounds::parse(" 2 , 3 , 6.5 "),
            Some(ScimBounds {
                per_call: Duration::from_secs(2),
                tries: 3,
                deadline: Duration::from_millis(6500),
            })
        );
    }

    #[test]
    fn a_stricter_app_setting_tightens_the_scim_bounds() {
        let config = HttpConfig {
            total_timeout: Duration::from_secs(5),
            max_attempts: 2,
            deadline: Duration::from_secs(300),
            ..HttpConfig::default()
        };
        let scim = ScimBounds::ENTRA.within(&config);
        assert_eq!(scim.total_timeout, Duration::from_secs(5));
        assert_eq!(scim.max_attempts, 2);
        assert_eq!(scim.deadline, Duration::from_secs(60));
        let default = ScimBounds::ENTRA.within(&HttpConfig::default());
        assert_eq!(default.total_timeout, Duration::from_secs(60));
        assert_eq!(default.deadline, Duration::from_secs(60));
        assert_eq!(default.max_attempts, 3);
    }
}
