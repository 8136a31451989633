//! Visitor addresses: which one a request came from (behind trusted proxies), the
//! key the rate limiter counts, and the only trace of it that is stored — a keyed
//! hash of the truncated network (/24 for IPv4, /48 for IPv6), never the address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The client address of a request. When the peer is one of `trusted` (a reverse
/// proxy), the right-most `X-Forwarded-For` entry that is not itself trusted is the
/// client; otherwise the peer is, whatever the header says (anyone can write it).
pub fn client(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&canonical(ip)) => continue,
            Ok(ip) => return canonical(ip),
            // A malformed hop: stop trusting the chain there.
            Err(_) => return peer,
        }
    }
    peer
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as the IPv4 address they are.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// What the rate limiter counts: the address for IPv4, the /64 for IPv6 (one host
/// usually holds a whole /64, so counting single IPv6 addresses would not limit).
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// The network an address is stored as: its /24 (IPv4) or /48 (IPv6), as text.
pub fn truncated(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}/24", Ipv4Addr::new(o[0], o[1], o[2], 0))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{}/48", Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0))
        }
    }
}

/// HMAC-SHA256 of the truncated network under the server's secret key, in hex.
/// Without the key the hash cannot be reversed by trying the 2^24 IPv4 networks.
pub fn keyed_hash(key: &[u8], ip: IpAddr) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(truncated(ip).as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn truncates_to_the_network() {
        assert_eq!(truncated(ip("203.0.113.77")), "203.0.113.0/24");
        assert_eq!(truncated(ip("::ffff:203.0.113.77")), "203.0.113.0/24");
        assert_eq!(truncated(ip("2001:db8:abcd:12:1::5")), "2001:db8:abcd::/48");
        assert_eq!(
            rate_key(ip("2001:db8:abcd:12:1::5")),
            ip("2001:db8:abcd:12::")
        );
    }

    #[test]
    fn same_network_same_hash_and_the_key_matters() {
        let a = keyed_hash(b"k1", ip("198.51.100.1"));
        assert_eq!(a, keyed_hash(b"k1", ip("198.51.100.200")));
        assert_ne!(a, keyed_hash(b"k2", ip("198.51.100.1")));
        assert_ne!(a, keyed_hash(b"k1", ip("198.51.101.1")));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy = [ip("127.0.0.1")];
        let xff = Some("10.9.9.9, 198.51.100.7");
        assert_eq!(client(ip("127.0.0.1"), xff, &proxy), ip("198.51.100.7"));
        assert_eq!(client(ip("192.0.2.1"), xff, &proxy), ip("192.0.2.1"));
        assert_eq!(
            client(ip("127.0.0.1"), Some("198.51.100.7, 127.0.0.1"), &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(
            client(ip("127.0.0.1"), Some("junk"), &proxy),
            ip("127.0.0.1")
        );
        assert_eq!(client(ip("127.0.0.1"), None, &proxy), ip("127.0.0.1"));
    }
}
