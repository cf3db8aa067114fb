//! Keeps the bearer token out of everything a diagnosis produces: every string of a report or
//! a progress event passes through the engine's one gate (`crate::gate`: secrets redacted,
//! control and bidi characters removed, length bounded), whatever field it sits in, so a
//! server that echoes the token back or sends escape sequences cannot reach a face.

use serde::{de::DeserializeOwned, Serialize};

use crate::gate::gate_serde;
use crate::Secret;

/// A value that can be shown with all its quoted text dropped, for when redaction cannot
/// vouch for it (fail closed).
pub(crate) trait Withhold {
    fn withheld(self) -> Self;
}

/// The diagnosis' handle on the redactor: names the token by its last four (`hint`) and
/// redacts every string of a check or report. Holds no copy of the token.
pub(crate) struct Redactor {
    hint: String,
}

impl Redactor {
    /// `token` is registered with the engine's redactor (a `Secret` is on creation; again
    /// here so the diagnosis never depends on how its token was made).
    pub(crate) fn new(token: &Secret) -> Self {
        crate::redact::register(token.expose());
        Self {
            hint: token.to_string(),
        }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        crate::gate::block(text)
    }

    pub(crate) fn hint(&self) -> &str {
        &self.hint
    }

    /// The last line of defence: every string anywhere in a report or a progress event goes
    /// through the redactor, whichever field it sits in. When that cannot be done, the item's
    /// quoted text is dropped ([`Withhold`]), never passed through.
    pub(crate) fn redact_all<T: Serialize + DeserializeOwned + Withhold>(&self, item: T) -> T {
        match gate_serde(&item) {
            Ok(clean) => clean,
            Err(_) => item.withheld(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactor_removes_every_form_of_the_token() {
        let token = Secret::new("Bearer abc/def+ghi\"jkl-7Q2a");
        let redactor = Redactor::new(&token);
        let text = "echo: Bearer abc/def+ghi\"jkl-7Q2a and abc/def+ghi\"jkl-7Q2a and \
                    abc\\/def+ghi\\\"jkl-7Q2a and abc%2Fdef%2Bghi%22jkl-7Q2a";
        let redacted = redactor.redact(text);
        assert!(!redacted.contains("def+ghi"), "{redacted}");
        assert!(!redacted.contains("def%2Bghi"), "{redacted}");
        assert_eq!(redactor.hint(), "…7Q2a");
    }
}
