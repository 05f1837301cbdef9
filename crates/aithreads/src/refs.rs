//! [`check_ref`]: a reference checked by its own provider's id rules.

use crate::{ProviderKind, Result, ThreadRef};

/// Checks a reference against its provider's own id rules (RevCent's 20 characters,
/// ChatKit's single URL path segment, TRTC's TaskId), beyond the generic checks parsing a
/// [`ThreadRef`] already made, so bad input is refused before any request.
///
/// In a build without the reference's provider (its cargo feature off), answers the
/// configuration error that operations on it would answer.
///
/// ```
/// let short: aithreads::ThreadRef = "revcent:short".parse()?;
/// # #[cfg(feature = "revcent")]
/// assert!(aithreads::check_ref(&short).unwrap_err().is_invalid_input());
/// # Ok::<(), aithreads::Error>(())
/// ```
pub fn check_ref(thread: &ThreadRef) -> Result<()> {
    match thread.provider() {
        ProviderKind::RevCent => {
            #[cfg(feature = "revcent")]
            return aithreads_revcent::check_thread_id(thread.id());
            #[cfg(not(feature = "revcent"))]
            return Err(crate::client::missing(ProviderKind::RevCent));
        }
        ProviderKind::TencentTrtc => {
            #[cfg(feature = "tencent-trtc")]
            return aithreads_tencent_trtc::check_thread_id(thread.id());
            #[cfg(not(feature = "tencent-trtc"))]
            return Err(crate::client::missing(ProviderKind::TencentTrtc));
        }
        ProviderKind::OpenAiChatKit => {
            #[cfg(feature = "openai-chatkit")]
            return aithreads_openai_chatkit::check_thread_id(thread.id());
            #[cfg(not(feature = "openai-chatkit"))]
            return Err(crate::client::missing(ProviderKind::OpenAiChatKit));
        }
    }
}
