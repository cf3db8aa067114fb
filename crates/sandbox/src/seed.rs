//! The deterministic directory: tenant Contoso with N computed users (a user is a function of
//! its index, so a million users cost no memory), a few groups, two admins. The same N always
//! gives the same directory; only secrets change between runs.

use serde_json::{json, Value};

use crate::ids;

pub(crate) const TENANT_ID: &str = "c0a7e5a1-5a4d-4b0c-9d1e-0000c0a70500";
pub(crate) const TENANT_NAME: &str = "Contoso";
pub(crate) const DOMAIN: &str = "contoso.com";
/// Users here are outside Unity's validated domains (Unity lists it as PENDING): they trip over.
pub(crate) const OTHER_DOMAIN: &str = "fabrikam.com";
/// The `.onmicrosoft.com` domain the tenant was created with (Graph `isInitial`).
pub(crate) const INITIAL_DOMAIN: &str = "contoso.onmicrosoft.com";
pub(crate) const MS_CLIENT_ID: &str = "5c1d0b5a-5a4d-4b0c-9d1e-00005c1d0b5a";
/// Microsoft Graph Command Line Tools: accepted as the opt-in fallback client
/// (<https://learn.microsoft.com/powershell/microsoftgraph/authentication-commands>).
pub(crate) const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub(crate) const UNITY_CLIENT_ID: &str = "scim-setup-sandbox";
pub(crate) const UNITY_ORG_ID: &str = "7312045599821";
pub(crate) const ADMIN_UPN: &str = "admin@contoso.com";
pub(crate) const NO_ROLE_UPN: &str = "helpdesk@contoso.com";

const USER_KIND: u32 = 0x0e5e_0001;
const GROUP_KIND: u32 = 0x0e5e_0002;

const FIRST: [&str; 20] = [
    "Adele",
    "Alex",
    "Allan",
    "Diego",
    "Grady",
    "Henrietta",
    "Isaiah",
    "Johanna",
    "Joni",
    "Lee",
    "Lidia",
    "Lynne",
    "Megan",
    "Miriam",
    "Nestor",
    "Patti",
    "Pradeep",
    "Ann",
    "Annika",
    "Zoe",
];
const LAST: [&str; 20] = [
    "Vance",
    "Wilber",
    "Deyoung",
    "Siciliani",
    "Archie",
    "Mueller",
    "Langer",
    "Lauer",
    "Sherman",
    "Gu",
    "Holloway",
    "Robbins",
    "Bowen",
    "Graham",
    "Wilke",
    "Fernandez",
    "Gupta",
    "Berg",
    "Nordin",
    "Ito",
];
const JOBS: [&str; 5] = ["Developer", "Artist", "Producer", "Designer", "Engineer"];
const DEPARTMENTS: [&str; 4] = ["Engineering", "Art", "Production", "Operations"];

/// Fixed groups; group `g < 8` holds every regular user `k` with `k % 8 == g`.
pub(crate) const GROUPS: [&str; 9] = [
    "Unity Developers",
    "Unity Artists",
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "Support",
    "Operations",
    "Unity Pilot",
];
/// "Unity Pilot" holds the first five regular users and is assigned to the Unity app.
pub(crate) const PILOT_GROUP: usize = 8;
const PILOT_MEMBERS: usize = 5;

#[derive(Debug, Clone)]
pub(crate) struct DirUser {
    pub index: u64,
    pub id: String,
    pub given_name: String,
    pub surname: String,
    pub display_name: String,
    pub upn: String,
    pub mail_nickname: String,
    pub job_title: String,
    pub department: String,
    pub account_enabled: bool,
    pub roles: Vec<&'static str>,
}

