package terraform

import (
	"math/big"
	"net/netip"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

// armCall calls an ARM template function of the shared library.
func armCall(t *testing.T, name string, args ...*iac.Value) (*iac.Value, error) {
	t.Helper()
	s, ok := tmplfunc.Lookup(name)
	if !ok {
		t.Fatalf("no ARM function %s", name)
	}
	return s.Eval(tmplfunc.Call{Name: name, Args: args})
}

// TestCIDRSemanticsAgainstARM pins where Terraform's network functions and ARM's
// differ on the same arithmetic: Terraform numbers hosts from the network address
// and counts negative numbers back from the end, ARM from the first usable address
// and never gives an IPv4 broadcast address; Terraform's cidrsubnet extends the
// prefix by newbits, ARM's cidrSubnet takes the new length itself; Terraform has no
// IPv6 netmask, ARM's parseCidr gives one.
func TestCIDRSemanticsAgainstARM(t *testing.T) {
	str := func(s string) *iac.Value { return iac.NewString(s, awaf.Location{}) }
	num := func(n int) *iac.Value { return iac.NewNumber(float64(n), awaf.Location{}) }
	for _, block := range []string{"10.0.0.0/24", "10.1.2.0/30", "10.1.2.4/31", "fd00::/120"} {
		p := netip.MustParsePrefix(block)
		for i := -3; i < 260; i++ {
			tf, tfErr := cidrHost(block, big.NewInt(int64(i+1)))
			arm, armErr := armCall(t, "cidrhost", str(block), num(i))
			switch {
			case armErr == nil && (tfErr != nil || tf != arm.Str):
				t.Errorf("%s host %d: ARM %s, Terraform host %d %q %v", block, i, arm.Str, i+1, tf, tfErr)
			case armErr != nil && i >= 0 && tfErr == nil:
				// Only an IPv4 block's last address is Terraform's and not ARM's.
				if a := netip.MustParseAddr(tf); !p.Addr().Is4() || a.Next().IsValid() && p.Contains(a.Next()) {
					t.Errorf("%s host %d: ARM refuses (%v), Terraform gives %s", block, i, armErr, tf)
				}
			}
		}
		if last, err := cidrHost(block, big.NewInt(-1)); err != nil || !p.Contains(netip.MustParseAddr(last)) {
			t.Errorf("%s: Terraform's host -1 is %q, %v", block, last, err)
		}
		if _, err := armCall(t, "cidrhost", str(block), num(-1)); err == nil {
			t.Errorf("%s: ARM took host -1", block)
		}
	}
	for n := 0; n <= 256; n++ {
		tf, tfErr := cidrSubnet("10.0.0.0/16", 8, big.NewInt(int64(n)))
		arm, armErr := armCall(t, "cidrsubnet", str("10.0.0.0/16"), num(24), num(n))
		if (tfErr == nil) != (armErr == nil) || (tfErr == nil && tf != arm.Str) {
			t.Errorf("subnet %d: Terraform %q %v, ARM %v %v", n, tf, tfErr, arm, armErr)
		}
	}
	if _, err := cidrNetmask("fd00::/64"); err == nil {
		t.Error("Terraform gave an IPv6 netmask")
	}
	if o, err := armCall(t, "parsecidr", str("fd00::/64")); err != nil || o.Field("netmask").Str != "ffff:ffff:ffff:ffff::" {
		t.Errorf("ARM parseCidr of IPv6: %v %v", o, err)
	}
}
