package arm

import (
	"fmt"
	"math/big"
	"net/netip"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
)

// The CIDR functions: parseCidr, cidrSubnet and cidrHost. Addresses are handled as
// big integers so that IPv4 and IPv6 share one path.

func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address range in CIDR notation", s)
	}
	return p.Masked(), nil
}

func addrInt(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

func intAddr(n *big.Int, v6 bool) netip.Addr {
	size := 4
	if v6 {
		size = 16
	}
	buf := make([]byte, size)
	n.FillBytes(buf)
	a, _ := netip.AddrFromSlice(buf)
	return a
}

// span returns the first and last address of a prefix.
func span(p netip.Prefix) (first, last *big.Int) {
	bits := p.Addr().BitLen()
	first = addrInt(p.Addr())
	size := new(big.Int).Lsh(big.NewInt(1), uint(bits-p.Bits()))
	last = new(big.Int).Sub(new(big.Int).Add(first, size), big.NewInt(1))
	return first, last
}

func fnParseCidr(s string, loc awaf.Location) (*iac.Value, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return nil, fmt.Errorf("parseCidr: %w", err)
	}
	v6 := p.Addr().Is6()
	first, last := span(p)
	bits := p.Addr().BitLen()
	mask := new(big.Int).Lsh(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(p.Bits())), big.NewInt(1)), uint(bits-p.Bits()))
	o := iac.NewObject(loc)
	o.Set("network", iac.NewString(p.Addr().String(), loc))
	o.Set("netmask", iac.NewString(intAddr(mask, v6).String(), loc))
	firstUsable, lastUsable := first, last
	if !v6 {
		o.Set("broadcast", iac.NewString(intAddr(last, false).String(), loc))
		if p.Bits() < 31 {
			firstUsable = new(big.Int).Add(first, big.NewInt(1))
			lastUsable = new(big.Int).Sub(last, big.NewInt(1))
		}
	}
	o.Set("firstUsable", iac.NewString(intAddr(firstUsable, v6).String(), loc))
	o.Set("lastUsable", iac.NewString(intAddr(lastUsable, v6).String(), loc))
	o.Set("cidr", iac.NewNumber(float64(p.Bits()), loc))
	return o, nil
}

func fnCidrSubnet(s string, newBits, index float64) (string, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return "", fmt.Errorf("cidrSubnet: %w", err)
	}
	bits := p.Addr().BitLen()
	if int(newBits) < p.Bits() || int(newBits) > bits {
		return "", fmt.Errorf("cidrSubnet: new prefix /%v must be between /%d and /%d", newBits, p.Bits(), bits)
	}
	count := new(big.Int).Lsh(big.NewInt(1), uint(int(newBits)-p.Bits()))
	idx := big.NewInt(int64(index))
	if index < 0 || idx.Cmp(count) >= 0 {
		return "", fmt.Errorf("cidrSubnet: index %v is outside the %s subnets of /%v in %s", index, count, newBits, s)
	}
	first, _ := span(p)
	start := new(big.Int).Add(first, new(big.Int).Lsh(idx, uint(bits-int(newBits))))
	return netip.PrefixFrom(intAddr(start, p.Addr().Is6()), int(newBits)).String(), nil
}

func fnCidrHost(s string, index float64) (string, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return "", fmt.Errorf("cidrHost: %w", err)
	}
	first, last := span(p)
	host := new(big.Int).Add(first, big.NewInt(int64(index)+1))
	limit := last
	if p.Addr().Is4() {
		limit = new(big.Int).Sub(last, big.NewInt(1)) // the broadcast address is not usable
	}
	if index < 0 || host.Cmp(limit) > 0 {
		return "", fmt.Errorf("cidrHost: host %v is outside %s", index, s)
	}
	return intAddr(host, p.Addr().Is6()).String(), nil
}
