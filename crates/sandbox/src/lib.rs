//! The simulated clouds: Microsoft sign-in and Graph, Unity sign-in, admin and SCIM, on loopback.
