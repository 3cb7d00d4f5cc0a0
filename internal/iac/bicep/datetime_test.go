package bicep

import (
	"strings"
	"testing"
)

func TestDateFunctions(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"dateTimeAdd as the documentation shows it", "var x = [dateTimeAdd('2023-01-01 00:00:00Z', 'P1Y'), dateTimeAdd('2024-02-01 00:00:00Z', 'P1M')]", `["2024-01-01T00:00:00Z","2024-03-02T00:00:00Z"]`},
		{"negative duration and a format", "var x = [dateTimeAdd('2020-04-07 14:53:14Z', '-P9D'), dateTimeAdd('2020-04-07 14:53:14Z', 'PT1H', 'u'), dateTimeAdd('2020-04-07T14:53:14Z', 'P0D', 'yyyy-MM-dd')]", `["2020-03-29T14:53:14Z","2020-04-07 15:53:14Z","2020-04-07"]`},
		{"sys namespace", "var x = sys.dateTimeAdd('2020-01-01', 'P1W')", `"2020-01-08T00:00:00Z"`},
		{"epoch both ways", "var x = [string(dateTimeToEpoch('2023-05-02T15:16:13Z')), dateTimeFromEpoch(1683040573)]", `["1683040573","2023-05-02T15:16:13Z"]`},
		{"expiry from a parameter", "param start string = '2025-01-01T00:00:00Z'\nvar x = string(dateTimeToEpoch(dateTimeAdd(start, 'P90D')))", `"1743465600"`},
		{"utcNow as a default stays unknown", "param now string = utcNow()\nvar x = dateTimeToEpoch(dateTimeAdd(now, 'P90D'))", `{"$unknown":"utcNow() is the deployment time"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := evalVar(t, tt.src)
			if got != tt.want {
				t.Errorf("x = %s\nwant %s", got, tt.want)
			}
			if len(diags) != 0 {
				t.Errorf("diagnostics %v", diags)
			}
		})
	}
}

func TestDateFunctionErrors(t *testing.T) {
	tests := []struct {
		name, src, wantDiag string
	}{
		{"bad timestamp", "var x = dateTimeAdd('soon', 'P1D')", `main.bicep:1:9: error: dateTimeAdd: "soon" is not an ISO 8601 date and time`},
		{"bad duration", "var x = dateTimeAdd('2020-01-01', '1 day')", `main.bicep:1:9: error: dateTimeAdd: "1 day" is not an ISO 8601 duration (such as P1D or PT1H)`},
		{"bad format", "var x = dateTimeAdd('2020-01-01', 'P1D', 'q')", `main.bicep:1:9: error: dateTimeAdd: "q" is not a standard date and time format`},
		{"not strings", "var x = dateTimeAdd('2020-01-01', 1)", `main.bicep:1:9: error: dateTimeAdd: argument 2 must be a string, found number`},
		{"epoch from a string", "var x = dateTimeFromEpoch('1')", `main.bicep:1:9: error: dateTimeFromEpoch: argument 1 must be an integer, found string`},
		{"epoch out of range", "var x = dateTimeFromEpoch(999999999999)", `main.bicep:1:9: error: dateTimeFromEpoch: epoch 999999999999 is outside the years 1 to 9999`},
		{"toEpoch of a non-date", "\nvar x = dateTimeToEpoch('x')", `main.bicep:2:9: error: dateTimeToEpoch: "x" is not an ISO 8601 date and time`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := evalVar(t, tt.src)
			if !strings.Contains(got, "$unknown") {
				t.Errorf("x = %s, want unknown", got)
			}
			var ds []string
			for _, d := range diags {
				ds = append(ds, at(d.Loc)+": "+string(d.Severity)+": "+d.Message)
			}
			if strings.Join(ds, "\n") != tt.wantDiag {
				t.Errorf("diagnostics %q\nwant %q", ds, tt.wantDiag)
			}
		})
	}
}
