package tracker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return f[host], nil
}

func TestCheckPublic(t *testing.T) {
	r := fakeResolver{
		"tracker.example":  {netip.MustParseAddr("20.1.2.3")},
		"rebind.example":   {netip.MustParseAddr("20.1.2.3"), netip.MustParseAddr("10.0.0.5")},
		"internal.example": {netip.MustParseAddr("192.168.1.10")},
		"v6.example":       {netip.MustParseAddr("fd00::1")},
	}
	tests := []struct{ base, want string }{
		{"https://tracker.example", ""},
		{"https://dev.azure.com/org", ""}, // resolved by the fake: no address
		{"https://20.1.2.3", ""},
		{"https://127.0.0.1:8443", "loopback"},
		{"http://[::1]", "loopback"},
		{"https://10.1.2.3", "private"},
		{"https://172.16.0.1", "private"},
		{"https://169.254.169.254/latest", "link-local"},
		{"https://[fe80::1]", "link-local"},
		{"https://0.0.0.0", "unspecified"},
		{"https://100.64.0.1", "reserved"},
		{"https://[::ffff:10.0.0.1]", "private"},
		{"https://internal.example", "private"},
		{"https://v6.example", "private"},
		{"https://rebind.example", "10.0.0.5, a private"},
		{"https://", "not a URL with a host"},
	}
	for _, tt := range tests {
		err := CheckPublic(context.Background(), tt.base, r)
		switch {
		case tt.base == "https://dev.azure.com/org":
			if err == nil || !strings.Contains(err.Error(), "no address") {
				t.Errorf("%s: %v, want no address", tt.base, err)
			}
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want allowed", tt.base, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.base, err, tt.want)
		}
	}
}

// The client checks the address it connects to, whatever the URL says.
func TestPublicClientRefusesLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	_, err := PublicClient().Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "a loopback address") || !strings.Contains(err.Error(), "--sync-allow-private") {
		t.Fatalf("GET %s: %v, want refused as loopback", srv.URL, err)
	}
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}
