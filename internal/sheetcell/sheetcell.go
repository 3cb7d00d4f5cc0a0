// Package sheetcell keeps text that reaches a spreadsheet from running as a formula,
// and keeps it UTF-8. Every CSV and Excel export (reports, backlogs, the audit log)
// passes its text cells through Text, so one rule holds everywhere.
package sheetcell

import "strings"

// triggers are the first characters that make Excel, LibreOffice or Google Sheets read
// a cell as a formula (=, + and - start one, @ is Lotus's prefix, and a tab or carriage
// return is dropped in front of one).
const triggers = "=+-@\t\r"

// Text neutralizes a text cell that a spreadsheet would run as a formula: a leading
// apostrophe makes the spreadsheet show it as text (OWASP's advice for CSV injection).
// A plain number such as -5 or +1.5e3 is left as it is: it cannot run anything, and a
// numeric column must stay numeric. Programs that import the file keep the apostrophe,
// which is the price of opening it safely.
//
// Bytes that are not UTF-8 become U+FFFD, one for each run of them: a CSV export is
// read back as UTF-8 (awaf import refuses anything else) and an Excel cell is XML,
// where such bytes corrupt the workbook. Text that came in through JSON, YAML or a
// form is UTF-8 already; this holds for whatever else reaches a cell.
func Text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if s == "" || !isTrigger(s[0]) || Number(s) {
		return s
	}
	return "'" + s
}

func isTrigger(c byte) bool {
	for i := range len(triggers) {
		if triggers[i] == c {
			return true
		}
	}
	return false
}

// Number reports whether s is a plain decimal number: an optional sign, digits with
// at most one point, and an optional exponent. Nothing else (no spaces, no operators,
// no percent sign) passes.
func Number(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDigit(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && isDigit(s[i]); i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
