//! Group robots (群机器人) that post the school's announcements to its staff group: 钉钉 signs
//! each call with HMAC-SHA256 over `timestamp + "\n" + secret` (Base64, URL-encoded, timestamp in
//! ms, in the query), 企业微信's key in the URL is the only credential, 飞书 signs with the key
//! `timestamp + "\n" + secret` over an empty message (timestamp in seconds, in the body).

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    DingTalk,
    WeCom,
    Feishu,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::DingTalk, Provider::WeCom, Provider::Feishu];
    pub fn code(&self) -> &'static str {
        match self {
            Provider::DingTalk => "dingtalk",
            Provider::WeCom => "wecom",
            Provider::Feishu => "feishu",
        }
    }
    pub fn from_code(s: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.code() == s)
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// 钉钉's signature: Base64(HMAC-SHA256(key = secret, message = ms + "\n" + secret)), URL-encoded.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let text = format!("{timestamp_ms}\n{secret}");
    let sig = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(text.as_bytes());
            b64(&mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    url::form_urlencoded::byte_serialize(sig.as_bytes()).collect()
}

/// 飞书's signature: Base64(HMAC-SHA256(key = seconds + "\n" + secret, message = empty)).
pub fn feishu_sign(timestamp_s: i64, secret: &str) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mac) => b64(&mac.finalize().into_bytes()),
        Err(_) => String::new(),
    }
}

/// The URL and JSON body of one text message to a robot at `now_ms`.
pub fn request(provider: Provider, url: &str, secret: &str, text: &str, now_ms: i64) -> (String, serde_json::Value) {
    match provider {
        Provider::DingTalk => {
            let url = if secret.is_empty() {
                url.to_string()
            } else {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}timestamp={now_ms}&sign={}", dingtalk_sign(now_ms, secret))
            };
            (url, serde_json::json!({"msgtype": "text", "text": {"content": text}}))
        }
        Provider::WeCom => (url.to_string(), serde_json::json!({"msgtype": "text", "text": {"content": text}})),
        Provider::Feishu => {
            let mut body = serde_json::json!({"msg_type": "text", "content": {"text": text}});
            if !secret.is_empty() {
                let ts = now_ms / 1000;
                body["timestamp"] = serde_json::Value::String(ts.to_string());
                body["sign"] = serde_json::Value::String(feishu_sign(ts, secret));
            }
            (url.to_string(), body)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signs_timestamp_newline_secret_base64_urlencoded() {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SECxyz").unwrap();
        mac.update(b"1700000000000\nSECxyz");
        let expected: String =
            url::form_urlencoded::byte_serialize(b64(&mac.finalize().into_bytes()).as_bytes()).collect();
        assert_eq!(dingtalk_sign(1_700_000_000_000, "SECxyz"), expected);
        assert!(!expected.contains('+') && !expected.contains('/') && !expected.contains('='));
        let (url, body) = request(
            Provider::DingTalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "SECxyz",
            "通知",
            1_700_000_000_000,
        );
        assert!(url.starts_with("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign="));
        assert_eq!(body["text"]["content"], "通知");
    }

    #[test]
    fn feishu_signs_with_seconds_and_wecom_sends_the_key_url_only() {
        let (_, body) = request(Provider::Feishu, "https://open.feishu.cn/x", "s", "t", 1_700_000_000_999);
        assert_eq!(body["timestamp"], "1700000000");
        assert_eq!(body["sign"], feishu_sign(1_700_000_000, "s"));
        let (url, body) =
            request(Provider::WeCom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "", "t", 1);
        assert_eq!(url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k");
        assert_eq!(body["msgtype"], "text");
    }
}
