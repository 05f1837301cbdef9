//! [`Site`]: Tencent Cloud's international and China sites, which document different regions
//! and request limits for the same actions.

use std::fmt;

use crate::generated::{ActionSpec, SiteSpec};

/// One of Tencent Cloud's two sites. Accounts live on one: international accounts call
/// `trtc.intl.tencentcloudapi.com` (the seed's endpoint), China-site accounts
/// `trtc.tencentcloudapi.com` (the official SDKs' default).
///
/// The site decides which request limits the client holds itself to (StartAIConversation:
/// 50/s international, 20/s China) and which documented regions an `UnsupportedRegion`
/// answer is explained with. The client takes it from the endpoint's host
/// ([`Site::of_host`]); for any other host (a proxy, the simulator) it is international
/// unless [`TrtcConfig::with_site`](crate::TrtcConfig::with_site) says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Site {
    /// tencentcloud.com, endpoint `https://trtc.intl.tencentcloudapi.com`.
    #[default]
    International,
    /// cloud.tencent.com, endpoint `https://trtc.tencentcloudapi.com`.
    China,
}

impl Site {
    /// Both sites.
    pub const ALL: [Site; 2] = [Site::International, Site::China];

    /// The site's TRTC endpoint.
    pub fn endpoint(self) -> &'static str {
        match self {
            Self::International => "https://trtc.intl.tencentcloudapi.com",
            Self::China => "https://trtc.tencentcloudapi.com",
        }
    }

    /// The site a Tencent Cloud API host belongs to: `*.intl.tencentcloudapi.com` is
    /// international, any other `*.tencentcloudapi.com` (`trtc.tencentcloudapi.com`,
    /// `trtc.ap-guangzhou.tencentcloudapi.com`) is China; `None` for other hosts.
    pub fn of_host(host: &str) -> Option<Site> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host == "intl.tencentcloudapi.com" || host.ends_with(".intl.tencentcloudapi.com") {
            Some(Self::International)
        } else if host == "tencentcloudapi.com" || host.ends_with(".tencentcloudapi.com") {
            Some(Self::China)
        } else {
            None
        }
    }

    /// The site's name in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::International => "international",
            Self::China => "China",
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ActionSpec {
    /// What `site`'s documentation says about this action: regions, request limit, source.
    pub fn on(&self, site: Site) -> &SiteSpec {
        match site {
            Site::International => &self.international,
            Site::China => &self.china,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generated::START_AI_CONVERSATION;

    #[test]
    fn hosts_name_their_site() {
        for (host, site) in [
            ("trtc.intl.tencentcloudapi.com", Some(Site::International)),
            ("TRTC.INTL.tencentcloudapi.com.", Some(Site::International)),
            ("trtc.tencentcloudapi.com", Some(Site::China)),
            ("trtc.ap-guangzhou.tencentcloudapi.com", Some(Site::China)),
            ("127.0.0.1", None),
            ("tencentcloudapi.com.evil.example", None),
        ] {
            assert_eq!(Site::of_host(host), site, "{host}");
        }
        for site in Site::ALL {
            let host = site.endpoint().trim_start_matches("https://");
            assert_eq!(Site::of_host(host), Some(site));
        }
    }

    #[test]
    fn start_has_the_documented_limit_of_each_site() {
        // Reference §9: 50/s on the international pages, 20/s on the China page.
        assert_eq!(
            START_AI_CONVERSATION
                .on(Site::International)
                .rate_limit_per_second,
            50
        );
        assert_eq!(
            START_AI_CONVERSATION.on(Site::China).rate_limit_per_second,
            20
        );
        assert!(
            START_AI_CONVERSATION
                .on(Site::China)
                .regions
                .contains(&"ap-beijing")
        );
    }
}