impl DirUser {
    /// The Graph `user` resource (all properties we model).
    pub fn to_graph(&self) -> Value {
        json!({"id": self.id, "displayName": self.display_name, "givenName": self.given_name,
            "surname": self.surname, "userPrincipalName": self.upn, "mail": self.upn,
            "mailNickname": self.mail_nickname, "jobTitle": self.job_title, "department": self.department,
            "accountEnabled": self.account_enabled, "businessPhones": [], "mobilePhone": null,
            "officeLocation": null, "preferredLanguage": "en-US", "userType": "Member"})
    }
}

#[derive(Debug)]
pub(crate) struct Directory {
    /// Regular users (the admins come on top).
    pub regular: u64,
}

impl Directory {
    pub fn new(users: usize) -> Self {
        Self {
            regular: users as u64,
        }
    }

    /// Admins first (index 0 and 1), then the regular users.
    pub fn total(&self) -> u64 {
        self.regular + 2
    }

    pub fn user(&self, index: u64) -> Option<DirUser> {
        if index >= self.total() {
            return None;
        }
        let id = ids::indexed_guid(USER_KIND, index);
        Some(match index {
            0 => special(
                id,
                index,
                "Contoso",
                "Admin",
                ADMIN_UPN,
                vec!["Global Administrator", "Application Administrator"],
            ),
            1 => special(id, index, "Helpdesk", "Operator", NO_ROLE_UPN, vec![]),
            _ => {
                let k = index - 2;
                let first = FIRST[(k % 20) as usize];
                let last = LAST[((k / 20) % 20) as usize];
                let domain = if k % 10 == 7 { OTHER_DOMAIN } else { DOMAIN };
                let nick = format!("{}.{}{k}", first.to_lowercase(), last.to_lowercase());
                DirUser {
                    index,
                    id,
                    given_name: first.into(),
                    surname: last.into(),
                    display_name: format!("{first} {last}"),
                    upn: format!("{nick}@{domain}"),
                    mail_nickname: nick,
                    job_title: JOBS[(k % 5) as usize].into(),
                    department: DEPARTMENTS[(k % 4) as usize].into(),
                    // A few are disabled: Entra will not initially provision them.
                    account_enabled: k % 50 != 13,
                    roles: vec![],
                }
            }
        })
    }

    pub fn user_by_id(&self, id: &str) -> Option<DirUser> {
        self.user(ids::index_of(USER_KIND, id)?)
    }

    /// By UPN: parsed from the `{first}.{last}{k}@domain` shape, no scan needed.
    pub fn user_by_upn(&self, upn: &str) -> Option<DirUser> {
        let upn = upn.to_ascii_lowercase();
        if upn == ADMIN_UPN {
            return self.user(0);
        }
        if upn == NO_ROLE_UPN {
            return self.user(1);
        }
        let local = upn.split('@').next()?;
        let digits: String = local
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        let k: u64 = digits.chars().rev().collect::<String>().parse().ok()?;
        self.user(k + 2).filter(|u| u.upn == upn)
    }

    pub fn is_group_id(id: &str) -> bool {
        ids::index_of(GROUP_KIND, id).is_some()
    }

    pub fn group_count(&self) -> usize {
        GROUPS.len()
    }

    pub fn group_id(&self, g: usize) -> String {
        ids::indexed_guid(GROUP_KIND, g as u64)
    }

    pub fn group_index(&self, id: &str) -> Option<usize> {
        ids::index_of(GROUP_KIND, id)
            .map(|g| g as usize)
            .filter(|g| *g < GROUPS.len())
    }

    pub fn group_json(&self, g: usize) -> Value {
        let name = GROUPS[g];
        let nick = name.to_lowercase().replace(' ', "-");
        json!({"id": self.group_id(g), "displayName": name, "description": format!("{name} at Contoso"),
            "mail": format!("{nick}@{DOMAIN}"), "mailEnabled": false, "mailNickname": nick,
            "securityEnabled": true, "groupTypes": [], "visibility": null})
    }

