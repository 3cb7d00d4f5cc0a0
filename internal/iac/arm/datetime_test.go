package arm

import (
	"context"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/iac/tmplfunc"
)

func TestDateFunctions(t *testing.T) {
	tests := []struct {
		name, expr, want string
	}{
		// The first four are the examples of the ARM documentation: a year is 365 days
		// and a month 30, leap years or not.
		{"add a year, not a leap year", `[dateTimeAdd('2023-01-01 00:00:00Z', 'P1Y')]`, `"2024-01-01T00:00:00Z"`},
		{"add a year, leap year", `[dateTimeAdd('2024-01-01 00:00:00Z', 'P1Y')]`, `"2024-12-31T00:00:00Z"`},
		{"add a month, not a leap year", `[dateTimeAdd('2023-02-01 00:00:00Z', 'P1M')]`, `"2023-03-03T00:00:00Z"`},
		{"add a month, leap year", `[dateTimeAdd('2024-02-01 00:00:00Z', 'P1M')]`, `"2024-03-02T00:00:00Z"`},
		{"negative duration", `[dateTimeAdd('2020-04-07 14:53:14Z', '-P9D')]`, `"2020-03-29T14:53:14Z"`},
		{"time parts and weeks", `[dateTimeAdd('2020-04-07T14:53:14Z', 'P1WT1H30M15.5S')]`, `"2020-04-14T16:23:29.5Z"`},
		{"offset is read and written as UTC", `[dateTimeAdd('2020-04-07T14:53:14+02:00', 'PT0S')]`, `"2020-04-07T12:53:14Z"`},
		{"utcNow default format as base", `[dateTimeAdd('20200407T145314Z', 'P1D')]`, `"2020-04-08T14:53:14Z"`},
		{"date only", `[dateTimeAdd('2020-04-07', 'P1D')]`, `"2020-04-08T00:00:00Z"`},
		{"standard format u", `[dateTimeAdd('2020-04-07 14:53:14Z', 'PT1H', 'u')]`, `"2020-04-07 15:53:14Z"`},
		{"standard format d and o", `[createArray(dateTimeAdd('2020-04-07T14:53:14Z', 'P0D', 'd'), dateTimeAdd('2020-04-07T14:53:14Z', 'P0D', 'o'))]`, `["04/07/2020","2020-04-07T14:53:14.0000000Z"]`},
		{"custom format", `[dateTimeAdd('2020-04-07T14:53:14Z', 'P0D', 'dddd dd MMM yyyy, h:mm tt ''UTC''K')]`, `"Tuesday 07 Apr 2020, 2:53 PM UTCZ"`},
		{"custom format with escapes and lone specifier", `[createArray(dateTimeAdd('2020-04-07T04:05:06Z', 'P0D', 'yyyyMMdd\THHmmss'), dateTimeAdd('2020-04-07T04:05:06Z', 'P0D', '%d'))]`, `["20200407T040506","7"]`},
		{"to epoch", `[string(dateTimeToEpoch('2023-05-02T15:16:13Z'))]`, `"1683040573"`},
		{"from epoch", `[dateTimeFromEpoch(1683040573)]`, `"2023-05-02T15:16:13Z"`},
		{"round trip through epoch", `[dateTimeToEpoch(dateTimeAdd(dateTimeFromEpoch(0), 'P1D'))]`, `86400`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newTestEvaluator(t)
			got := ev.exprString(tt.expr, awaf.Location{File: "t.json", Line: 1, Column: 1}, nil)
			if got.String() != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
			if len(ev.sink.diags) > 0 {
				t.Errorf("diagnostics: %v", ev.sink.diags)
			}
		})
	}
}

