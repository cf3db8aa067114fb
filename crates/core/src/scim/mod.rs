//! SCIM diagnosis: Entra's calls replayed from the desktop (issue 5).
