//! [`ProviderKind`]: which provider a thread, a reference or an error belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::unknown_name::UnknownName;

/// The providers aithreads speaks to.
///
/// Deliberately exhaustive: adding a provider adds a variant, and every `match` that lists
/// providers (the facade's routing, its feature and credential names) must then say what
/// the new one does, or the build breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// RevCent v2 AI threads.
    #[serde(rename = "revcent")]
    RevCent,
    /// Tencent Cloud TRTC AI conversation tasks.
    #[serde(rename = "trtc")]
    TencentTrtc,
    /// OpenAI ChatKit threads.
    #[serde(rename = "chatkit")]
    OpenAiChatKit,
}

impl ProviderKind {
    /// Every provider, in a stable order.
    pub const ALL: [ProviderKind; 3] = [Self::RevCent, Self::TencentTrtc, Self::OpenAiChatKit];

    /// The short name used in [`ThreadRef`](crate::ThreadRef)s and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RevCent => "revcent",
            Self::TencentTrtc => "trtc",
            Self::OpenAiChatKit => "chatkit",
        }
    }

    /// Whether the provider's threads live in named regions, written in a
    /// [`ThreadRef`](crate::ThreadRef) as `provider:<region>/<id>` (TRTC:
    /// `trtc:ap-singapore/<TaskId>`).
    pub fn has_regions(self) -> bool {
        match self {
            Self::TencentTrtc => true,
            Self::RevCent | Self::OpenAiChatKit => false,
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = UnknownName;

    /// Accepts the short names (`revcent`, `trtc`, `chatkit`) and the crate names
    /// (`tencent-trtc`, `openai-chatkit`).
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        match s {
            "revcent" => Ok(Self::RevCent),
            "trtc" | "tencent-trtc" => Ok(Self::TencentTrtc),
            "chatkit" | "openai-chatkit" => Ok(Self::OpenAiChatKit),
            other => Err(UnknownName::new(
                "provider",
                other,
                "revcent, trtc or chatkit",
            )),
        }
    }
}
