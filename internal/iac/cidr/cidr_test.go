package cidr

import (
	"math/big"
	"net"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
		ones     int
		bits     int
	}{
		{"10.1.2.3/16", "10.1.0.0/16", 16, 32},
		{"0.0.0.0/0", "0.0.0.0/0", 0, 32},
		{"fd00:fd12:3456:7890::1/56", "fd00:fd12:3456:7800::/56", 56, 128},
		{"10.0.0.0", "", 0, 0},
		{"10.0.0.0/33", "", 0, 0},
		{"010.0.0.0/8", "", 0, 0}, // net/netip refuses leading zeros
	}
	for _, tt := range tests {
		p, err := Parse(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("Parse(%q) = %s, want an error", tt.in, p)
			}
			continue
		}
		if err != nil || p.String() != tt.want || p.Ones != tt.ones || p.Bits != tt.bits {
			t.Errorf("Parse(%q) = %s /%d of %d, %v; want %s", tt.in, p, p.Ones, p.Bits, err, tt.want)
		}
	}
}

func TestFromIPNet(t *testing.T) {
	_, n, err := net.ParseCIDR("10.1.2.3/20")
	if err != nil {
		t.Fatal(err)
	}
	p := FromIPNet(n)
	if p.String() != "10.1.0.0/20" || p.IPNet().String() != "10.1.0.0/20" {
		t.Errorf("FromIPNet = %s (%s)", p, p.IPNet())
	}
}

func TestArithmetic(t *testing.T) {
	p, _ := Parse("10.0.0.0/24")
	if got := p.AddrOf(p.Netmask()).String(); got != "255.255.255.0" {
		t.Errorf("netmask %s", got)
	}
	if got := p.AddrOf(p.Last()).String(); got != "10.0.0.255" {
		t.Errorf("last %s", got)
	}
	if got := p.Subnets(26); got.Int64() != 4 {
		t.Errorf("subnets of /26: %s", got)
	}
	v6, _ := Parse("fd00::/64")
	if got := v6.AddrOf(v6.Netmask()).String(); got != "ffff:ffff:ffff:ffff::" {
		t.Errorf("IPv6 netmask %s", got)
	}
	subnets := []struct {
		p        Prefix
		ones     int
		num      int64
		want     string
		wantFail bool
	}{
		{p, 26, 3, "10.0.0.192/26", false},
		{p, 24, 0, "10.0.0.0/24", false},
		{p, 26, 4, "", true},  // only four /26 in a /24
		{p, 23, 0, "", true},  // shorter than the block
		{p, 33, 0, "", true},  // longer than an address
		{p, 26, -1, "", true}, // negative
		{v6, 72, 255, "fd00::ff00:0:0:0/72", false},
	}
	for _, s := range subnets {
		got, ok := s.p.Subnet(s.ones, big.NewInt(s.num))
		if ok == s.wantFail || (ok && got.String() != s.want) {
			t.Errorf("%s subnet /%d #%d = %s, %v; want %q", s.p, s.ones, s.num, got, ok, s.want)
		}
	}
	hosts := []struct {
		off  int64
		want string
	}{{0, "10.0.0.0"}, {1, "10.0.0.1"}, {255, "10.0.0.255"}, {256, ""}, {-1, ""}}
	for _, h := range hosts {
		a, ok := p.Host(big.NewInt(h.off))
		switch {
		case h.want == "" && ok:
			t.Errorf("host %d = %s, want none", h.off, p.AddrOf(a))
		case h.want != "" && (!ok || p.AddrOf(a).String() != h.want):
			t.Errorf("host %d = %v, want %s", h.off, ok, h.want)
		}
	}
	if b := Block(big.NewInt(0x0a0000c5), 28, 32); b.String() != "10.0.0.192/28" || !b.Contains(big.NewInt(0x0a0000cf)) || b.Contains(big.NewInt(0x0a0000d0)) {
		t.Errorf("block %s", b)
	}
}
