//! The wire contract between the SPA and the server.
//!
//! Every JSON body that crosses `/api` is a type in this crate, so the two sides cannot drift apart.
//! Values that carry rules (an email address, say) are validated newtypes with no public
//! constructor but `parse`: once you hold one, it is valid. The crate compiles to wasm and native
//! alike and so depends on nothing server-only.

pub mod admin;
pub mod api_token;
pub mod applications;
pub mod branding;
pub mod directory;
pub mod email;
pub mod error;
pub mod flow;
pub mod graph;
pub mod health;
pub mod invitation;
pub mod password;
pub mod push;
pub mod reports;
pub mod reset_policy;
pub mod security_info;
pub mod session;
pub mod user_flows;
pub mod wire_name;

pub use admin::{
    AdminCredentials, AdminEnrolment, AdminEntry, AdminInvitation, AdminList, AdminRole,
    AdminSetup, AdminView, CreateAdmin, Permission,
};
pub use api_token::{ApiTokenList, ApiTokenView, CreateApiToken, CreatedApiToken};
pub use applications::{
    AddPassword, ApplicationCreate, ApplicationPatch, GraphApplication, GraphApplicationList,
    PasswordCredential, PasswordCredentialRequest, RedirectUris, RemovePassword, SigningAlgorithm,
};
pub use branding::{
    BrandingLocalizationList, BrandingPatch, BrandingTexts, OrganizationalBranding, PublicBranding,
};
pub use directory::{
    AuditEntry, AuditPage, GroupChanges, GroupPage, GroupRef, GroupView, NewGroup, Redemption,
    UserDetail, UserPage, UserSession, UserSummary,
};
pub use email::{Email, EmailError};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use flow::{
    AccessChoice, AccessPrompt, AccessRequest, CaptchaChallenge, CompleteFlow, FlowDone,
    FlowPhoneCodeSent, FlowPurpose, FlowQuestions, FlowState, FlowView, MethodChoice, ProveMethod,
    SendPhoneCode, StartFlow, UnlockAction, VerifyCode,
};
pub use health::{DatabaseStatus, Health};
pub use invitation::{CreateInvitation, InvitationList, InvitationView, RedemptionStatus};
pub use password::{PasswordPolicy, Violation};
pub use push::{
    PairDevice, PairedDevice, PushAnswer, PushDecision, PushPairing, PushRequest, PushRequests,
    PushStarted, PushState, PushStatus,
};
pub use reports::{
    DirectoryAudit, DirectoryAuditPage, FlowCounts, MethodUsage, RegistrationDetailsPage,
    SignInEntry, SignInPage, SignInStatus, UsageDay, UsageReport, UserRegistrationDetails,
};
pub use reset_policy::{ResetMethod, ResetPolicy, SsprScope};
pub use security_info::{
    AddAlternateEmail, AddCallPhone, AddMobilePhone, ConfirmMethod, MethodKind, PendingMethod,
    PendingPhone, PhoneDelivery, ProofSent, ProveIdentity, QuestionAnswer, QuestionCatalog,
    RegisterQuestions, RegisteredMethod, RegistrationKind, RegistrationPrompt, SecurityInfo,
    TotpEnrolment,
};
pub use session::{
    ChangePassword, Me, SessionList, SessionSummary, SignIn, UserStatus, UserType, UserView,
};
pub use user_flows::{
    Application, ApplicationInput, CustomerUserFlow, IdentityProvider, UserAttribute, UserFlow,
    UserFlowInput, UserFlowKind, UserFlowList, DEFAULT_USER_FLOW,
};
pub use wire_name::WireName;
