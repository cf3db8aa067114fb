//! Reading an answer's body as a bounded stream: chunks are counted as they arrive and the
//! read stops at the limit for the kind of answer, so a server cannot make the app hold more
//! than that in memory, and a truncated body is never parsed.

const MIB: usize = 1024 * 1024;

/// What kind of answer a request expects, which sets how large its body may be. The limits
/// come from what the services send at most, with room to spare, so no honest answer is near
/// them and no hostile one costs more than a few tens of MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerKind {
    /// An OAuth token answer (RFC 6749 section 5.1): an access token, a refresh token and an
    /// id token, each a few KB. 1 MiB.
    Token,
    /// One resource (a SCIM user, a Graph object, a job, a schema): tens of KB, a
    /// synchronization schema a few hundred. 8 MiB, the default.
    #[default]
    Resource,
    /// One page of a collection: a Graph page holds at most 999 items
    /// (https://learn.microsoft.com/graph/paging) of a few KB each, provisioning log pages
    /// and the SCIM list pages the engine asks for (`count` of at most a few hundred,
    /// RFC 7644 section 3.4.2.4) are smaller. 32 MiB.
    Page,
}

impl AnswerKind {
    /// The most bytes a body of this kind may have.
    pub fn limit_bytes(self) -> usize {
        match self {
            AnswerKind::Token => MIB,
            AnswerKind::Resource => 8 * MIB,
            AnswerKind::Page => 32 * MIB,
        }
    }

    /// The kind in words, for the cause of a too-large answer ("a list page").
    pub fn describe(self) -> &'static str {
        match self {
            AnswerKind::Token => "a sign-in token answer",
            AnswerKind::Resource => "a single resource",
            AnswerKind::Page => "a list page",
        }
    }
}

/// An error answer (HTTP 4xx or 5xx) is a message for people: Graph's, Entra's, a SCIM
/// error (RFC 7644 section 3.12) are a few KB. 1 MiB, whatever the kind asked for.
pub const ERROR_BODY_LIMIT: usize = MIB;

/// The limit for an answer of `kind` with `status`: error answers get [`ERROR_BODY_LIMIT`].
pub fn limit_for(kind: AnswerKind, status: u16) -> usize {
    if status >= 400 {
        kind.limit_bytes().min(ERROR_BODY_LIMIT)
    } else {
        kind.limit_bytes()
    }
}

/// Why a body could not be read whole.
#[derive(Debug)]
pub enum BodyError {
    /// The body is (or says it is, in `Content-Length`) longer than `limit` bytes; what
    /// arrived was dropped.
    TooLarge { limit: usize },
    /// The connection failed or timed out while the body arrived.
    Transport(reqwest::Error),
}

/// The body of `response`, read chunk by chunk; stops with [`BodyError::TooLarge`] as soon as
/// it (or its announced `Content-Length`) passes `limit` bytes, holding at most `limit` bytes
/// plus one chunk. The connection is dropped then, so the server stops sending.
pub async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|announced| announced > limit as u64)
    {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `limit` bytes in MB for people, e.g. "32 MB" (MiB, rounded up).
pub fn megabytes(limit: usize) -> String {
    format!("{} MB", limit.div_ceil(MIB))
}
