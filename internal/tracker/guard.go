package tracker

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// A tracker's base URL is typed in by a workload owner, and the server then calls it
// with a token: without a guard, anyone who may connect a tracker could make the
// server reach its own network (cloud metadata at 169.254.169.254, an admin port on
// localhost, a database next door). The guard refuses addresses that are not on the
// public internet, when the URL is saved and again on every connection the server
// opens (the name may resolve elsewhere by then).

// PublicAddr reports why ip is not a public internet address, or "" when it is.
func PublicAddr(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "not an address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast address"
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return "a reserved address"
		}
	}
	return ""
}

// nonPublic are further ranges that no tracker lives at: carrier-grade NAT, the
// IETF protocol block, documentation, benchmarking, 6to4 relays and the 240/4 block.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// Resolver looks host names up; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// CheckPublic resolves the host of base and refuses it when any of its addresses is
// not public: a name with one private address among public ones could be steered to it.
func CheckPublic(ctx context.Context, base string, r Resolver) error {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("base URL %q: not a URL with a host", base)
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if why := PublicAddr(ip); why != "" {
			return fmt.Errorf("base URL %q: %s is %s", base, host, why)
		}
		return nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("base URL %q: look up %s: %v", base, host, err)
	}
	if len(ips) == 0 {
		return fmt.Errorf("base URL %q: %s has no address", base, host)
	}
	for _, ip := range ips {
		if why := PublicAddr(ip); why != "" {
			return fmt.Errorf("base URL %q: %s resolves to %s, %s", base, host, ip, why)
		}
	}
	return nil
}

// PublicClient is an HTTP client that connects only to public addresses: the check
// runs on the address each connection is about to use, after the name was resolved,
// so a name that changes its answer between the check and the call is caught too.
// Proxies from the environment are not used: the proxy's address would be checked,
// not the tracker's.
func PublicClient() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("tracker: connect to %s: %v", address, err)
		}
		if why := PublicAddr(ap.Addr()); why != "" {
			return fmt.Errorf("tracker: refused to connect to %s: %s (start the server with --sync-allow-private to allow it)", ap.Addr(), why)
		}
		return nil
	}}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, ForceAttemptHTTP2: true, TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConns: 20, IdleConnTimeout: 90 * time.Second,
	}}
}
