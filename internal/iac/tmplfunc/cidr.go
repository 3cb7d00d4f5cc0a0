package tmplfunc

import (
	"fmt"
	"math/big"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/cidr"
)

// The network functions parseCidr, cidrSubnet and cidrHost, for IPv4 and IPv6. The
// arithmetic is package cidr's, shared with Terraform.

func parsePrefix(c Call, s string) (cidr.Prefix, error) {
	p, err := cidr.Parse(s)
	if err != nil {
		return cidr.Prefix{}, fmt.Errorf("%s: %w", c.Name, err)
	}
	return p, nil
}

// parseCidr describes a block. IPv4 blocks shorter than /31 keep their network and
// broadcast addresses out of the usable range; IPv6 blocks have no broadcast.
func parseCidr(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	p, err := parsePrefix(c, s)
	if err != nil {
		return nil, err
	}
	addr := func(a *big.Int) *iac.Value { return c.newString(p.AddrOf(a).String()) }
	first, last := p.Addr, p.Last()
	o := iac.NewObject(c.Loc)
	o.Set("network", addr(first))
	o.Set("netmask", addr(p.Netmask()))
	if p.Is4() {
		o.Set("broadcast", addr(last))
		if p.Ones < 31 {
			first = new(big.Int).Add(first, big.NewInt(1))
			last = new(big.Int).Sub(last, big.NewInt(1))
		}
	}
	o.Set("firstUsable", addr(first))
	o.Set("lastUsable", addr(last))
	o.Set("cidr", c.newNumber(float64(p.Ones)))
	return o, nil
}

// cidrSubnet(block, length, index) is block number index of the given prefix length.
func cidrSubnet(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	ones, err := c.num(1)
	if err != nil {
		return nil, err
	}
	if len(c.Args) != 3 {
		return nil, fmt.Errorf("%s expects 3 arguments", c.Name)
	}
	index, err := c.num(2)
	if err != nil {
		return nil, err
	}
	p, err := parsePrefix(c, s)
	if err != nil {
		return nil, err
	}
	if ones < float64(p.Ones) || ones > float64(p.Bits) {
		return nil, fmt.Errorf("%s: new prefix /%v must be between /%d and /%d", c.Name, ones, p.Ones, p.Bits)
	}
	sub, ok := p.Subnet(int(ones), big.NewInt(int64(index)))
	if index < 0 || !ok {
		return nil, fmt.Errorf("%s: index %v is outside the %s subnets of /%v in %s", c.Name, index, p.Subnets(int(ones)), ones, c.Args[0].Str)
	}
	return c.newString(sub.String()), nil
}

// cidrHost(block, index) is usable host number index: 0 is the address after the
// network address, and an IPv4 block's broadcast address is not a host.
func cidrHost(c Call) (*iac.Value, error) {
	s, err := c.str1()
	if err != nil {
		return nil, err
	}
	index, err := c.num(1)
	if err != nil {
		return nil, err
	}
	p, err := parsePrefix(c, s)
	if err != nil {
		return nil, err
	}
	off := big.NewInt(int64(index) + 1)
	addr, ok := p.Host(off)
	if ok && p.Is4() && addr.Cmp(p.Last()) == 0 {
		ok = false
	}
	if index < 0 || !ok {
		return nil, fmt.Errorf("%s: host %v is outside %s", c.Name, index, c.Args[0].Str)
	}
	return c.newString(p.AddrOf(addr).String()), nil
}
