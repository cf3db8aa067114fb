//! The one way the steps create something remote without ever creating it twice: when a
//! create fails in a way that leaves it unknown whether the service made the thing (a lost
//! answer, a name taken meanwhile), look again before anything else, and only then fail.

use std::future::Future;

use crate::problem::{Problem, ProblemKind};

/// Runs `create`; when it fails with one of `look_again_on`, runs `find_again` and takes
/// what it finds instead of failing.
///
/// Returns the thing and whether this call created it (`true` only when `create`
/// succeeded). Errors: `create`'s problem when its kind is not in `look_again_on` or when
/// `find_again` finds nothing; `find_again`'s own problem when the second look fails.
pub async fn create_or_find_again<T, Found>(
    create: impl Future<Output = Result<T, Problem>>,
    look_again_on: &[ProblemKind],
    find_again: impl FnOnce() -> Found,
) -> Result<(T, bool), Problem>
where
    Found: Future<Output = Result<Option<T>, Problem>>,
{
    match create.await {
        Ok(made) => Ok((made, true)),
        Err(problem) if look_again_on.contains(&problem.kind()) => match find_again().await? {
            Some(found) => Ok((found, false)),
            None => Err(problem),
        },
        Err(problem) => Err(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOST_ANSWER: [ProblemKind; 2] = [ProblemKind::Timeout, ProblemKind::Unreachable];

    fn timeout() -> Problem {
        Problem::timeout("Creating", "No answer.", "Try again.")
    }

    #[tokio::test]
    async fn a_create_that_worked_is_not_looked_up() {
        let made = create_or_find_again(async { Ok(1) }, &LOST_ANSWER, || async {
            panic!("no second look after a create that worked")
        })
        .await
        .expect("created");
        assert_eq!(made, (1, true));
    }

    #[tokio::test]
    async fn a_lost_answer_takes_what_the_second_look_finds() {
        let found = create_or_find_again(async { Err(timeout()) }, &LOST_ANSWER, || async {
            Ok(Some(7))
        })
        .await
        .expect("found");
        assert_eq!(found, (7, false));
    }

    #[tokio::test]
    async fn nothing_found_again_keeps_the_create_problem() {
        let err = create_or_find_again(async { Err::<u8, _>(timeout()) }, &LOST_ANSWER, || async {
            Ok(None)
        })
        .await
        .expect_err("nothing found");
        assert_eq!(err, timeout());
    }

    #[tokio::test]
    async fn a_second_look_that_fails_says_why() {
        let err = create_or_find_again(async { Err::<u8, _>(timeout()) }, &LOST_ANSWER, || async {
            Err(Problem::forbidden("Listing", "No role.", "Ask."))
        })
        .await
        .expect_err("look failed");
        assert_eq!(err.kind(), ProblemKind::Forbidden);
    }

    #[tokio::test]
    async fn other_kinds_fail_without_a_second_look() {
        let refused = Problem::rejected("Creating", "Bad request.", "Fix it.");
        let err = create_or_find_again(
            async { Err::<u8, _>(refused.clone()) },
            &LOST_ANSWER,
            || async { panic!("no second look after a refusal") },
        )
        .await
        .expect_err("refused");
        assert_eq!(err, refused);
    }
}