func TestDateFunctionErrors(t *testing.T) {
	tests := []struct{ name, expr, msg string }{
		{"not a timestamp", `[dateTimeAdd('yesterday', 'P1D')]`, `[dateTimeAdd('yesterday', 'P1D')]: dateTimeAdd: "yesterday" is not an ISO 8601 date and time`},
		{"empty duration", `[dateTimeAdd('2020-01-01', 'P')]`, `[dateTimeAdd('2020-01-01', 'P')]: dateTimeAdd: "P" is not an ISO 8601 duration (such as P1D or PT1H)`},
		{"T without time parts", `[dateTimeAdd('2020-01-01', 'P1DT')]`, `[dateTimeAdd('2020-01-01', 'P1DT')]: dateTimeAdd: "P1DT" is not an ISO 8601 duration (such as P1D or PT1H)`},
		{"past year 9999", `[dateTimeAdd('9999-12-31', 'P1D')]`, `[dateTimeAdd('9999-12-31', 'P1D')]: dateTimeAdd: 9999-12-31 plus P1D is outside the years 1 to 9999`},
		{"huge duration", `[dateTimeAdd('2020-01-01', 'P20000Y')]`, `[dateTimeAdd('2020-01-01', 'P20000Y')]: dateTimeAdd: duration "P20000Y" is longer than 10000 years`},
		{"bad standard format", `[dateTimeAdd('2020-01-01', 'P1D', 'x')]`, `[dateTimeAdd('2020-01-01', 'P1D', 'x')]: dateTimeAdd: "x" is not a standard date and time format`},
		{"fraction of a second in epoch", `[dateTimeFromEpoch(json('1.5'))]`, `[dateTimeFromEpoch(json('1.5'))]: dateTimeFromEpoch: epoch 1.5 is not a whole number of seconds`},
		{"epoch from a string", `[dateTimeFromEpoch('0')]`, `[dateTimeFromEpoch('0')]: dateTimeFromEpoch: argument 1 must be an integer, found string`},
		{"wrong arity", `[dateTimeToEpoch()]`, `[dateTimeToEpoch()]: dateTimeToEpoch expects 1 argument(s), got 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := newTestEvaluator(t)
			got := ev.exprString(tt.expr, awaf.Location{File: "t.json", Line: 9, Column: 4}, nil)
			if !got.IsUnknown() {
				t.Errorf("result %s, want Unknown", got)
			}
			if len(ev.sink.diags) != 1 || ev.sink.diags[0].Message != tt.msg || ev.sink.diags[0].Severity != "error" || ev.sink.diags[0].Loc != (awaf.Location{File: "t.json", Line: 9, Column: 4}) {
				t.Errorf("diagnostics %+v\nwant error %q at t.json:9:4", ev.sink.diags, tt.msg)
			}
		})
	}
}

// utcNow() is the deployment's time: unknown, in a parameter default (the only place
// ARM allows it) and in whatever is computed from it.
func TestUtcNowStaysUnknown(t *testing.T) {
	src := tmpl(`"parameters": {"now": {"type": "string", "defaultValue": "[utcNow('u')]"}},
	  "resources": [{"type": "Microsoft.KeyVault/vaults/secrets", "name": "kv/s", "properties": {
	    "attributes": {"exp": "[dateTimeToEpoch(dateTimeAdd(parameters('now'), 'P90D'))]", "nbf": "[dateTimeToEpoch('2025-01-01T00:00:00Z')]"}}}]`)
	res, diags := expand(t, src, nil)
	if len(diags) != 0 || len(res) != 1 {
		t.Fatalf("got %v %v", res, diags)
	}
	exp := res[0].Properties.Get("attributes.exp")
	if !exp.IsUnknown() || !strings.Contains(exp.Why, "utcNow() is known at deployment") {
		t.Errorf("exp = %s (%s)", exp, exp.Why)
	}
	if nbf, _, _ := res[0].Properties.Get("attributes.nbf").AsNumber(); nbf != 1735689600 {
		t.Errorf("nbf = %v", nbf)
	}
	// A value given for the parameter replaces utcNow().
	res, _ = Expand(context.Background(), "main.json", []byte(src), map[string]*iac.Value{"now": iac.NewString("2025-01-01 00:00:00Z", awaf.Location{})})
	if got, known, _ := res[0].Properties.Get("attributes.exp").AsNumber(); !known || got != 1743465600 {
		t.Errorf("exp with a given time = %v", got)
	}
}

// FuzzDateTimeAdd feeds arbitrary timestamps, durations and formats to dateTimeAdd:
// it may refuse them, but never panic, and a result read back must be a date.
func FuzzDateTimeAdd(f *testing.F) {
	f.Add("2020-04-07 14:53:14Z", "-P9D", "u")
	f.Add("20200407T145314Z", "P1Y2M3W4DT5H6M7.5S", "dddd, dd MMMM yyyy HH:mm:ss.fffffff tt K zzz 'x'\\y%d")
	f.Add("0001-01-01", "-PT1S", "")
	f.Add("9999-12-31T23:59:59Z", "P0,5D", "o")
	f.Fuzz(func(t *testing.T, base, duration, format string) {
		out, err := tmplfunc.DateTimeAdd(base, duration, nil)
		if err != nil {
			return
		}
		if _, err := tmplfunc.ParseTimestamp(out); err != nil {
			t.Fatalf("dateTimeAdd(%q, %q) = %q, which does not read back: %v", base, duration, out, err)
		}
		_, _ = tmplfunc.DateTimeAdd(base, duration, &format)
	})
}
