package terraform

import (
	"errors"
	"fmt"
	"math/big"
	"net"

	"github.com/awaf/awaf/internal/iac/cidr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Terraform's IP network functions, for IPv4 and IPv6, with its error messages. The
// arithmetic is package cidr's; Terraform's own rules (relative prefix lengths, the
// 32-bit cap on one extension, hosts counted back from the end) are kept here.

// parsePrefix reads a block the way Terraform does, through net.ParseCIDR.
func parsePrefix(s string) (cidr.Prefix, error) {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		return cidr.Prefix{}, fmt.Errorf("invalid CIDR expression: %w", err)
	}
	return cidr.FromIPNet(n), nil
}

// text is p in CIDR notation as Terraform writes it.
func text(p cidr.Prefix) string { return p.IPNet().String() }

func wholeNumber(v cty.Value, what string) (*big.Int, error) {
	var n big.Int
	if err := gocty.FromCtyValue(v, &n); err != nil {
		return nil, fmt.Errorf("%s must be a whole number", what)
	}
	return &n, nil
}

// cidrSubnet is cidrsubnet(prefix, newbits, netnum).
func cidrSubnet(s string, newbits int, netnum *big.Int) (string, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return "", err
	}
	if newbits < 0 {
		return "", fmt.Errorf("newbits must not be negative")
	}
	// Terraform caps one extension at 32 bits, for 32-bit platforms.
	if newbits > 32 {
		return "", fmt.Errorf("may not extend prefix by more than 32 bits")
	}
	if p.Ones+newbits > p.Bits {
		return "", fmt.Errorf("insufficient address space to extend prefix of %d by %d", p.Ones, newbits)
	}
	sub, ok := p.Subnet(p.Ones+newbits, netnum)
	if !ok {
		return "", fmt.Errorf("prefix extension of %d does not accommodate a subnet numbered %s", newbits, netnum)
	}
	return text(sub), nil
}

// cidrHost is cidrhost(prefix, hostnum); a negative hostnum counts back from the
// last address (-1 is the last).
func cidrHost(s string, hostnum *big.Int) (string, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return "", err
	}
	off := new(big.Int).Set(hostnum)
	if hostnum.Sign() < 0 {
		off.Add(p.HostMask(), hostnum)
		off.Add(off, big.NewInt(1))
	}
	addr, ok := p.Host(off)
	if !ok {
		return "", fmt.Errorf("prefix of %d does not accommodate a host numbered %s", p.Ones, hostnum)
	}
	return p.IP(addr).String(), nil
}

// cidrNetmask is cidrnetmask(prefix), for IPv4 only.
func cidrNetmask(s string) (string, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return "", err
	}
	if !p.Is4() {
		return "", fmt.Errorf("IPv6 addresses cannot have a netmask: %s", s)
	}
	return p.IP(p.Netmask()).String(), nil
}

// cidrSubnets is cidrsubnets(prefix, newbits...): consecutive subnets, each aligned
// on its own size, allocated after the previous one.
func cidrSubnets(s string, newbits []int) ([]string, int, error) {
	p, err := parsePrefix(s)
	if err != nil {
		return nil, -1, err
	}
	if len(newbits) == 0 {
		return nil, -1, nil
	}
	family := map[int]string{32: "IPv4", 128: "IPv6"}[p.Bits]
	// The allocation starts just before the prefix: the address before it,
	// wrapping around at zero, in a block of the first size.
	before := new(big.Int).Sub(p.Addr, big.NewInt(1))
	if before.Sign() < 0 {
		before = cidr.Prefix{Bits: p.Bits}.HostMask()
	}
	cur := cidr.Block(before, min(p.Ones+max(newbits[0], 0), p.Bits), p.Bits)
	out := make([]string, len(newbits))
	for i, nb := range newbits {
		if nb < 1 {
			return nil, i, errors.New("must extend prefix by at least one bit")
		}
		if nb > 32 {
			return nil, i, errors.New("may not extend prefix by more than 32 bits")
		}
		ones := p.Ones + nb
		if ones > p.Bits {
			return nil, i, fmt.Errorf("would extend prefix to %d bits, which is too long for an %s address", ones, family)
		}
		// The block of the new size that holds the end of the current one,
		// then the block right after it.
		end := cidr.Block(cur.Last(), ones, p.Bits).Last()
		next := new(big.Int).Add(end, big.NewInt(1))
		if next.BitLen() > p.Bits || !p.Contains(next) {
			return nil, i, fmt.Errorf("not enough remaining address space for a subnet with a prefix of %d bits after %s", ones, text(cur))
		}
		cur = cidr.Prefix{Addr: next, Ones: ones, Bits: p.Bits}
		out[i] = text(cur)
	}
	return out, -1, nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var newbits int
		if err := gocty.FromCtyValue(args[1], &newbits); err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "newbits must be a whole number")
		}
		netnum, err := wholeNumber(args[2], "netnum")
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(2, err)
		}
		s, err := cidrSubnet(args[0].AsString(), newbits, netnum)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(s), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		hostnum, err := wholeNumber(args[1], "hostnum")
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgError(1, err)
		}
		s, err := cidrHost(args[0].AsString(), hostnum)
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(s), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params:       []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, err := cidrNetmask(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(s), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:       []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam:     &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:         function.StaticReturnType(cty.List(cty.String)),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		newbits := make([]int, len(args)-1)
		for i, a := range args[1:] {
			if err := gocty.FromCtyValue(a, &newbits[i]); err != nil {
				return cty.UnknownVal(cty.List(cty.String)), function.NewArgErrorf(i+1, "newbits must be a whole number")
			}
		}
		nets, bad, err := cidrSubnets(args[0].AsString(), newbits)
		switch {
		case err != nil && bad >= 0:
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(bad+1, err)
		case err != nil:
			return cty.UnknownVal(cty.List(cty.String)), function.NewArgError(0, err)
		case len(nets) == 0:
			return cty.ListValEmpty(cty.String), nil
		}
		vals := make([]cty.Value, len(nets))
		for i, n := range nets {
			vals[i] = cty.StringVal(n)
		}
		return cty.ListVal(vals), nil
	},
})
