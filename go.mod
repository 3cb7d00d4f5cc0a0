module github.com/awaf/awaf

go 1.26.8

require (
	cel.dev/cel-go v0.33.2 // rule conditions and lens risk rules: CEL, compiled once, with unknowns
	github.com/chromedp/cdproto v0.159.0 // browser tests: DevTools protocol types for chromedp
	github.com/chromedp/chromedp v0.23.0 // browser tests of the server and HTML reports in real Chromium
	github.com/coreos/go-oidc/v3 v3.21.0 // sign-in with Entra ID or any OpenID Connect provider: discovery, ID token checks, key rotation
	github.com/creack/pty v1.1.24 // end-to-end tests of the terminal questionnaire on a real pseudo-terminal
	github.com/go-jose/go-jose/v4 v4.1.9 // signing ID tokens in the tests' own OpenID Connect provider (go-oidc verifies with it too)
	github.com/hashicorp/hcl/v2 v2.25.0 // Terraform sources (.tf and .tf.json): HashiCorp's own parser
	github.com/hashicorp/terraform-json v0.29.0 // Terraform plan JSON (terraform show -json)
	github.com/jackc/pgx/v5 v5.12.0 // PostgreSQL store for the shared server
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // JSON Schema: review checklists against a user-given schema; lens and SARIF output in tests
	github.com/spf13/cobra v1.10.2 // the command line: subcommands, help, suggestions and shell completion, one flag parser (pflag) that interleaves flags and arguments
	github.com/spf13/pflag v1.1.0 // cobra's flag parser (GNU-style --flags); its flag set lays out awaf's help table
	github.com/xuri/excelize/v2 v2.11.1 // xlsx reports and plans for spreadsheets
	github.com/zclconf/go-cty v1.20.0 // HCL's value and function model for evaluating Terraform expressions
	go.yaml.in/yaml/v3 v3.0.6 // lens, answers and rule files with line and column for every problem
	golang.org/x/crypto v0.59.0 // argon2id password hashes
	golang.org/x/oauth2 v0.38.0 // the OAuth 2.0 authorization code exchange with PKCE for OpenID Connect sign-in
	golang.org/x/sys v0.50.0 // renameat2 with RENAME_EXCHANGE: a scan report takes the old one's place without a forced write-out (internal/fileout)
	golang.org/x/term v0.48.0 // terminal detection and password prompts without echo
	modernc.org/sqlite v1.62.0 // embedded SQLite store in pure Go (no cgo)
)

require (
	cel.dev/expr v0.25.1 // indirect
	github.com/agext/levenshtein v1.2.1 // indirect
	github.com/antlr4-go/antlr/v4 v4.13.1 // indirect
	github.com/apparentlymart/go-textseg/v15 v15.0.0 // indirect
	github.com/apparentlymart/go-textseg/v17 v17.0.1 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/richardlehane/mscfb v1.0.9 // indirect
	github.com/richardlehane/msoleps v1.0.6 // indirect
	github.com/tiendc/go-deepcopy v1.7.2 // indirect
	github.com/xuri/efp v0.0.3-0.20260924042702-217b81952dec // indirect
	github.com/xuri/nfp v0.0.2-0.20250530014748-2ddeb826f9a9 // indirect
	golang.org/x/exp v0.0.0-20240823005443-9b4947da3948 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/protobuf v1.36.10 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)
