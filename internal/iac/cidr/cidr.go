// Package cidr is the address arithmetic behind the template functions that carve
// networks: ARM's and Bicep's parseCidr, cidrSubnet and cidrHost, and Terraform's
// cidrsubnet, cidrhost, cidrnetmask and cidrsubnets. It knows blocks, hosts and masks,
// not any template language: each front end checks its own arguments, words its own
// errors and keeps its own rules (Terraform counts hosts back from the end, ARM skips
// the network and broadcast addresses).
//
// Addresses are big integers of 32 or 128 bits, so IPv4 and IPv6 share one path.
package cidr

import (
	"fmt"
	"math/big"
	"net"
	"net/netip"
)

// Prefix is an address block: its network address (host bits clear), its prefix
// length and the address width, 32 or 128.
type Prefix struct {
	Addr *big.Int
	Ones int
	Bits int
}

// Parse reads a block in CIDR notation ("10.0.0.0/16", "fd00::/56"), clearing any
// host bits. It is strict in the way of net/netip: no leading zeros, no zones.
func Parse(s string) (Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return Prefix{}, fmt.Errorf("%q is not an address range in CIDR notation", s)
	}
	p = p.Masked()
	return Prefix{Addr: new(big.Int).SetBytes(p.Addr().AsSlice()), Ones: p.Bits(), Bits: p.Addr().BitLen()}, nil
}

// FromIPNet converts a block parsed by net.ParseCIDR.
func FromIPNet(n *net.IPNet) Prefix {
	ones, bits := n.Mask.Size()
	return Prefix{Addr: new(big.Int).SetBytes(n.IP.Mask(n.Mask)), Ones: ones, Bits: bits}
}

// Is4 reports whether p is an IPv4 block.
func (p Prefix) Is4() bool { return p.Bits == 32 }

// HostMask is the value of the host bits all set: 2^(Bits-Ones) - 1.
func (p Prefix) HostMask() *big.Int {
	m := new(big.Int).Lsh(big.NewInt(1), uint(p.Bits-p.Ones))
	return m.Sub(m, big.NewInt(1))
}

// Netmask is the mask of p as an address: the Ones high bits set.
func (p Prefix) Netmask() *big.Int {
	all := new(big.Int).Lsh(big.NewInt(1), uint(p.Bits))
	all.Sub(all, big.NewInt(1))
	return all.Xor(all, p.HostMask())
}

// Last is the last address of p (the broadcast address of an IPv4 block).
func (p Prefix) Last() *big.Int { return new(big.Int).Or(p.Addr, p.HostMask()) }

// Contains reports whether address a is inside p.
func (p Prefix) Contains(a *big.Int) bool {
	return a.Cmp(p.Addr) >= 0 && a.Cmp(p.Last()) <= 0
}

// Block returns the block of length ones, in an address space of width bits, that
// holds address a.
func Block(a *big.Int, ones, bits int) Prefix {
	p := Prefix{Ones: ones, Bits: bits}
	p.Addr = new(big.Int).AndNot(a, p.HostMask())
	return p
}

// Subnets is how many blocks of length ones p holds; ones must be within [p.Ones, p.Bits].
func (p Prefix) Subnets(ones int) *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(ones-p.Ones))
}

// Subnet returns block number num of length ones inside p. ok is false when ones is
// shorter than p or longer than the address, or num is not one of p's blocks.
func (p Prefix) Subnet(ones int, num *big.Int) (sub Prefix, ok bool) {
	if ones < p.Ones || ones > p.Bits || num.Sign() < 0 || num.Cmp(p.Subnets(ones)) >= 0 {
		return Prefix{}, false
	}
	addr := new(big.Int).Lsh(num, uint(p.Bits-ones))
	return Prefix{Addr: addr.Or(addr, p.Addr), Ones: ones, Bits: p.Bits}, true
}

// Host returns the address at offset off from p's network address (0 is the network
// address itself). ok is false when the offset falls outside p.
func (p Prefix) Host(off *big.Int) (addr *big.Int, ok bool) {
	if off.Sign() < 0 || off.Cmp(p.HostMask()) > 0 {
		return nil, false
	}
	return new(big.Int).Or(p.Addr, off), true
}

// AddrOf renders address a of p's width as net/netip does ("10.0.0.1", "fd00::1").
func (p Prefix) AddrOf(a *big.Int) netip.Addr {
	b := make([]byte, p.Bits/8)
	a.FillBytes(b)
	r, _ := netip.AddrFromSlice(b)
	return r
}

// IP renders address a of p's width as a net.IP.
func (p Prefix) IP(a *big.Int) net.IP {
	b := make([]byte, p.Bits/8)
	a.FillBytes(b)
	return net.IP(b)
}

// String is p in CIDR notation as net/netip writes it.
func (p Prefix) String() string { return netip.PrefixFrom(p.AddrOf(p.Addr), p.Ones).String() }

// IPNet is p as a net.IPNet.
func (p Prefix) IPNet() *net.IPNet {
	return &net.IPNet{IP: p.IP(p.Addr), Mask: net.CIDRMask(p.Ones, p.Bits)}
}
