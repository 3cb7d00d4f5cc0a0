package main

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/oidc"
	"github.com/awaf/awaf/internal/server"
)

// oidcFlags configure sign-in with the company identity.
type oidcFlags struct {
	issuer, clientID, secretFile, publicURL, groupsClaim string
	tenants, domains, groups, adminGroups                []string
	noLocal                                              bool
}

func addOIDCFlags(cmd *cobra.Command, f *oidcFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.issuer, "oidc-issuer", "", "OpenID Connect issuer `URL`, e.g. https://login.microsoftonline.com/TENANT/v2.0 (AWAF_OIDC_ISSUER)")
	fl.StringVar(&f.clientID, "oidc-client-id", "", "client (application) `ID` registered with the provider (AWAF_OIDC_CLIENT_ID)")
	fl.StringVar(&f.secretFile, "oidc-client-secret-file", "", "`FILE` holding the client secret (AWAF_OIDC_CLIENT_SECRET_FILE)")
	fl.StringVar(&f.publicURL, "public-url", "", "`URL` people reach the server at; the provider sends them back to URL"+server.OIDCCallbackPath+" (AWAF_PUBLIC_URL)")
	fl.StringSliceVar(&f.tenants, "oidc-tenant", nil, "admit only these Entra ID tenant `IDs` (tid claim) (AWAF_OIDC_TENANT)")
	fl.StringSliceVar(&f.domains, "oidc-domain", nil, "admit only verified e-mail addresses in these `domains` (AWAF_OIDC_DOMAIN)")
	fl.StringSliceVar(&f.groups, "oidc-group", nil, "admit only members of one of these `groups` (AWAF_OIDC_GROUP)")
	fl.StringSliceVar(&f.adminGroups, "oidc-admin-group", nil, "members of these `groups` become site administrators when their account is created (AWAF_OIDC_ADMIN_GROUP)")
	fl.StringVar(&f.groupsClaim, "oidc-groups-claim", "groups", "ID token `claim` that lists groups (AWAF_OIDC_GROUPS_CLAIM)")
	fl.BoolVar(&f.noLocal, "no-local-accounts", false, "turn password sign-in off; needs --oidc-issuer (AWAF_NO_LOCAL_ACCOUNTS)")
	for flag, env := range map[string]string{
		"oidc-issuer": "AWAF_OIDC_ISSUER", "oidc-client-id": "AWAF_OIDC_CLIENT_ID", "oidc-client-secret-file": "AWAF_OIDC_CLIENT_SECRET_FILE",
		"public-url": "AWAF_PUBLIC_URL", "oidc-tenant": "AWAF_OIDC_TENANT", "oidc-domain": "AWAF_OIDC_DOMAIN", "oidc-group": "AWAF_OIDC_GROUP",
		"oidc-admin-group": "AWAF_OIDC_ADMIN_GROUP", "oidc-groups-claim": "AWAF_OIDC_GROUPS_CLAIM", "no-local-accounts": "AWAF_NO_LOCAL_ACCOUNTS",
	} {
		envFlag(cmd, flag, env)
	}
}

// openSSO discovers the provider; nil when no issuer is set.
func openSSO(ctx context.Context, f *oidcFlags) (server.SSO, error) {
	if f.issuer == "" {
		if f.noLocal {
			return nil, awaf.Errorf(awaf.EINVALID, "--no-local-accounts needs --oidc-issuer: nobody could sign in")
		}
		if f.clientID != "" || f.secretFile != "" {
			return nil, awaf.Errorf(awaf.EINVALID, "--oidc-client-id and --oidc-client-secret-file need --oidc-issuer")
		}
		return nil, nil
	}
	if f.clientID == "" {
		return nil, awaf.Errorf(awaf.EINVALID, "--oidc-issuer needs --oidc-client-id")
	}
	if f.publicURL == "" || !(strings.HasPrefix(f.publicURL, "https://") || strings.HasPrefix(f.publicURL, "http://")) {
		return nil, awaf.Errorf(awaf.EINVALID, "--oidc-issuer needs --public-url https://HOST (the provider sends people back to it)")
	}
	var secret string
	if f.secretFile != "" {
		if err := checkInput(f.secretFile, "a file holding the OIDC client secret"); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(f.secretFile)
		if err != nil {
			return nil, awaf.Errorf(awaf.EINVALID, "OIDC client secret: %v", err)
		}
		if secret = strings.TrimSpace(string(data)); secret == "" {
			return nil, awaf.Errorf(awaf.EINVALID, "OIDC client secret in %s: the file is empty", f.secretFile)
		}
	}
	p, err := oidc.New(ctx, oidc.Config{
		Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret,
		RedirectURL:    strings.TrimRight(f.publicURL, "/") + server.OIDCCallbackPath,
		AllowedTenants: f.tenants, AllowedDomains: f.domains, RequiredGroups: f.groups,
		AdminGroups: f.adminGroups, GroupsClaim: f.groupsClaim,
	}, nil)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "%v", err)
	}
	return p, nil
}