    /// Member user indexes of group `g`, from `skip`, at most `take`, plus the total count.
    pub fn group_members(&self, g: usize, skip: u64, take: u64) -> (Vec<u64>, u64) {
        if g == PILOT_GROUP {
            let total = (PILOT_MEMBERS as u64).min(self.regular);
            let members = (skip..total).take(take as usize).map(|k| k + 2).collect();
            return (members, total);
        }
        let g = g as u64;
        let total = if self.regular > g {
            (self.regular - g).div_ceil(8)
        } else {
            0
        };
        let members = (skip..total)
            .take(take as usize)
            .map(|m| m * 8 + g + 2)
            .collect();
        (members, total)
    }

    pub fn is_member(&self, g: usize, user_index: u64) -> bool {
        if user_index < 2 {
            return false;
        }
        let k = user_index - 2;
        if g == PILOT_GROUP {
            k < PILOT_MEMBERS as u64
        } else {
            k % 8 == g as u64
        }
    }

    /// Two assigned regular users whose UPNs go into the profile.
    pub fn sample_users(&self) -> Vec<DirUser> {
        (2..self.total().min(4))
            .filter_map(|i| self.user(i))
            .collect()
    }

    /// A regular user who is neither assigned to the Unity app nor in the group assigned to
    /// it (the first one past the Unity Pilot members, enabled and in the validated domain):
    /// assigned and provisioned, then unassigned, they leave scope and the next cycle disables
    /// them. `None` in a directory too small to have one.
    pub fn out_of_scope_user(&self) -> Option<DirUser> {
        (PILOT_MEMBERS as u64..self.regular)
            .filter_map(|k| self.user(k + 2))
            .find(|u| u.account_enabled && u.upn.ends_with(&format!("@{DOMAIN}")))
    }
}

fn special(
    id: String,
    index: u64,
    first: &str,
    last: &str,
    upn: &str,
    roles: Vec<&'static str>,
) -> DirUser {
    DirUser {
        index,
        id,
        given_name: first.into(),
        surname: last.into(),
        display_name: format!("{first} {last}"),
        upn: upn.into(),
        mail_nickname: upn.split('@').next().unwrap_or(upn).into(),
        job_title: "IT Administrator".into(),
        department: "IT".into(),
        account_enabled: true,
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_deterministic_and_found_by_upn_and_id() {
        let dir = Directory::new(1_000_000);
        let u = dir.user(123_456).expect("exists");
        assert_eq!(dir.user_by_upn(&u.upn).expect("by upn").id, u.id);
        assert_eq!(dir.user_by_id(&u.id).expect("by id").upn, u.upn);
        assert_eq!(
            Directory::new(1_000_000).user(123_456).expect("again").upn,
            u.upn
        );
        assert_eq!(dir.user(0).expect("admin").upn, ADMIN_UPN);
        assert!(dir.user(dir.total()).is_none());
        assert!(dir.user(9).expect("k=7").upn.ends_with("@fabrikam.com"));
    }

    #[test]
    fn group_members_page_consistently() {
        let dir = Directory::new(100);
        let (all, total) = dir.group_members(3, 0, 1000);
        assert_eq!(all.len() as u64, total);
        assert!(all.iter().all(|i| dir.is_member(3, *i)));
        let (page, _) = dir.group_members(3, 2, 3);
        assert_eq!(page, all[2..5].to_vec());
        assert_eq!(dir.group_members(PILOT_GROUP, 0, 10).0, vec![2, 3, 4, 5, 6]);
    }

    #[test]
    fn the_out_of_scope_user_is_in_no_assigned_group() {
        let dir = Directory::new(50);
        let user = dir.out_of_scope_user().expect("one exists");
        assert!(!dir.is_member(PILOT_GROUP, user.index));
        assert!(dir
            .sample_users()
            .iter()
            .all(|sample| sample.index != user.index));
        assert!(user.account_enabled && user.upn.ends_with("@contoso.com"));
        assert!(Directory::new(PILOT_MEMBERS).out_of_scope_user().is_none());
    }
}
