//! The steps' ids and titles: the vocabulary the journal, the progress events and the reports
//! share, so it sits below all of them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The steps, in the order `run_setup` runs them. The ids are the CLI JSON's `id`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepId {
    SignInUnity,
    UnityCredentials,
    ConnectorUrl,
    SignInMicrosoft,
    EnterpriseApp,
    ProvisioningJob,
    TestConnection,
    SaveCredentials,
    StartProvisioning,
    Assignment,
    ProvisionOnDemand,
    JobStatus,
}

impl StepId {
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::SignInUnity => "signInUnity",
            StepId::UnityCredentials => "unityCredentials",
            StepId::ConnectorUrl => "connectorUrl",
            StepId::SignInMicrosoft => "signInMicrosoft",
            StepId::EnterpriseApp => "enterpriseApp",
            StepId::ProvisioningJob => "provisioningJob",
            StepId::TestConnection => "testConnection",
            StepId::SaveCredentials => "saveCredentials",
            StepId::StartProvisioning => "startProvisioning",
            StepId::Assignment => "assignment",
            StepId::ProvisionOnDemand => "provisionOnDemand",
            StepId::JobStatus => "jobStatus",
        }
    }

    /// The words a person reads for the step.
    pub fn title(self) -> &'static str {
        match self {
            StepId::SignInUnity => "Sign in to Unity",
            StepId::UnityCredentials => "Unity service account and bearer token",
            StepId::ConnectorUrl => "SCIM base connector URL",
            StepId::SignInMicrosoft => "Sign in to Microsoft",
            StepId::EnterpriseApp => "Entra enterprise app",
            StepId::ProvisioningJob => "Provisioning job",
            StepId::TestConnection => "Test Connection",
            StepId::SaveCredentials => "Save the credentials in Entra",
            StepId::StartProvisioning => "Start provisioning",
            StepId::Assignment => "Assign users to the app",
            StepId::ProvisionOnDemand => "Provision on demand",
            StepId::JobStatus => "Provisioning job status",
        }
    }
}
