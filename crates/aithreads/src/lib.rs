#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bulk;
mod client;
pub mod export;
mod refs;

pub use aithreads_core::{
    ApiError, CancelOutcome, Capabilities, DEFAULT_PREFETCH_PAGES, Error, ErrorKind, ExposeSecret,
    ListQuery, Message, Operation, Order, Page, ProviderKind, ProviderRecord, QueryFields,
    RawStatus, Result, Role, SecretString, Status, Thread, ThreadProvider, ThreadRef, ToolCall,
    UnknownName, pagination, secret_file, time, transport, validate, vars,
};
pub use bulk::{ItemResult, Ordered, REORDER_WINDOW_PER_SLOT, ordered, summarize};
pub use client::{Client, ClientBuilder, DEFAULT_CONCURRENCY, credential_var};
pub use refs::check_ref;

/// The provider crates, each behind its cargo feature.
pub mod providers {
    #[cfg(feature = "openai-chatkit")]
    pub use aithreads_openai_chatkit as chatkit;
    #[cfg(feature = "revcent")]
    pub use aithreads_revcent as revcent;
    #[cfg(feature = "tencent-trtc")]
    pub use aithreads_tencent_trtc as trtc;
}
